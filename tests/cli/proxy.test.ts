import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { downloadImage } from "../../src/net/download.ts";
import { proxyAgent } from "../../src/net/proxy.ts";
import { afterThisTest, cleanUpAfterEach, startBotProcess, type BotProcess } from "../helpers/bot-process.ts";
import { FakeTelegram } from "../helpers/fake-telegram.ts";
import { ImageServer, jpegBytes } from "../helpers/image-server.ts";
import { connectProxy, socks5Proxy, type TestProxy } from "../helpers/proxy-server.ts";

/**
 * TELEGRAM_PROXY: operators in mainland China reach Telegram only through
 * a proxy. The real bot process runs against a fake Bot API and an image
 * host on 127.0.0.1, and the local proxy proves the traffic went through it.
 */

const TELEGRAM_FIXTURES = new URL("../fixtures/telegram/", import.meta.url).pathname;
let bot: BotProcess | undefined;
cleanUpAfterEach();

async function started<T extends { close(): Promise<unknown> }>(thing: Promise<T>): Promise<T> {
  const t = await thing;
  afterThisTest(async () => void (await t.close()));
  return t;
}

const hostOf = (url: string) => new URL(url).host;

async function healthy(p: BotProcess): Promise<void> {
  const url = await p.healthz();
  // No deadline of its own: a loaded machine may take long; the test runner's guard ends a hang.
  while ((await (await fetch(url)).json()).status !== "ok") await new Promise((r) => setTimeout(r, 100));
}

describe("Telegram through a proxy", () => {
  it("TELEGRAM_PROXY=http://…: every Bot API call and the 禅定 image download go through the proxy", async () => {
    const tg = await started(FakeTelegram.start());
    const proxy = await started(connectProxy());
    const images = await started(ImageServer.start());
    const image = images.route("/mmbiz_jpg/telegram-zen/0", { kind: "image", bytes: jpegBytes(3000) });
    bot = await startBotProcess({
      library: TELEGRAM_FIXTURES,
      // The image host stands in on 127.0.0.1, an internal address downloads refuse unless allowed.
      env: {
        TELEGRAM_BOT_TOKEN: tg.token,
        TELEGRAM_API_ROOT: tg.apiRoot,
        TELEGRAM_PROXY: proxy.url,
        IMAGE_HOSTS_ALLOW: "127.0.0.1",
      },
      prepare: async (dir) => {
        const file = path.join(dir, "data", "articles", "ink-lotus.md");
        await writeFile(
          file,
          (await readFile(file, "utf8")).replace(
            /https:\/\/mmbiz\.qpic\.cn\/mmbiz_jpg\/telegram-zen\/0\?wx_fmt=jpeg/,
            image,
          ),
        );
      },
    });
    await healthy(bot);
    expect(tg.callsOf("getMe")).toHaveLength(1);
    expect(proxy.targets).toContain(hostOf(tg.apiRoot));

    tg.userMessage("/zen");
    const photo = await tg.waitForCall("sendPhoto");
    expect(Object.values(photo.files).map((f) => f.bytes.length)).toEqual([3000]);
    expect(proxy.targets).toContain(hostOf(images.url));
    await bot.waitForLog(new RegExp(`"proxy":"${proxy.url}"`));
  });

  it("falls back to HTTPS_PROXY, here a socks5:// proxy, and never logs the proxy's password", async () => {
    const tg = await started(FakeTelegram.start());
    const proxy = await started(socks5Proxy());
    const withPassword = proxy.url.replace("socks5://", "socks5://operator:s3cret-proxy-pass@");
    bot = await startBotProcess({
      env: { TELEGRAM_BOT_TOKEN: tg.token, TELEGRAM_API_ROOT: tg.apiRoot, HTTPS_PROXY: withPassword },
    });
    await healthy(bot);
    expect(proxy.targets).toContain(hostOf(tg.apiRoot));
    tg.userMessage("帮助");
    await tg.waitForCall("sendMessage");
    expect(bot.stderr()).not.toContain("s3cret-proxy-pass");
  });

  it("refuses a proxy URL it cannot use, naming the variable", async () => {
    bot = await startBotProcess({ env: { TELEGRAM_BOT_TOKEN: "1:x", TELEGRAM_PROXY: "ftp://127.0.0.1:21" } });
    const { code } = await bot.exited;
    expect(code).toBe(1);
    expect(bot.stderr()).toContain("TELEGRAM_PROXY: is not an http://, https:// or socks5:// proxy URL");
  });
});

describe("image downloads through a proxy agent", () => {
  let proxy: TestProxy;
  it.each([
    ["http", connectProxy],
    ["socks5", socks5Proxy],
  ] as const)("download through a %s proxy", async (_name, make) => {
    proxy = await started(make());
    const images = await started(ImageServer.start());
    const url = images.route("/img", { kind: "image", bytes: jpegBytes(1200) });
    const got = await downloadImage(url, { agent: proxyAgent(proxy.url), retries: 0, allowHosts: ["127.0.0.1"] });
    expect(got.bytes.length).toBe(1200);
    expect(proxy.targets).toEqual([hostOf(images.url)]);
  });
});
