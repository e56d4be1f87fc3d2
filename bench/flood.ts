/**
 * `npx tsx bench/flood.ts`: many private chats flooding the bot at once,
 * in virtual time (the real core, flood control and the answering path's
 * send throttle; see tests/helpers/flood-sim.ts): what the flooding chats
 * get, when their answers are over, and how long the other chats wait.
 * The bundled library; limits as configured by default (6 at once, 20 a
 * minute); 40 other chats each ask a question every 20 s.
 */
import { ChatRateLimiter } from "../src/bot/rate-limit.ts";
import { BUNDLED_LIBRARY, fakeClock, testBot } from "../tests/helpers/bot.ts";
import { simulateFlood } from "../tests/helpers/flood-sim.ts";

const START = "2026-11-25T08:00:00Z";
console.log(
  "| flooding chats × messages | answered | slowed down | dropped | flood's answers over | other chats' wait p50 / p99 |",
);
console.log("|---|---|---|---|---|---|");
for (const flooders of [0, 100, 200]) {
  const clock = fakeClock(START);
  const { bot, cleanup } = await testBot(
    { clock, rateLimit: new ChatRateLimiter(clock, { burst: 6, perMinute: 20 }) },
    BUNDLED_LIBRARY,
  );
  const seen = await simulateFlood(bot, clock, Date.parse(START), {
    flooders,
    burstSize: 20,
    quiet: 40,
    quietEveryMs: 20_000,
    quietMessages: 3,
  });
  await cleanup();
  const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
  console.log(
    `| ${flooders} × 20 | ${seen.answered} | ${seen.slowedDown} | ${seen.dropped} | ${s(seen.floodOverMs)} | ${s(seen.quietLatency.p50)} / ${s(seen.quietLatency.p99)} |`,
  );
}
