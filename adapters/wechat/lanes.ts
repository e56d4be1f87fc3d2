/**
 * One queue of tasks per key, run one after another: the messages of one
 * chat are answered in the order they came, while chats do not wait for
 * each other (one slow image download holds up only its own chat).
 */
export class Lanes {
  private readonly tails = new Map<string, Promise<void>>();

  /** Run `task` after every earlier task of `key`; a failed task does not stop the lane. */
  run(key: string, task: () => Promise<void>): Promise<void> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const next = previous.then(task);
    const tail = next.catch(() => {});
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return next;
  }

  /** Resolves once every task started so far has finished. */
  async idle(): Promise<void> {
    while (this.tails.size > 0) await Promise.all(this.tails.values());
  }
}
