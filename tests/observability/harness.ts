import { Writable } from "node:stream";
import type { Core } from "../../src/bot/core.ts";
import type { Reply } from "../../src/chat/message.ts";
import type { SendError, Sender } from "../../src/chat/sender.ts";
import { createLogger, type Logger } from "../../src/log.ts";
import type { AdapterStatus } from "../../src/observability/health.ts";
import { Observability } from "../../src/observability/observability.ts";
import { HARDENING_LIBRARY } from "../hardening/fixtures.ts";
import { fakeClock, loadSnapshot, testBot } from "../helpers/bot.ts";

/** A logger whose JSON lines the test can read. */
export function capturedLog(level = "info"): { log: Logger; lines: () => Array<Record<string, unknown>> } {
  const raw: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _enc, done) {
      raw.push(...chunk.toString().split("\n").filter(Boolean));
      done();
    },
  });
  return {
    log: createLogger({ level, destination }),
    lines: () => raw.map((l) => JSON.parse(l) as Record<string, unknown>),
  };
}

/** A sender that records what it sent, or fails with `failure` when told to. */
export function fakeSender(platform = "test"): Sender & { sent: Array<[string, Reply]>; failWith?: SendError } {
  const sender = {
    platform,
    sent: [] as Array<[string, Reply]>,
    failWith: undefined as SendError | undefined,
    async send(chatId: string, reply: Reply) {
      if (sender.failWith) throw sender.failWith;
      sender.sent.push([chatId, reply]);
    },
  };
  return sender;
}

/** A bot wired to observability the way `start` wires it, over the hardening fixture library. */
export async function observedBot(options: { level?: string; adapters?: AdapterStatus[] } = {}) {
  const { log, lines } = capturedLog(options.level);
  const snapshot = await loadSnapshot(HARDENING_LIBRARY);
  const clock = fakeClock("2026-11-25T00:30:00Z");
  const adapters = options.adapters ?? [{ platform: "test", connected: true }];
  let broken: Error | undefined;
  const library = () => {
    if (broken) throw broken;
    return snapshot;
  };
  const observability = new Observability({ log, clock, library: () => snapshot, adapters: () => adapters });
  const made = await testBot({ library, clock, log, observe: observability.observeMessage });
  /** From now on, every look at the library throws `error` (a disk that went away). */
  const breakLibrary = (error: Error) => void (broken = error);
  return { bot: made.bot as Core, observability, lines, clock, adapters, breakLibrary, cleanup: made.cleanup };
}
