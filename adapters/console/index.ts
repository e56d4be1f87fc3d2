import { createInterface, type Interface } from "node:readline";
import type { Adapter, AdapterContext } from "../../src/bot/adapter.ts";
import type { Core } from "../../src/bot/core.ts";
import type { Reply } from "../../src/chat/message.ts";
import type { Sender } from "../../src/chat/sender.ts";
import { banner } from "./banner.ts";
import { renderPlain } from "./render.ts";

/** Streams the console adapter reads and writes; tests pass their own. */
export interface ConsoleIO {
  input: NodeJS.ReadableStream;
  output: NodeJS.WritableStream;
}

const CHAT_ID = "console";

/**
 * A private chat in the terminal: every line is a message from user
 * `console`, every reply is printed as plain text.
 */
export class ConsoleAdapter implements Adapter {
  readonly platform = "console";
  readonly sender: Sender;
  private rl?: Interface;
  private pending = Promise.resolve();

  constructor(
    private readonly bot: Core,
    private readonly io: ConsoleIO = { input: process.stdin, output: process.stdout },
    private readonly onClose?: () => void,
  ) {
    this.sender = { platform: this.platform, send: async (_chatId, reply) => this.print([reply]) };
  }

  async start(): Promise<void> {
    // On a terminal, readline echoes and edits the line and shows the prompt; piped input is read as is.
    const tty = Boolean((this.io.input as { isTTY?: boolean }).isTTY);
    const rl = createInterface({ input: this.io.input, output: this.io.output, prompt: "你> ", terminal: tty });
    this.rl = rl;
    this.io.output.write(`${banner.ready}\n`);
    const prompt = () => {
      if (tty) rl.prompt();
    };
    prompt();
    rl.on("line", (line) => {
      // Answer lines in order, one at a time, like a chat.
      this.pending = this.pending.then(() => this.answer(line)).then(prompt);
    });
    rl.on("close", () => void this.pending.then(() => this.onClose?.()));
  }

  private async answer(line: string): Promise<void> {
    const replies = await this.bot.handle({
      platform: this.platform,
      chatId: CHAT_ID,
      userId: CHAT_ID,
      isGroup: false,
      mentioned: false,
      text: line,
    });
    this.print(replies);
  }

  private print(replies: Reply[]): void {
    for (const r of replies) this.io.output.write(`${renderPlain(r)}\n\n`);
  }

  async stop(): Promise<void> {
    this.rl?.close();
    await this.pending;
  }
}

/** Adapter factory used by `article-bot start`. */
export function createAdapter(ctx: AdapterContext, _settings: object, io?: ConsoleIO): Adapter {
  return new ConsoleAdapter(ctx.core, io, () => ctx.requestShutdown("console input closed"));
}
