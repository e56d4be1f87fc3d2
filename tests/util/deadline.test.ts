import { afterEach, describe, expect, it, vi } from "vitest";
import { settledWithin, TimeoutError, withDeadline } from "../../src/util/deadline.ts";

afterEach(() => void vi.useRealTimers());

describe("withDeadline", () => {
  it("gives the call's own answer when it comes in time", async () => {
    await expect(withDeadline(Promise.resolve("好"), 1000, "a lookup")).resolves.toBe("好");
    await expect(withDeadline(Promise.reject(new Error("refused")), 1000, "a lookup")).rejects.toThrow("refused");
  });

  it("rejects with a TimeoutError naming the call when it hangs", async () => {
    vi.useFakeTimers();
    const hung = withDeadline(new Promise(() => {}), 5000, "looking up a room");
    const caught = hung.catch((err: unknown) => err);
    await vi.advanceTimersByTimeAsync(5000);
    const err = await caught;
    expect(err).toBeInstanceOf(TimeoutError);
    expect((err as TimeoutError).message).toBe("looking up a room timed out after 5000 ms");
  });
});

describe("settledWithin", () => {
  it("says whether a drain finished in time, without throwing either way", async () => {
    vi.useFakeTimers();
    await expect(settledWithin(Promise.reject(new Error("failed")), 100)).resolves.toBe(true);
    const late = settledWithin(new Promise(() => {}), 100);
    await vi.advanceTimersByTimeAsync(100);
    await expect(late).resolves.toBe(false);
  });
});
