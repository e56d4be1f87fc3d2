import { Agent, type AgentOptions } from "node:http";
import { HttpError } from "grammy";
import { describe, expect, it } from "vitest";
import { clientOptions, retryUnsent } from "../../../adapters/telegram/api.ts";

/** A network error as node-fetch reports it under grammY's HttpError. */
const networkError = (code: string) =>
  new HttpError(
    "Network request for 'sendMessage' failed!",
    Object.assign(new Error(`request failed, reason: ${code}`), { code }),
  );
const OK = { ok: true as const, result: true };

/** A Bot API stand-in that fails with `errors` in turn, then answers. */
function flaky(errors: Error[]) {
  const calls: string[] = [];
  const prev = async (method: string) => {
    calls.push(method);
    const err = errors.shift();
    if (err) throw err;
    return OK;
  };
  return { prev: prev as never, calls };
}

describe("retrying requests that never reached Telegram", () => {
  it("sends a call again after a refused connection or a failed DNS lookup, and answers", async () => {
    const { prev, calls } = flaky([networkError("ECONNREFUSED"), networkError("ENOTFOUND")]);
    await expect(retryUnsent([5, 5])(prev, "sendMessage", { chat_id: 1, text: "hi" } as never)).resolves.toEqual(OK);
    expect(calls).toEqual(["sendMessage", "sendMessage", "sendMessage"]);
  });

  it("does not send again after a timeout or a reset: the message may have arrived", async () => {
    for (const err of [
      new HttpError("Request to 'sendMessage' timed out after 15000 ms", new Error("aborted")),
      networkError("ECONNRESET"),
    ]) {
      const { prev, calls } = flaky([err]);
      await expect(retryUnsent([5, 5])(prev, "sendMessage", {} as never)).rejects.toBe(err);
      expect(calls).toHaveLength(1);
    }
  });

  it("gives up after its last wait", async () => {
    const refused = networkError("ECONNREFUSED");
    const { prev, calls } = flaky([refused, refused, refused, refused]);
    await expect(retryUnsent([5, 5])(prev, "sendMessage", {} as never)).rejects.toBe(refused);
    expect(calls).toHaveLength(3);
  });

  it("stops retrying once the call is cancelled", async () => {
    const controller = new AbortController();
    controller.abort();
    const { prev, calls } = flaky([networkError("ECONNREFUSED")]);
    await expect(
      retryUnsent([5, 5])(prev, "getUpdates", {} as never, controller.signal as never),
    ).rejects.toBeInstanceOf(HttpError);
    expect(calls).toHaveLength(1);
  });
});

describe("connections to the Bot API", () => {
  it("are kept alive, but closed after 4 s idle: before a Node-based server (5 s) or nginx (75 s) closes them under a request", () => {
    for (const root of ["https://api.telegram.org", "http://127.0.0.1:8081"]) {
      const agent = clientOptions(root).baseFetchConfig?.agent as Agent & { options: AgentOptions };
      expect(agent.options).toMatchObject({ keepAlive: true, timeout: 4_000 });
      expect(agent.options.timeout).toBeLessThan(5_000);
    }
    expect(clientOptions(undefined).apiRoot).toBe("https://api.telegram.org");
  });

  it("go through the proxy's agent when there is one", () => {
    const proxy = new Agent();
    expect(clientOptions("https://api.telegram.org/", proxy)).toMatchObject({
      apiRoot: "https://api.telegram.org",
      baseFetchConfig: { agent: proxy },
    });
  });
});
