import { cp, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { Writable } from "node:stream";
import { fileURLToPath } from "node:url";
import type { FileBoxInterface } from "file-box";
import { vi } from "vitest";
import { types, type payloads } from "wechaty";
import { PuppetMock, mock } from "wechaty-puppet-mock";
import { wechatConfig } from "../../../adapters/wechat/config.ts";
import { createAdapter, type WechatAdapter } from "../../../adapters/wechat/index.ts";
import { loadConfig } from "../../../src/config.ts";
import { ImageCache } from "../../../src/net/image-cache.ts";
import { testBot } from "../../helpers/bot.ts";
import { ImageServer, jpegBytes, LOCAL_IMAGE_HOSTS } from "../../helpers/image-server.ts";
import { captureLog } from "../../push/helpers.ts";

/** The fixture library; its image URLs point at `http://images.invalid` until served locally. */
const FIXTURES = fileURLToPath(new URL("../../fixtures/wechat/", import.meta.url));
const FIXTURE_HOST = "http://images.invalid";
/** The path of the one 禅定 image in the fixture library. */
export const ZEN_IMAGE_PATH = "/mmbiz_jpg/molotus/0";
export const ZEN_IMAGE = jpegBytes(1500);
/**
 * Waiting for something the bot does: until it happens, however loaded the machine (the first search loads the
 * dictionary); the timeout only ends a hang, just before the test runner's own guard (vitest.config.ts).
 */
export const WAIT = { timeout: 280_000, interval: 10 };

/** One message the bot handed to the puppet, in sending order. */
export interface Sent {
  chatId: string;
  kind: "text" | "card" | "image";
  text?: string;
  mentionIds?: string[];
  link?: payloads.UrlLink;
  file?: FileBoxInterface;
  /** Date.now() when sent (fake under fake timers). */
  at: number;
}

/** Options of {@link wechatHarness}. */
export interface HarnessOptions {
  /** Environment overrides, e.g. pacing variables. Default: no pacing at all. */
  env?: Record<string, string>;
  adminIds?: string[];
}

/**
 * A WeChat adapter over wechaty-puppet-mock, logged in as 「文章助手」, with
 * a real SQLite store, the fixture library (its 禅定 image served from
 * 127.0.0.1) and contacts: Alice (`wxid_alice`) and Bob (`wxid_bob`, owner
 * of 「读者群」 `10001@chatroom`), and an official account. Everything the bot sends is recorded in `sent`.
 */
export async function wechatHarness(options: HarnessOptions = {}) {
  const images = await ImageServer.start();
  images.route(ZEN_IMAGE_PATH, { kind: "image", bytes: ZEN_IMAGE });
  const dir = await mkdtemp(path.join(os.tmpdir(), "article-bot-wechat-"));
  const libraryDir = await servedLibrary(dir, images.url);
  const { log, lines } = captureLog();
  const config = loadConfig({ DATA_DIR: dir, ...options.env });
  const settings = wechatConfig({
    WECHATY_PUPPET: "wechaty-puppet-mock",
    WECHAT_SEND_INTERVAL_MS: "0",
    WECHAT_SEND_JITTER_MS: "0",
    ...options.env,
  })!;
  // GROUP_POLICY applies only when a spec sets it; otherwise every room is served, as before groups had a policy.
  const groups = options.env && "GROUP_POLICY" in options.env ? { groups: config.groups } : {};
  const core = await testBot({ log, adminIds: options.adminIds ?? [], ...groups }, libraryDir);

  const mocker = new mock.Mocker();
  const puppet = new PuppetMock({ mocker });
  const self = mocker.createContact({ id: "wxid_bot", name: "文章助手" });
  const alice = mocker.createContact({ id: "wxid_alice", name: "Alice" });
  const bob = mocker.createContact({ id: "wxid_bob", name: "Bob" });
  const official = mocker.createContact({ id: "gh_official", name: "某公众号", type: types.Contact.Official });
  const room = mocker.createRoom({
    id: "10001@chatroom",
    topic: "读者群",
    memberIdList: [self.id, alice.id, bob.id],
    ownerId: bob.id,
    adminIdList: [],
  });
  const sent = recordSends(puppet);

  const qr: string[] = [];
  const adapter: WechatAdapter = createAdapter(
    {
      core: core.bot,
      log,
      dataDir: config.dataDir,
      kv: core.store,
      requestShutdown: () => {},
      images: new ImageCache({ downloadOptions: { allowHosts: LOCAL_IMAGE_HOSTS } }),
    },
    settings,
    { puppet, qrOutput: sink(qr), random: () => 0, drainMs: 200 },
  );
  await adapter.start();
  mocker.login(self);
  await vi.waitFor(() => {
    if (!lines().some((l) => l.msg === "wechat logged in")) throw new Error("not logged in yet");
  });

  return {
    adapter,
    bot: core.bot,
    puppet,
    mocker,
    store: core.store,
    images,
    contacts: { self, alice, bob, official },
    room,
    sent,
    qr,
    logs: lines,
    /** What one chat received, in order. */
    to: (chatId: string) => sent.filter((s) => s.chatId === chatId),
    /** Wait until `chatId` has received `n` messages. */
    async received(chatId: string, n: number): Promise<Sent[]> {
      await vi.waitFor(() => {
        if (sent.filter((s) => s.chatId === chatId).length < n)
          throw new Error(`waiting for ${n} messages to ${chatId}`);
      }, WAIT);
      return sent.filter((s) => s.chatId === chatId);
    },
    async cleanup(): Promise<void> {
      await adapter.stop();
      await core.cleanup();
      await images.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** A copy of the fixture library whose image URLs point at `host`. */
async function servedLibrary(dir: string, host: string): Promise<string> {
  const libraryDir = path.join(dir, "articles");
  await cp(FIXTURES, libraryDir, { recursive: true });
  for (const name of await readdir(libraryDir)) {
    const file = path.join(libraryDir, name);
    await writeFile(file, (await readFile(file, "utf8")).replaceAll(FIXTURE_HOST, host));
  }
  return libraryDir;
}

/** Record every text, card and file the bot sends, then let the mock deliver it. */
function recordSends(puppet: PuppetMock): Sent[] {
  const sent: Sent[] = [];
  // The mock declares two parameters; wechaty passes the @mentioned ids as a third.
  const text = (puppet.messageSendText as (chatId: string, text: string, mentionIds?: string[]) => Promise<void>).bind(
    puppet,
  );
  const url = puppet.messageSendUrl.bind(puppet);
  const file = puppet.messageSendFile.bind(puppet);
  vi.spyOn(puppet, "messageSendText").mockImplementation(async (chatId: string, t: string, ...rest: unknown[]) => {
    const mentionIds = rest[0] as string[] | undefined;
    sent.push({ chatId, kind: "text", text: t, mentionIds, at: Date.now() });
    return text(chatId, t, mentionIds);
  });
  vi.spyOn(puppet, "messageSendUrl").mockImplementation(async (chatId, link) => {
    sent.push({ chatId, kind: "card", link, at: Date.now() });
    return url(chatId, link);
  });
  vi.spyOn(puppet, "messageSendFile").mockImplementation(async (chatId, box) => {
    sent.push({ chatId, kind: "image", file: box, at: Date.now() });
    return file(chatId, box);
  });
  return sent;
}

function sink(into: string[]): Writable {
  return new Writable({
    write(chunk, _enc, done) {
      into.push(String(chunk));
      done();
    },
  });
}

/**
 * Wait until `condition` holds without moving fake time: yields to the real
 * event loop (setImmediate is never faked here) so promise chains run.
 */
export async function until(condition: () => boolean, what: string): Promise<void> {
  const deadline = performance.now() + WAIT.timeout;
  while (performance.now() < deadline) {
    if (condition()) return;
    await new Promise((resolve) => setImmediate(resolve));
  }
  throw new Error(`gave up waiting for ${what}`);
}

/** Timers the pacing specs fake; setImmediate stays real so {@link until} works. */
export const FAKED_TIMERS: Parameters<typeof vi.useFakeTimers>[0] = { toFake: ["setTimeout", "clearTimeout", "Date"] };

/** A message with a chosen timestamp, as a puppet replays history after login. */
export function replayMessage(
  h: Awaited<ReturnType<typeof wechatHarness>>,
  from: { id: string },
  text: string,
  timestamp: number,
): void {
  const msg = h.mocker.MessageMock.create({
    id: `replayed-${timestamp}`,
    talkerId: from.id,
    listenerId: h.contacts.self.id,
    text,
    timestamp,
    type: types.Message.Text,
  });
  h.puppet.emit("message", { messageId: msg.id });
}
