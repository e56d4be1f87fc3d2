import type { Core } from "../../src/bot/core.ts";
import { t } from "../../src/bot/strings.ts";
import type { Incoming, Reply } from "../../src/chat/message.ts";
import { SendThrottle, TELEGRAM_LIMITS } from "../../adapters/telegram/throttle.ts";
import { Lanes } from "../../adapters/wechat/lanes.ts";

/**
 * Many chats flooding a bot at once, in virtual time: the real core
 * (pipeline, flood control, search) behind an adapter shaped like
 * Telegram's — one lane per chat (a chat's next message waits for the
 * previous one's answers to be sent) and the answering path's send
 * throttle (1 message/s per chat, 30/s overall). Nothing waits for wall
 * time: the clock jumps from event to event (a message arriving, the
 * throttle's next slot) once the bot has done everything it can at the
 * current instant.
 */

/** Who sends what, when. */
export interface FloodScenario {
  /** Private chats that each send `burstSize` messages at instant 0. */
  flooders: number;
  burstSize: number;
  /**
   * Private chats that each send one message every `quietEveryMs`,
   * `quietMessages` in all; their first messages are spread evenly over
   * the first `quietEveryMs`, so some chat asks something at any time.
   */
  quiet: number;
  quietEveryMs: number;
  quietMessages: number;
}

/** What the chats saw. */
export interface FloodFigures {
  /** Messages answered with something other than the slow-down. */
  answered: number;
  /** Slow-downs sent. */
  slowedDown: number;
  /** Messages that got nothing. */
  dropped: number;
  /** The most any one flooding chat got (answers and slow-downs). */
  maxRepliesPerFlooder: number;
  /** Time from a quiet chat's message arriving to its answer being sent, in ms. */
  quietLatency: { p50: number; p99: number; max: number };
  /** When the flooding chats' last answer went out, in ms after the flood started. */
  floodOverMs: number;
}

/** Run the scenario against `core`, moving `clock` (a fake one, starting at `startMs`). */
export async function simulateFlood(
  core: Core,
  clock: { set(iso: string): void },
  startMs: number,
  s: FloodScenario,
): Promise<FloodFigures> {
  let now = 0;
  const at = (ms: number) => clock.set(new Date(startMs + ms).toISOString());
  at(0);

  const arrivals: Array<{ ms: number; msg: Incoming; quiet: boolean }> = [];
  for (let c = 0; c < s.flooders; c++) {
    for (let i = 0; i < s.burstSize; i++) arrivals.push({ ms: 0, msg: chat(`flood${c}`, "呼吸机"), quiet: false });
  }
  for (let c = 0; c < s.quiet; c++) {
    for (let i = 0; i < s.quietMessages; i++)
      arrivals.push({
        ms: Math.round(((c + 0.5) * s.quietEveryMs) / s.quiet) + i * s.quietEveryMs,
        msg: chat(`quiet${c}`, "墨荷"),
        quiet: true,
      });
  }
  arrivals.sort((a, b) => a.ms - b.ms);

  const lanes = new Lanes();
  const timers: Array<{ at: number; wake: () => void }> = [];
  const throttle = new SendThrottle(
    TELEGRAM_LIMITS,
    () => now,
    (ms) => new Promise<void>((wake) => void timers.push({ at: now + ms, wake })),
  );
  let floodOver = 0;
  let busy = 0;
  let unfinished = arrivals.length;
  const figures = { answered: 0, slowedDown: 0, dropped: 0 };
  const perFlooder = new Map<string, number>();
  const quietLatencies: number[] = [];

  const send = (chatId: string, quiet: boolean) =>
    throttle.schedule(chatId, false, async () => void (quiet || (floodOver = now)));

  const receive = (arrival: (typeof arrivals)[number]) => {
    const { msg } = arrival;
    // What the adapter knows on arrival: when the message came.
    msg.receivedAt = new Date(startMs + now);
    void lanes.run(msg.chatId, async () => {
      busy++;
      let replies: Reply[];
      try {
        replies = await core.handle(msg);
      } finally {
        busy--;
      }
      if (replies.length === 0) figures.dropped++;
      else if (isSlowDown(replies)) figures.slowedDown++;
      else figures.answered++;
      if (!arrival.quiet && replies.length > 0) perFlooder.set(msg.chatId, (perFlooder.get(msg.chatId) ?? 0) + 1);
      for (const [i] of replies.entries()) {
        await send(msg.chatId, arrival.quiet);
        if (i === 0 && arrival.quiet) quietLatencies.push(now - arrival.ms);
      }
      unfinished--;
    });
  };

  let next = 0;
  for (;;) {
    await settle(() => busy);
    if (unfinished === 0) break;
    // Next event: a message arriving, or the throttle's next wake-up.
    timers.sort((a, b) => a.at - b.at);
    const wakeAt = timers[0]?.at ?? Number.POSITIVE_INFINITY;
    const arrivalAt = arrivals[next]?.ms ?? Number.POSITIVE_INFINITY;
    if (arrivalAt === Number.POSITIVE_INFINITY && wakeAt === Number.POSITIVE_INFINITY)
      throw new Error(`${unfinished} messages stuck with nothing to wait for`);
    if (arrivalAt <= wakeAt) {
      at((now = arrivalAt));
      while (arrivals[next]?.ms === now) receive(arrivals[next++]!);
    } else {
      at((now = wakeAt));
      timers.shift()!.wake();
    }
  }
  quietLatencies.sort((a, b) => a - b);
  return {
    ...figures,
    maxRepliesPerFlooder: Math.max(0, ...perFlooder.values()),
    quietLatency: {
      p50: percentile(quietLatencies, 0.5),
      p99: percentile(quietLatencies, 0.99),
      max: quietLatencies.at(-1) ?? 0,
    },
    floodOverMs: floodOver,
  };
}

function chat(chatId: string, text: string): Incoming {
  return { platform: "telegram", chatId, userId: chatId, isGroup: false, mentioned: false, text };
}

const isSlowDown = (replies: Reply[]) =>
  replies.length === 1 && replies[0]!.kind === "text" && replies[0]!.text === t.slowDown;

function percentile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
}

/**
 * Let the bot do everything it can without time passing: promise chains
 * run to their end and no request is half-way through the core. The core
 * (SQLite, search) never waits on a timer, so this ends.
 */
async function settle(busy: () => number): Promise<void> {
  let quietRounds = 0;
  while (quietRounds < 2) {
    await new Promise((resolve) => setImmediate(resolve));
    quietRounds = busy() === 0 ? quietRounds + 1 : 0;
  }
}
