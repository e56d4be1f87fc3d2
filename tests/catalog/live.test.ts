import { cp, mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { LiveLibrary } from "../../src/catalog/live.ts";
import { silentLogger } from "../../src/log.ts";
import { fixtureLibrary } from "../helpers/bot.ts";

let dir = "";
let live: LiveLibrary | undefined;
afterEach(async () => {
  await live?.close();
  await rm(dir, { recursive: true, force: true });
});

async function copyOfFixture(): Promise<string> {
  dir = await mkdtemp(path.join(os.tmpdir(), "article-bot-live-"));
  await cp(fixtureLibrary(), dir, { recursive: true });
  return dir;
}

const ARTICLE = `---\ntitle: 新来的文章\ndate: 2026-11-20\n---\n这是一篇关于热重载的文章，讲的是不用重启就能看到新内容。\n`;

describe("LiveLibrary", () => {
  it("picks up a new article without a restart", async () => {
    live = await LiveLibrary.open(await copyOfFixture(), silentLogger());
    expect(live.current.index.search("热重载").total).toBe(0);
    let onReload!: () => void;
    const reloaded = new Promise<void>((resolve) => (onReload = resolve));
    await live.watch(50, onReload);
    await writeFile(path.join(dir, "new.md"), ARTICLE);
    await reloaded;
    expect(live.current.library.size).toBe(5);
    expect(live.current.index.search("热重载").hits[0]?.article.title).toBe("新来的文章");
  });

  it("never loads or reloads for dot-folders such as the sync's mirror (.sync/)", async () => {
    live = await LiveLibrary.open(await copyOfFixture(), silentLogger());
    let reloads = 0;
    await live.watch(50, () => reloads++);
    await mkdir(path.join(dir, ".sync", "mirror", "gzh"), { recursive: true });
    await writeFile(path.join(dir, ".sync", "mirror", "gzh", "raw.md"), ARTICLE);
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(reloads).toBe(0);
    await live.reload();
    expect(live.current.library.size).toBe(4);
    expect(live.current.index.search("热重载").total).toBe(0);
  });

  it("keeps serving the last good library when the directory cannot be read", async () => {
    live = await LiveLibrary.open(await copyOfFixture(), silentLogger());
    await rm(dir, { recursive: true, force: true });
    await live.reload();
    expect(live.current.library.size).toBe(4);
  });

  it("skips a broken file on reload and keeps the others", async () => {
    live = await LiveLibrary.open(await copyOfFixture(), silentLogger());
    await writeFile(path.join(dir, "broken.md"), "---\ntitle: [\n---\n");
    await writeFile(path.join(dir, "new.md"), ARTICLE);
    await live.reload();
    expect(live.current.library.articles.map((a) => a.title)).toContain("新来的文章");
    expect(live.current.library.size).toBe(5);
  });

  it("restarts from its cache with the same answers, reading bodies from disk for snippets", async () => {
    live = await LiveLibrary.open(await copyOfFixture(), silentLogger());
    const first = live.current.index.search("照相机").hits.map((h) => h.article.id);
    await live.close();
    live = await LiveLibrary.open(dir, silentLogger());
    expect(live.current.index.search("照相机").hits.map((h) => h.article.id)).toEqual(first);
    expect(live.current.library.body("ink-lotus")).toContain("照相机");
  });

  it("notices an edited article even when the cache knows the old version", async () => {
    live = await LiveLibrary.open(await copyOfFixture(), silentLogger());
    await live.close();
    await writeFile(path.join(dir, "robotaxi.md"), ARTICLE.replace("新来的文章", "改过的萝卜"));
    live = await LiveLibrary.open(dir, silentLogger());
    expect(live.current.index.search("热重载").hits[0]?.article.title).toBe("改过的萝卜");
  });
});
