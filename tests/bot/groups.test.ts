import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Core, type CoreDeps } from "../../src/bot/core.ts";
import { knownPlatforms } from "../../src/cli/platforms.ts";
import { t } from "../../src/bot/strings.ts";
import type { ArticlesReply, Incoming, TextReply } from "../../src/chat/message.ts";
import { silentLogger } from "../../src/log.ts";
import { openPostgresStore } from "../../src/store/postgres.ts";
import { openSqliteStore } from "../../src/store/sqlite.ts";
import type { Store } from "../../src/store/store.ts";
import { dm, fakeClock, fixtureLibrary, loadSnapshot } from "../helpers/bot.ts";
import { describePostgres, postgresRuns, startPostgres, type PostgresServer } from "../helpers/postgres.ts";

/**
 * Group control in the core, over a real store: settings an admin changes
 * apply to the next message and survive a restart (a new core on the same
 * database), on SQLite and on PostgreSQL.
 */
const snapshot = await loadSnapshot(fixtureLibrary("accounts"));
const core = (store: Store, extra: Partial<CoreDeps> = {}) =>
  new Core({
    library: () => snapshot,
    store,
    clock: fakeClock("2026-11-25T00:30:00Z"),
    log: silentLogger(),
    triggers: ["?", "？"],
    adminIds: ["wechat:boss"],
    timeZone: "Asia/Shanghai",
    defaultPushTime: "07:30",
    groups: { policy: "opt-in", allowed: [] },
    platforms: knownPlatforms(),
    ...extra,
  });
const room = (text: string, extra: Partial<Incoming> = {}): Incoming => ({
  platform: "wechat",
  chatId: "room@chatroom",
  userId: "owner",
  isGroup: true,
  mentioned: true,
  text,
  isGroupAdmin: true,
  ...extra,
});
const textOf = async (bot: Core, msg: Incoming) => ((await bot.handle(msg))[0] as TextReply | undefined)?.text;
const accountsIn = async (bot: Core, msg: Incoming) => [
  ...new Set(((await bot.handle(msg))[0] as ArticlesReply).articles.map((a) => a.account)),
];

/** The same story on any store opened by `open` (called again for the restart). */
function restartSpec(open: () => Promise<Store>) {
  return async () => {
    const first = await open();
    const before = core(first);
    expect(await textOf(before, room("启用"))).toBe(t.groupEnabled(["?", "？"]));
    expect(await textOf(before, room("设置 公众号 九边", { isGroupAdmin: false }))).toBe(t.groupAdminOnlySettings);
    expect(await textOf(before, room("设置 公众号 九边"))).toMatch(/^已更新：公众号 → 九边/);
    expect(await accountsIn(before, room("房价"))).toEqual(["九边"]);
    await textOf(before, room("设置 结果数 2"));
    await first.close();

    const second = await open();
    const after = core(second);
    const answer = (await after.handle(room("?房价", { mentioned: false })))[0] as ArticlesReply;
    expect(answer.articles).toHaveLength(2);
    expect(new Set(answer.articles.map((a) => a.account))).toEqual(new Set(["九边"]));
    expect(await textOf(after, room("停用"))).toBe(t.groupDisabled);
    await second.close();
    const third = await open();
    expect(await core(third).handle(room("?房价", { mentioned: false }))).toEqual([]);
    await third.close();
  };
}

describe("group settings in the core", () => {
  let dir: string;
  beforeAll(async () => void (dir = await mkdtemp(path.join(os.tmpdir(), "article-bot-groups-"))));
  afterAll(async () => rm(dir, { recursive: true, force: true }));

  it(
    "apply to the next message and survive a restart (SQLite)",
    restartSpec(() => openSqliteStore(path.join(dir, "restart.sqlite"))),
  );

  it("are for groups: 设置, 启用 and 停用 in a private chat say so, each naming itself", async () => {
    const store = await openSqliteStore(path.join(dir, "private.sqlite"));
    const bot = core(store);
    expect(await textOf(bot, dm("设置", { platform: "wechat" }))).toBe("「设置」用于群聊：请在群里发送。");
    expect(await textOf(bot, dm("启用", { platform: "wechat" }))).toBe("「启用」/「停用」用于群聊：请在群里发送。");
    expect(await textOf(bot, dm("停用", { platform: "wechat" }))).toBe("「启用」/「停用」用于群聊：请在群里发送。");
    await store.close();
  });

  it("under allow-list serve only listed groups, and tell an admin of an unlisted one so", async () => {
    const store = await openSqliteStore(path.join(dir, "allow.sqlite"));
    const bot = core(store, { groups: { policy: "allow-list", allowed: ["wechat:listed@chatroom"] } });
    expect(await textOf(bot, room("启用"))).toBe(t.groupNotAllowed);
    expect(await bot.handle(room("?房价", { mentioned: false }))).toEqual([]);
    expect(await bot.handle(room("房价", { chatId: "listed@chatroom" }))).toMatchObject([
      { kind: "articles", heading: expect.stringMatching(/找到 \d+ 篇/) },
    ]);
    expect(await store.getGroupSettings("wechat", "room@chatroom")).toBeUndefined();
    await store.close();
  });

  it("let bot admins (ADMIN_IDS) switch any group on without being its admin", async () => {
    const store = await openSqliteStore(path.join(dir, "boss.sqlite"));
    const bot = core(store);
    expect(await textOf(bot, room("启用", { userId: "boss", isGroupAdmin: false }))).toBe(t.groupEnabled(["?", "？"]));
    expect(await store.getGroupSettings("wechat", "room@chatroom")).toMatchObject({
      state: "enabled",
      updatedBy: "wechat:boss",
    });
    await store.close();
  });
});

let server: PostgresServer | undefined;
beforeAll(async () => {
  if (postgresRuns) server = await startPostgres();
});
afterAll(async () => {
  await server?.stop();
});

describePostgres("group settings in the core on PostgreSQL", () => {
  let url: string;
  beforeAll(async () => void (url = await server!.createDatabase()));
  it(
    "apply to the next message and survive a restart (PostgreSQL)",
    restartSpec(() => openPostgresStore(url)),
  );
});
