import { cp, mkdtemp, mkdir, readdir, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { Writable } from "node:stream";
import type { Hono } from "hono";
import { openSnapshot } from "../../src/catalog/live.ts";
import { createLogger, silentLogger, type Logger } from "../../src/log.ts";
import { RecentLogs } from "../../src/util/recent-logs.ts";
import { downloadImage } from "../../src/net/download.ts";
import { Health, type AdapterStatus } from "../../src/observability/health.ts";
import type { Platforms } from "../../src/bot/platform.ts";
import { knownPlatforms } from "../../src/cli/platforms.ts";
import { createWebApp } from "../../src/web/app.ts";
import type { WebDeps } from "../../src/web/deps.ts";
import { WebImages } from "../../src/web/images.ts";
import { BUNDLED_LIBRARY, fakeClock, testBot } from "../helpers/bot.ts";
import { deflateSync } from "node:zlib";
import { ImageServer, LOCAL_IMAGE_HOSTS } from "../helpers/image-server.ts";

/** One article of a web test library. */
export interface WebArticle {
  file: string;
  title: string;
  date: string;
  account: string;
  summary: string;
  body: string;
  zen?: { title: string; creator: string; model: string };
}

/** A small library whose covers and 禅定时刻 images live on a local image server. */
export const ARTICLES: WebArticle[] = [
  {
    file: "槽边往事/独一无二.md",
    title: "独一无二",
    date: "2024-07-02",
    account: "槽边往事",
    summary: "每个人都觉得自己独一无二。",
    body: "夏天的池塘里，墨荷开得正好。我在岸边站了很久，想起外婆家的那口水缸。\n\n后来才知道，那种荷花叫做墨荷，是很少见的品种。",
    zen: { title: "墨荷", creator: "和菜头的小肉手", model: "Midjourney V6" },
  },
  {
    file: "槽边往事/猫弟的一天.md",
    title: "猫弟的一天",
    date: "2024-08-10",
    account: "槽边往事",
    summary: "猫弟今天又把杯子推下了桌子。",
    body: "猫弟早上六点准时叫醒我，然后躺在阳光里一动不动。照相机对着它，它就转过头去。",
    zen: { title: "晒太阳的猫", creator: "和菜头的小肉手", model: "Midjourney V6.1" },
  },
  {
    file: "槽边往事/萝卜跑起来.md",
    title: "萝卜跑起来",
    date: "2024-06-15",
    account: "槽边往事",
    summary: "坐了一次无人驾驶出租车。",
    body: "在武汉坐了一次萝卜快跑，方向盘自己在转，司机座位上空无一人。",
    zen: { title: "雨夜街灯", creator: "和菜头的小肉手", model: "Midjourney V6" },
  },
  {
    file: "九边/房地产很惨.md",
    title: "房地产很惨，但是别救了",
    date: "2024-09-01",
    account: "九边",
    summary: "聊聊房价和债务。",
    body: "房价下跌的时候，最难受的是刚上车的人。债务不会因为房价跌了就消失。",
  },
  {
    file: "九边/hostile.md",
    title: "<script>alert(1)</script>危险标题",
    date: "2024-05-01",
    account: "九边",
    summary: "<img src=x onerror=alert(1)> 摘要里的标签",
    body: "标签只是文字。",
  },
];

/** A real PNG (a browser decodes it) of `width`×`height`, in a colour picked by `seed`: covers and 禅定时刻 images. */
export function pngBytes(width: number, height: number, seed: number): Buffer {
  const [r, g, b] = [(seed * 67) % 256, (seed * 131 + 80) % 256, (seed * 29 + 160) % 256];
  const row = Buffer.alloc(1 + width * 3);
  for (let x = 0; x < width; x++) row.set([r, g, (b + x) % 256], 1 + x * 3);
  const raw = Buffer.concat(Array.from({ length: height }, () => row));
  const chunk = (type: string, data: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, "latin1"), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([len, body, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", header),
    chunk("IDAT", deflateSync(raw)),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}

function crc32(bytes: Buffer): number {
  let c = ~0;
  for (const byte of bytes) {
    c ^= byte;
    for (let k = 0; k < 8; k++) c = (c >>> 1) ^ (0xedb88320 & -(c & 1));
  }
  return ~c >>> 0;
}

/** Markdown of one article with its images on `images`. */
function articleFile(a: WebArticle, images: ImageServer, i: number): string {
  const cover = images.route(`/cover/${i}.png`, {
    kind: "image",
    bytes: pngBytes(640, 360, i),
    contentType: "image/png",
  });
  const lines = [
    "---",
    `title: ${JSON.stringify(a.title)}`,
    `date: ${a.date}`,
    `url: https://mp.weixin.qq.com/s/article-${i}`,
    `summary: ${JSON.stringify(a.summary)}`,
    `account: ${a.account}`,
    `cover: ${cover}`,
  ];
  if (a.zen) {
    const image = images.route(`/zen/${i}.png`, {
      kind: "image",
      bytes: pngBytes(600, 600, i + 10),
      contentType: "image/png",
    });
    lines.push(
      "zen:",
      `  title: ${a.zen.title}`,
      `  image: ${image}`,
      `  creator: ${a.zen.creator}`,
      `  model: ${a.zen.model}`,
    );
  }
  return [...lines, "---", a.body, ""].join("\n");
}

/** Write {@link ARTICLES} into `<dir>/articles`, images served by `images`. */
export async function writeWebLibrary(dir: string, images: ImageServer, articles = ARTICLES): Promise<string> {
  const root = path.join(dir, "articles");
  for (const [i, a] of articles.entries()) {
    const file = path.join(root, a.file);
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, articleFile(a, images, i));
  }
  return root;
}

/** The bundled library (data/articles) copied into `dir`, its cover and 禅定时刻 URLs pointing at generated pictures on `images`. */
export async function bundledWithLocalImages(dir: string, images: ImageServer): Promise<string> {
  const target = path.join(dir, "articles");
  await cp(BUNDLED_LIBRARY, target, { recursive: true });
  let n = 0;
  for (const name of await readdir(target)) {
    if (!name.endsWith(".md")) continue;
    const file = path.join(target, name);
    const text = (await readFile(file, "utf8")).replace(/^(cover| {2}image): .+$/gm, (_line, key: string) => {
      n++;
      const [w, h] = key === "cover" ? [900, 383] : [640, 640];
      return `${key}: ${images.route(`/img-${n}.png`, { kind: "image", bytes: pngBytes(w, h, n), contentType: "image/png" })}`;
    });
    await writeFile(file, text);
  }
  return target;
}

/** A logger whose output is kept (to check what it scrubbed) and whose warnings feed `recent`. */
export function capturingLogger(secrets: string[] = []): { log: Logger; recent: RecentLogs; output: () => string } {
  let output = "";
  const destination = new Writable({
    write(chunk, _enc, done) {
      output += String(chunk);
      done();
    },
  });
  const recent = new RecentLogs();
  return { log: createLogger({ level: "info", destination, secrets, recent }), recent, output: () => output };
}

/** Options of {@link webSite}. */
export interface WebSiteOptions {
  public?: boolean;
  password?: string;
  /** The adapters /healthz would show. */
  adapters?: AdapterStatus[];
  /** The platforms' traits; default: those of every platform in adapters/index.ts. */
  platforms?: Platforms;
  now?: string;
  pushNow?: () => Promise<string>;
  /** The sync inside the bot (SYNC_REPO), when it runs. */
  sync?: WebDeps["sync"];
  /** TRUST_PROXY. */
  trustProxy?: boolean;
  /** Writes the library into `dir` with its images on `images`; resolves to the article folder. Default: {@link ARTICLES}. */
  library?: (dir: string, images: ImageServer) => Promise<string>;
}

/**
 * The web site over a real SQLite store, the chat's own Bot and a library
 * whose images are on a local image server, as a hono app (`app.request`)
 * and its parts.
 */
export async function webSite(options: WebSiteOptions = {}) {
  const images = await ImageServer.start();
  const dir = await mkdtemp(path.join(os.tmpdir(), "article-bot-web-"));
  const articlesDir = options.library ? await options.library(dir, images) : await writeWebLibrary(dir, images);
  // A file that fails validation (no date), for the console's list of them.
  await mkdir(path.join(articlesDir, "九边"), { recursive: true });
  await writeFile(path.join(articlesDir, "九边", "坏文件.md"), "---\ntitle: 没有日期\n---\n正文\n");
  const clock = fakeClock(options.now ?? "2026-11-25T02:00:00Z");
  const logging = capturingLogger(options.password ? [options.password] : []);
  let snapshot = await openSnapshot(articlesDir, silentLogger(), undefined);
  const { bot, store, cleanup } = await testBot({ clock, log: logging.log, library: () => snapshot }, articlesDir);
  const health = new Health({
    clock,
    adapters: () => options.adapters ?? [],
    library: () => ({ size: snapshot.library.size, loadedAt: snapshot.loadedAt }),
  });
  const webImages = new WebImages({
    dir: path.join(dir, ".web-images"),
    download: (url) => downloadImage(url, { allowHosts: LOCAL_IMAGE_HOSTS, retries: 0, timeoutMs: 5_000 }),
    maxBytes: 10 * 1024 * 1024,
    clock,
    log: logging.log,
  });
  const deps: WebDeps = {
    answers: bot.answers,
    library: () => snapshot,
    store,
    clock,
    timeZone: "Asia/Shanghai",
    health: () => health.report(),
    platforms: options.platforms ?? knownPlatforms(),
    pushNow: options.pushNow ?? (async () => "推送已开始"),
    groups: bot.groups,
    sync: options.sync,
    images: webImages,
    recentLogs: logging.recent,
    log: logging.log,
    public: options.public ?? true,
    adminPassword: options.password,
    trustProxy: options.trustProxy ?? false,
  };
  const app: Hono = createWebApp(deps);
  return {
    app,
    deps,
    dir,
    articlesDir,
    images,
    store,
    /** The library being served (a new one after {@link reload}). */
    get snapshot() {
      return snapshot;
    },
    /** Read the articles folder again and serve what it holds now, as the live library does after a sync. */
    async reload() {
      snapshot = await openSnapshot(articlesDir, silentLogger(), undefined);
    },
    clock,
    logging,
    /** A GET or a form POST against the app, as a browser at `from` (default 198.51.100.10) would send it. */
    async request(
      pathname: string,
      init: {
        method?: string;
        form?: Record<string, string>;
        cookie?: string;
        from?: string;
        headers?: Record<string, string>;
      } = {},
    ) {
      const headers: Record<string, string> = { ...init.headers };
      if (init.cookie) headers.cookie = init.cookie;
      let body: string | undefined;
      if (init.form) {
        headers["content-type"] = "application/x-www-form-urlencoded";
        body = new URLSearchParams(init.form).toString();
      }
      // What @hono/node-server passes as `c.env`: the node request, with its socket's peer.
      const env = { incoming: { socket: { remoteAddress: init.from ?? "198.51.100.10" } } };
      return app.request(
        `http://127.0.0.1${pathname}`,
        { method: init.method ?? (init.form ? "POST" : "GET"), headers, body, redirect: "manual" },
        env,
      );
    },
    async close() {
      await cleanup();
      await images.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** The cookies a response sets, as a `cookie` request header (name=value; …). */
export function cookiesOf(res: Response, previous = ""): string {
  const jar = new Map(
    previous
      .split(/;\s*/)
      .filter(Boolean)
      .map((c) => c.split("=") as [string, string]),
  );
  for (const line of res.headers.getSetCookie()) {
    const [pair] = line.split(";");
    const [name, value] = pair!.split("=");
    if (/Max-Age=0/i.test(line) || value === "") jar.delete(name!);
    else jar.set(name!, value!);
  }
  return [...jar].map(([k, v]) => `${k}=${v}`).join("; ");
}

/** The value of the hidden `_csrf` field of a page. */
export function csrfOf(html: string): string {
  const m = /name="_csrf" value="([^"]+)"/.exec(html);
  if (!m) throw new Error(`no CSRF field in:\n${html}`);
  return m[1]!;
}
