/**
 * Measures what faults do to a day's push: how many of 2,000 subscribers
 * got the image once, not at all, or more than once. The real Telegram
 * sender and push service, the fake Bot API server on 127.0.0.1, real
 * SQLite; the fake clock ticks through the day.
 *
 *   npx tsx tests/push/measure-faults.ts
 *
 * 1. full disk: every "mark sent" write fails with SQLITE_FULL from 07:30
 *    to 07:45; ticks every minute until 09:00.
 * 2. 10 % 500s: a seeded random tenth of all sendPhoto calls answer 500;
 *    ticks every 5 minutes until the end of the day.
 * 3. /push_now at 07:35 after a push in which a tenth of the calls
 *    answered 500 and another tenth timed out after Telegram had taken
 *    the message (the answer came too late).
 */
import { createTelegramSender } from "../../adapters/telegram/sender.ts";
import { silentLogger } from "../../src/log.ts";
import { downloadImage } from "../../src/net/download.ts";
import { ImageCache } from "../../src/net/image-cache.ts";
import type { Store } from "../../src/store/store.ts";
import { fakeClock } from "../helpers/bot.ts";
import { FakeTelegram, type ApiCall } from "../helpers/fake-telegram.ts";
import { ImageServer, jpegBytes, LOCAL_IMAGE_HOSTS } from "../helpers/image-server.ts";
import { fullDisk, pushService, subscribeMany, tempSqlite } from "./helpers.ts";

const SUBSCRIBERS = 2000;
const DAY_START = Date.parse("2026-11-24T23:30:00Z"); // 07:30 in Shanghai
const MINUTE = 60_000;

/** A seeded PRNG (mulberry32), so every run draws the same calls. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** One draw per call, so several rules can look at the same call. */
function drawPerCall(seed: number): (call: ApiCall) => number {
  const next = random(seed);
  const draws = new WeakMap<ApiCall, number>();
  return (call) => {
    if (!draws.has(call)) draws.set(call, next());
    return draws.get(call)!;
  };
}

async function setUp(
  wrap: (store: Store) => Store = (s) => s,
  timeouts?: { callMs: number; uploadMs: number; pollGraceMs: number },
) {
  const clock = fakeClock("2026-11-23T00:00:00Z");
  const [tg, host, db] = await Promise.all([FakeTelegram.start(), ImageServer.start(), tempSqlite(clock)]);
  for (const path of ["/mmbiz_jpg/molotus/0", "/mmbiz_png/shanzhong/0"])
    host.route(path, { kind: "image", bytes: jpegBytes(50_000) });
  await subscribeMany(db.store, SUBSCRIBERS, { prefix: "1" });
  clock.set(new Date(DAY_START).toISOString());
  const store = wrap(db.store);
  const images = new ImageCache({
    download: (url) => downloadImage(url.replace("https://mmbiz.qpic.cn", host.url), { allowHosts: LOCAL_IMAGE_HOSTS }),
    clock,
  });
  const sender = createTelegramSender({
    token: tg.token,
    apiRoot: tg.apiRoot,
    kv: store,
    log: silentLogger(),
    images,
    timeouts,
  });
  const { service } = await pushService(store, clock, [sender], {
    images,
    paces: { telegram: { perSecond: 0, concurrency: 8 } },
  });
  const at = (minutes: number) => clock.set(new Date(DAY_START + minutes * MINUTE).toISOString());
  const settled = async () => {
    while (tg.calls.some((c) => c.outcome === "pending")) await new Promise((r) => setTimeout(r, 20));
  };
  const close = async () => {
    await service.stop();
    await Promise.all([tg.close(), host.close(), db.cleanup()]);
  };
  return { tg, db, service, at, settled, close };
}

function figures(tg: FakeTelegram): string {
  const per = new Map<string, number>();
  for (const c of tg.sent()) per.set(String(c.payload.chat_id), (per.get(String(c.payload.chat_id)) ?? 0) + 1);
  const counts = [...per.values()];
  const once = counts.filter((n) => n === 1).length;
  const duplicated = counts.filter((n) => n > 1).length;
  const extra = counts.reduce((sum, n) => sum + Math.max(0, n - 1), 0);
  return `delivered once ${once}, lost ${SUBSCRIBERS - per.size}, duplicated ${duplicated} chats (${extra} extra messages)`;
}

async function fullDiskScenario(): Promise<void> {
  let disk!: ReturnType<typeof fullDisk>;
  const run = await setUp((store) => (disk = fullDisk(store, ["confirmDelivery"])).store);
  for (let m = 0; m <= 90; m++) {
    disk.full = m < 15;
    run.at(m);
    await run.service.tick();
  }
  await run.settled();
  const rows = await run.db.store.listDeliveries("2026-11-25");
  console.log(
    `full disk 07:30–07:45: ${figures(run.tg)}; ${disk.failures} refused writes; rows sent ${rows.filter((r) => r.status === "sent").length}`,
  );
  await run.close();
}

async function serverErrorScenario(): Promise<void> {
  const run = await setUp();
  const draw = drawPerCall(24);
  run.tg.fail({ method: "sendPhoto", code: 500, when: (c) => draw(c) < 0.1 });
  for (let m = 0; m < 16.5 * 60; m += 5) {
    run.at(m);
    await run.service.tick();
  }
  await run.settled();
  console.log(
    `10 % 500s, ticks until 24:00: ${figures(run.tg)}; sendPhoto calls ${run.tg.callsOf("sendPhoto").length}`,
  );
  await run.close();
}

async function pushNowScenario(): Promise<void> {
  const run = await setUp(undefined, { callMs: 1000, uploadMs: 5000, pollGraceMs: 1000 });
  const draw = drawPerCall(25);
  const reused = (c: ApiCall) => Object.keys(c.files).length === 0;
  run.tg.fail({ method: "sendPhoto", code: 500, when: (c) => reused(c) && draw(c) < 0.1 });
  // Telegram takes the message but answers after the client gave up.
  run.tg.delay({ method: "sendPhoto", delayMs: 1500, when: (c) => reused(c) && draw(c) >= 0.1 && draw(c) < 0.2 });
  await run.service.tick();
  await run.settled();
  const before = run.tg.sent().length;
  console.log(`push with 10 % 500s and 10 % late answers: ${figures(run.tg)}`);
  run.tg.heal();
  run.at(5);
  const answer = await run.service.pushNow();
  await run.service.idle();
  await run.settled();
  console.log(
    `/push_now at 07:35 answered 「${answer}」; sent again ${run.tg.sent().length - before}; now ${figures(run.tg)}`,
  );
  await run.close();
}

await fullDiskScenario();
await serverErrorScenario();
await pushNowScenario();
