import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { readdirSync, readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { Writable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { t } from "../../src/bot/strings.ts";
import type { Incoming, TextReply } from "../../src/chat/message.ts";
import { knownPlatforms, processSecrets } from "../../src/cli/platforms.ts";
import { configurePlatforms } from "../../src/cli/platforms.ts";
import { startBot, type Running } from "../../src/cli/start-bot.ts";
import { loadConfig } from "../../src/config.ts";
import { createLogger, silentLogger } from "../../src/log.ts";
import { Alerts } from "../../src/observability/alerts.ts";
import type { AdapterStatus } from "../../src/observability/health.ts";
import { fakeClock } from "../helpers/bot.ts";
import { fakeSender } from "../observability/harness.ts";
import { cookiesOf, csrfOf, webSite } from "../web/harness.ts";
import { pager, pagerModule } from "./pager-platform.ts";

/**
 * Adding a platform touches nothing under src/ (docs/architecture.md,
 * "Adding a platform"): a module declares its traits, and the bot started
 * with it — the same `startBot` and `knownPlatforms` as `article-bot start`
 * — gives its chats buttons, its link setting and its group policy, scrubs
 * its secrets, alerts about it and shows its console block as they say.
 */

const SRC = new URL("../../src/", import.meta.url);
const ADMIN = { userId: "boss", isGroupAdmin: true };

let dir = "";
let running: Running;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "add-a-platform-"));
  await mkdir(path.join(dir, "articles"));
  const env = { DATA_DIR: dir, PAGER_TOKEN: "pager-token-123456" };
  running = await startBot(loadConfig(env), silentLogger(), {
    clock: fakeClock("2026-11-25T00:30:00Z"),
    platforms: [...configurePlatforms(env), { module: pagerModule, config: pagerModule.configure(env) }],
  });
  await pager.adapter!.running;
});
afterAll(async () => {
  await running?.stop();
  await rm(dir, { recursive: true, force: true });
});

const inGroup = (text: string, extra: Partial<Incoming> = {}): Incoming => ({
  platform: "pager",
  chatId: "g1",
  userId: "member",
  isGroup: true,
  mentioned: true,
  text,
  ...extra,
});

describe("a platform added as a module, with nothing under src/", () => {
  it("is started by the bot like any other, and /healthz shows its own health", async () => {
    expect(running.adapters.map((a) => a.platform)).toEqual(["pager"]);
    expect(running.observability.health.report().adapters).toEqual([
      { platform: "pager", state: "running", connected: true, battery: 80 },
    ]);
  });

  it("gets one narrow door into the bot: the core, a log, its data folder, the shared images and a key-value cache; no store, no configuration", async () => {
    const door = pager.adapter!.door;
    expect(Object.keys(door).sort()).toEqual(["core", "dataDir", "images", "kv", "log", "requestShutdown"]);
    expect(door.dataDir).toBe(dir);
    // The cache alone, not the store behind it.
    expect(Object.keys(door.kv).sort()).toEqual(["getValue", "setValue"]);
    await door.kv.setValue("pager:pairing", "PAIR-42");
    expect(await running.store.getValue("pager:pairing")).toBe("PAIR-42");
  });

  it("tells the core a chat is gone through that door, and the chat has neither the daily push nor new-article announcements", async () => {
    const inPrivate = (text: string): Incoming => ({
      platform: "pager",
      chatId: "p-gone",
      userId: "p-gone",
      isGroup: false,
      mentioned: false,
      text,
    });
    await running.core.handle(inPrivate("订阅"));
    await running.core.handle(inPrivate("订阅新文章"));
    expect(await pager.adapter!.door.core.chatGone({ platform: "pager", chatId: "p-gone" })).toBe(2);
    expect(await running.core.handle(inPrivate("取消订阅"))).toEqual([{ kind: "text", text: t.notSubscribed }]);
    expect(await running.core.handle(inPrivate("取消订阅新文章"))).toEqual([
      { kind: "text", text: t.newsNotSubscribed },
    ]);
  });

  it("serves its groups by its own policy: opt-in, so a group hears nothing until an admin sends 启用", async () => {
    expect(await running.core.handle(inGroup("最新"))).toEqual([]);
    const [enabled] = await running.core.handle(inGroup("启用", ADMIN));
    expect((enabled as TextReply).text).toContain("已在本群启用");
    expect(await running.core.handle(inGroup("最新"))).not.toEqual([]);
  });

  it("shows 设置 with buttons and calls the link setting by its own name, off by default", async () => {
    const [listing] = await running.core.handle(inGroup("设置", ADMIN));
    const reply = listing as TextReply;
    expect(reply.text).toContain("· 链接预览：关（默认）");
    expect(reply.buttons?.flat().length).toBeGreaterThan(0);
    const [changed] = await running.core.handle(inGroup("设置 预览 也许", ADMIN));
    expect((changed as TextReply).text).toBe("「链接预览」只能设为「开」或「关」。");
  });

  it("has its secret variables scrubbed from every log line", () => {
    const secrets = processSecrets({ PAGER_TOKEN: "pager-token-123456" }, knownPlatforms([pagerModule]));
    let out = "";
    const log = createLogger({
      level: "info",
      secrets,
      destination: new Writable({ write: (chunk, _e, done) => ((out += String(chunk)), done()) }),
    });
    log.info({ url: "https://pager.example/send?to=1" }, "paging with pager-token-123456");
    expect(out).toContain("paging with [secret]");
    expect(out).not.toContain("pager-token-123456");
  });

  it("is alerted about by its own rule and wording, and named by its display name when it is back", async () => {
    const clock = fakeClock("2026-11-25T00:00:00Z");
    const other = {
      status: { platform: "telegram", state: "running", connected: true } as AdapterStatus,
      sender: fakeSender("telegram"),
    };
    const paging = {
      status: { platform: "pager", state: "running", connected: false, battery: 3 } as AdapterStatus,
      sender: fakeSender("pager"),
    };
    const alerts = new Alerts({
      clock,
      log: silentLogger(),
      adminIds: ["telegram:1001"],
      adapters: () => [other, paging],
      platforms: knownPlatforms([pagerModule]),
    });
    await alerts.check();
    paging.status = { ...paging.status, connected: true };
    await alerts.check();
    expect(other.sender.sent.map(([chat, reply]) => [chat, reply.kind === "text" ? reply.text : ""])).toEqual([
      ["1001", "📟 寻呼机没电了（3%）"],
      ["1001", "✅ 寻呼机 已恢复连接。"],
    ]);
  });

  it("shows its own block in the web console, with its code to scan drawn at /console/qr.svg", async () => {
    const site = await webSite({
      password: "correct horse battery staple",
      adapters: [{ platform: "pager", state: "running", connected: false, battery: 12, pairingCode: "PAIR-42" }],
      platforms: knownPlatforms([pagerModule]),
    });
    try {
      const form = await site.request("/console");
      const jar = cookiesOf(form);
      const login = await site.request("/console/login", {
        form: { _csrf: csrfOf(await form.text()), password: "correct horse battery staple" },
        cookie: jar,
      });
      const cookie = cookiesOf(login, jar);
      const page = await (await site.request("/console", { cookie })).text();
      expect(page).toMatch(/<strong>pager<\/strong> · 运行中 · <span class="bad">离线<\/span> · 电量 12%/);
      expect(page).toContain(
        '<p>请扫码配对寻呼机</p><div class="qr"><img id="pager-qr" src="/console/qr.svg" data-refresh="/console/qr.svg" alt="寻呼机配对码">',
      );
      const qr = await site.request("/console/qr.svg", { cookie });
      expect(qr.headers.get("content-type")).toBe("image/svg+xml");
    } finally {
      await site.close();
    }
  });
});

describe("src/", () => {
  /** Code without its comments: a comment may give a platform as an example. */
  const code = (text: string) => text.replace(/\/\*[\s\S]*?\*\//g, "").replace(/(^|[^:])\/\/.*$/gm, "$1");
  const files = (readdirSync(SRC, { recursive: true }) as string[]).filter(
    (f) => f.endsWith(".ts") && !f.startsWith(`cli${path.sep}`),
  );

  it("names no platform outside the composition root (src/cli/): what it needs to know of one is a trait", () => {
    const named = files.flatMap((f) => {
      const text = code(readFileSync(new URL(f, SRC), "utf8"));
      // A platform's id as a string or a key (`"telegram"`, `{ wechat: … }`), or a comparison with one (`platform === "console"`).
      return [
        ...text.matchAll(
          /["'`](?:telegram|wechat|wechaty)["'`]|\b(?:telegram|wechat):\s*["'`]|platform\s*[!=]==?\s*["'`]\w+["'`]/g,
        ),
      ].map((m) => `${f}: ${m[0]}`);
    });
    expect(named).toEqual([]);
  });
});
