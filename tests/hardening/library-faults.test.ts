import { cp, mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { LiveLibrary } from "../../src/catalog/live.ts";
import { capturedLog } from "../observability/harness.ts";
import { HARDENING_LIBRARY } from "./fixtures.ts";

let dir = "";
let live: LiveLibrary | undefined;
afterEach(async () => {
  await live?.close();
  live = undefined;
  await rm(dir, { recursive: true, force: true });
});

/** A writable copy of the four-article fixture library. */
async function libraryCopy(): Promise<string> {
  dir = await mkdtemp(path.join(os.tmpdir(), "article-bot-faults-"));
  await cp(HARDENING_LIBRARY, dir, { recursive: true });
  return dir;
}

/** A valid article about a numbered topic. */
function article(n: number, version = 1): string {
  return `---\ntitle: 第${n}篇的标题\ndate: '2024-01-${String((n % 28) + 1).padStart(2, "0")}'\n---\n第${version}版的正文，关于编号${n}的故事。${"内容很长。".repeat(100)}\n`;
}

const skippedFiles = (lines: Array<Record<string, unknown>>) =>
  lines.filter((l) => l.level === 40 && String(l.msg).startsWith("skipped")).map((l) => l.file);

describe("a library with bad files", () => {
  it("serves the good articles and logs every file it skipped, by name", async () => {
    await libraryCopy();
    await writeFile(path.join(dir, "corrupt.md"), "---\ntitle: [未闭合\ndate: 2024-01-01\n---\n正文");
    await writeFile(
      path.join(dir, "binary.md"),
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0x00, 0xff, 0xfe, 0x00, 0x01]),
    );
    await writeFile(path.join(dir, "empty.md"), "");
    await writeFile(
      path.join(dir, "huge.md"),
      `---\ntitle: 巨大的文章\ndate: '2024-01-01'\n---\n${"很长的正文。".repeat(600_000)}`,
    );
    await writeFile(path.join(dir, "no-front-matter.md"), "只有正文，没有标题和日期。");
    const { log, lines } = capturedLog();
    live = await LiveLibrary.open(dir, log);
    expect(live.current.library.size).toBe(4);
    expect(live.current.index.search("呼吸机").hits[0]?.article.title).toBe("呼吸机答疑");
    expect(skippedFiles(lines()).sort()).toEqual([
      "binary.md",
      "corrupt.md",
      "empty.md",
      "huge.md",
      "no-front-matter.md",
    ]);
  });
});

describe("reloading while the directory changes", () => {
  it("keeps answering while a hundred files are rewritten during reloads, and ends with every article", async () => {
    await libraryCopy();
    const N = 120;
    await Promise.all(Array.from({ length: N }, (_, n) => writeFile(path.join(dir, `a${n}.md`), article(n))));
    const { log } = capturedLog();
    live = await LiveLibrary.open(dir, log);
    expect(live.current.library.size).toBe(N + 4);
    let reloads = 0;
    let version = 1;
    const rewrite = (async () => {
      // Plain writeFile truncates, then writes: readers can see empty or half-written files.
      while (reloads < 4) {
        version++;
        await Promise.all(
          Array.from({ length: N }, (_, n) => writeFile(path.join(dir, `a${n}.md`), article(n, version))),
        );
      }
    })();
    const sizes: number[] = [];
    for (; reloads < 4; reloads++) {
      await live.reload();
      sizes.push(live.current.library.size);
      expect(live.current.index.search("呼吸机").hits[0]?.article.title).toBe("呼吸机答疑");
    }
    await rewrite;
    await live.reload();
    expect(live.current.library.size).toBe(N + 4);
    expect(live.current.library.body("a7")).toContain(`第${version}版`);
    // Articles caught half-written keep their last good version: no reload ever loses one.
    expect(Math.min(...sizes)).toBe(N + 4);
  });
});

describe("the last good library", () => {
  it("keeps the last good version of an article that is caught half-written", async () => {
    await libraryCopy();
    await writeFile(path.join(dir, "a1.md"), article(1));
    const { log, lines } = capturedLog();
    live = await LiveLibrary.open(dir, log);
    await writeFile(path.join(dir, "a1.md"), article(1, 2).slice(0, 20));
    await live.reload();
    expect(skippedFiles(lines())).toEqual(["a1.md"]);
    expect(live.current.index.search("第1篇的标题").hits[0]?.article.id).toBe("a1");
  });

  it("keeps serving the last good library when every article vanishes at once", async () => {
    await libraryCopy();
    const { log } = capturedLog();
    live = await LiveLibrary.open(dir, log);
    for (const f of await readdir(dir)) if (f.endsWith(".md")) await rm(path.join(dir, f));
    await live.reload();
    expect(live.current.library.size).toBe(4);
  });
});
