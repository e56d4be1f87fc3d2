import pg from "pg";
import { afterAll, afterEach, beforeAll, expect, it, onTestFailed } from "vitest";
import { openPostgresStore } from "../../src/store/postgres.ts";
import { FakeTelegram } from "../helpers/fake-telegram.ts";
import { describePostgres, postgresRuns, startPostgres, type PostgresServer } from "../helpers/postgres.ts";
import { startInstances, type Instance } from "../fixtures/postgres/instances.ts";

/**
 * Several bot processes on one PostgreSQL database and one (fake) Telegram:
 * the daily push reaches every subscriber once, whichever instances run,
 * and survives the pushing instance dying midway.
 */

const SUBSCRIBERS = 500;
const CHAT_IDS = Array.from({ length: SUBSCRIBERS }, (_, i) => String(1000 + i));

let server: PostgresServer;
let telegram: FakeTelegram;
let instances: Instance[] = [];

beforeAll(async () => {
  if (postgresRuns) [server, telegram] = await Promise.all([startPostgres(), FakeTelegram.start()]);
});
afterAll(async () => {
  await Promise.all([server?.stop(), telegram?.close()]);
});
afterEach(async () => {
  await Promise.all(instances.map((i) => i.stop()));
  instances = [];
  telegram.calls.length = 0;
});

/** A fresh database with {@link SUBSCRIBERS} private chats that subscribed yesterday. */
async function databaseWithSubscribers(): Promise<string> {
  const url = await server.createDatabase();
  const yesterday = { now: () => new Date(Date.now() - 86_400_000) };
  const store = await openPostgresStore(url, { clock: yesterday });
  for (const chatId of CHAT_IDS) await store.subscribe({ platform: "telegram", chatId, isGroup: false, time: null });
  await store.close();
  return url;
}

/** Start instances against `url`, printing their logs if the test fails. */
async function start(n: number, url: string, env: Record<string, string> = {}): Promise<Instance[]> {
  instances = await startInstances(n, {
    DATABASE_URL: url,
    TELEGRAM_API_ROOT: telegram.apiRoot,
    TELEGRAM_BOT_TOKEN: telegram.token,
    ...env,
  });
  onTestFailed(() => {
    for (const i of instances) console.error(`--- ${i.name} ---\n${i.log.slice(-4000)}`);
  });
  return instances;
}

/** Pushes each chat received: photo or text messages, successful ones. */
function pushesPerChat(): Map<string, number> {
  const counts = new Map<string, number>();
  for (const call of telegram.sent()) {
    const chat = String(call.payload.chat_id);
    counts.set(chat, (counts.get(chat) ?? 0) + 1);
  }
  return counts;
}

async function deliveries(url: string): Promise<Array<{ chat_id: string; status: string; owner: string }>> {
  const client = new pg.Client(url);
  await client.connect();
  try {
    return (await client.query("SELECT chat_id, status, owner FROM deliveries ORDER BY chat_id")).rows;
  } finally {
    await client.end();
  }
}

/** Polls wait until the instances get there, however loaded the machine: the timeout only ends a hang, before the runner's guard. */
const UNTIL_DONE = 280_000;

async function allSent(url: string): Promise<void> {
  await expect
    .poll(async () => (await deliveries(url)).filter((d) => d.status === "sent").length, {
      timeout: UNTIL_DONE,
      interval: 200,
    })
    .toBe(SUBSCRIBERS);
}

// Child processes load the bot on two shared cores: allow for a slow machine, assert nothing about speed.
describePostgres("several instances on one PostgreSQL database", () => {
  it(`three instances started at once push to ${SUBSCRIBERS} subscribers exactly ${SUBSCRIBERS} times`, async () => {
    const url = await databaseWithSubscribers();
    await start(3, url, { PUSH_PER_SECOND: "1000" });

    await allSent(url);
    // Give the other instances several more ticks to (wrongly) push again.
    await new Promise((resolve) => setTimeout(resolve, 1500));

    const counts = pushesPerChat();
    expect(telegram.sent()).toHaveLength(SUBSCRIBERS);
    expect([...counts.keys()].sort()).toEqual(CHAT_IDS);
    expect(new Set(counts.values())).toEqual(new Set([1]));
    // One instance at a time pushes a platform, so the broadcast is paced as one.
    expect(new Set((await deliveries(url)).map((d) => d.owner)).size).toBe(1);
    // The photo was uploaded once; everyone else got Telegram's file_id.
    expect(telegram.callsOf("sendPhoto").filter((c) => Object.keys(c.files).length > 0)).toHaveLength(1);
    expect(await Promise.all(instances.map((i) => i.stop()))).toEqual([0, 0, 0]);
  });

  it("when the pushing instance dies midway, another delivers the rest, once", async () => {
    const url = await databaseWithSubscribers();
    const concurrency = 8;
    await start(3, url, { PUSH_PER_SECOND: "150", PUSH_CONCURRENCY: String(concurrency), PUSH_STALE_MS: "2000" });

    await expect
      .poll(() => telegram.sent().length, { timeout: UNTIL_DONE, interval: 20 })
      .toBeGreaterThanOrEqual(SUBSCRIBERS / 4);
    const owners = new Set((await deliveries(url)).map((d) => d.owner));
    expect(owners.size).toBe(1);
    const [pusherName] = owners;
    const pusher = instances.find((i) => i.name === pusherName)!;
    await pusher.kill();
    const atDeath = (await deliveries(url)).filter((d) => d.owner === pusherName);
    const sentByDead = atDeath.filter((d) => d.status === "sent").length;
    // Sends it had claimed but not confirmed: they may or may not have reached Telegram.
    const inFlight = new Set(atDeath.filter((d) => d.status === "claimed").map((d) => d.chat_id));
    expect(sentByDead).toBeLessThan(SUBSCRIBERS);

    await allSent(url);

    const counts = pushesPerChat();
    expect([...counts.keys()].sort()).toEqual(CHAT_IDS);
    const twice = [...counts].filter(([, n]) => n > 1).map(([chat]) => chat);
    expect(twice.every((chat) => inFlight.has(chat))).toBe(true);
    expect(inFlight.size).toBeLessThanOrEqual(concurrency);
    expect(Math.max(...counts.values())).toBeLessThanOrEqual(2);
    const finishedBySurvivors = (await deliveries(url)).filter((d) => d.owner !== pusherName);
    expect(finishedBySurvivors).toHaveLength(SUBSCRIBERS - sentByDead);
    expect(instances.filter((i) => i.running)).toHaveLength(2);
  });
});
