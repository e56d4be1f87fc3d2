import path from "node:path";
import { readdir } from "node:fs/promises";
import { afterEach, describe, expect, it } from "vitest";
import { silentLogger } from "../../src/log.ts";
import { downloadImage } from "../../src/net/download.ts";
import { imagePath, WebImages } from "../../src/web/images.ts";
import { LOCAL_IMAGE_HOSTS } from "../helpers/image-server.ts";
import { bundledWithLocalImages, pngBytes, webSite } from "./harness.ts";

let site: Awaited<ReturnType<typeof webSite>> | undefined;
afterEach(async () => {
  await site?.close();
  site = undefined;
});

const zenOf = (id: string) => site!.snapshot.library.get(id)!.zen!.image;

describe("images served by the bot", () => {
  it("downloads an image once without a Referer, serves its bytes with its type, and serves it from disk after that", async () => {
    site = await webSite();
    const url = zenOf("槽边往事/独一无二");
    const first = await site.request(imagePath(url));
    expect(first.status).toBe(200);
    expect(first.headers.get("content-type")).toBe("image/png");
    expect(Buffer.from(await first.arrayBuffer())).toEqual(pngBytes(600, 600, 10));
    const second = await site.request(imagePath(url));
    expect(Buffer.from(await second.arrayBuffer())).toEqual(pngBytes(600, 600, 10));
    const hits = site.images.hits("/zen/0.png");
    expect(hits).toHaveLength(1);
    expect(hits[0]!.headers.referer).toBeUndefined();
    expect(await readdir(path.join(site.dir, ".web-images"))).toEqual([`${imagePath(url).slice(5)}.png`]);
  });

  it("keeps its disk cache across a restart: a new process serves cached images without downloading them again", async () => {
    site = await webSite();
    const url = zenOf("槽边往事/猫弟的一天");
    await site.request(imagePath(url));
    const restarted = new WebImages({
      dir: path.join(site.dir, ".web-images"),
      download: (u) => downloadImage(u, { allowHosts: LOCAL_IMAGE_HOSTS }),
      maxBytes: 1024 * 1024,
      clock: site.clock,
      log: silentLogger(),
    });
    const image = await restarted.get(imagePath(url).slice(5), site.snapshot);
    expect(image?.bytes).toEqual(pngBytes(600, 600, 11));
    expect(site.images.hits("/zen/1.png")).toHaveLength(1);
  });

  it("is not an open proxy: only images of the library's articles are served", async () => {
    site = await webSite();
    expect((await site.request(imagePath(`${site.images.url}/zen/0.png?other`))).status).toBe(404);
    expect((await site.request("/img/../../etc/passwd")).status).toBe(404);
    expect((await site.request("/img/not-an-id")).status).toBe(404);
    expect(site.images.requests).toHaveLength(0);
  });

  it("answers 502 when the image host fails, and does not ask it again for every page view", async () => {
    site = await webSite();
    const url = zenOf("槽边往事/萝卜跑起来");
    site.images.route("/zen/2.png", { kind: "status", status: 404 });
    expect((await site.request(imagePath(url))).status).toBe(502);
    expect((await site.request(imagePath(url))).status).toBe(502);
    expect(site.images.hits("/zen/2.png")).toHaveLength(1);
    expect(site.logging.output()).toContain(`web images from ${new URL(url).host} could not be downloaded`);
  });

  it("with the image host down (502), the gallery's other images fail at once for a minute, logged as one line per host per minute", async () => {
    site = await webSite({ library: bundledWithLocalImages });
    const urls = [
      ...new Set(
        site.snapshot.library.articles.flatMap((a) =>
          [a.cover, a.zen?.image].filter((u): u is string => u !== undefined),
        ),
      ),
    ];
    expect(urls.length).toBeGreaterThan(40);
    for (const url of urls) site.images.route(new URL(url).pathname, { kind: "status", status: 502 });
    const host = new URL(urls[0]!).host;
    const lines = () =>
      site!.logging
        .output()
        .split("\n")
        .filter((l) => l.includes(`web images from ${host} could not be downloaded`));

    // One page view of the gallery: every image asked for, six at a time as a browser does.
    const statuses = await likeABrowser(urls.slice(1).map(imagePath));
    expect(new Set(statuses)).toEqual(new Set([502]));
    expect(site.images.requests.length).toBeLessThanOrEqual(6); // only those already under way when the first 502 came back
    expect(lines()).toHaveLength(1);

    // A minute later the host is asked again; an image that failed itself stays remembered for 5 minutes.
    site.clock.set("2026-11-25T02:01:01Z");
    const asked = site.images.requests.length;
    site.images.route(new URL(urls[0]!).pathname, {
      kind: "image",
      bytes: pngBytes(10, 10, 1),
      contentType: "image/png",
    });
    expect((await site.request(imagePath(urls[0]!))).status).toBe(200);
    expect((await site.request(imagePath(urls[1]!))).status).toBe(502);
    expect(site.images.requests.length).toBe(asked + 1);
    // The next failure is the host's second line, counting every image that failed in between.
    expect((await site.request(imagePath(urls.at(-1)!))).status).toBe(502);
    expect(site.images.requests.length).toBe(asked + 2);
    expect(lines()).toHaveLength(2);
    expect(JSON.parse(lines()[1]!)).toMatchObject({ host, failedSinceLastLine: urls.length - 2 });
  });

  it("refuses what is not an image (an HTML page, a script) rather than serving it from our origin", async () => {
    site = await webSite();
    const url = zenOf("槽边往事/萝卜跑起来");
    site.images.route("/zen/2.png", {
      kind: "body",
      bytes: Buffer.from("<script>alert(1)</script>"),
      contentType: "image/jpeg",
    });
    expect((await site.request(imagePath(url))).status).toBe(502);
  });

  it("keeps the disk cache within its budget, dropping the least recently served image first", async () => {
    site = await webSite();
    const images = new WebImages({
      dir: path.join(site.dir, "small-cache"),
      download: (u) => downloadImage(u, { allowHosts: LOCAL_IMAGE_HOSTS }),
      // Room for two of the three images.
      maxBytes: pngBytes(600, 600, 11).length + pngBytes(600, 600, 12).length,
      clock: site.clock,
      log: silentLogger(),
    });
    const id = (articleId: string) => imagePath(zenOf(articleId)).slice(5);
    await images.get(id("槽边往事/独一无二"), site.snapshot);
    site.clock.set("2026-11-25T02:01:00Z");
    await images.get(id("槽边往事/猫弟的一天"), site.snapshot);
    site.clock.set("2026-11-25T02:02:00Z");
    await images.get(id("槽边往事/萝卜跑起来"), site.snapshot);
    expect((await readdir(path.join(site.dir, "small-cache"))).sort()).toEqual(
      [`${id("槽边往事/猫弟的一天")}.png`, `${id("槽边往事/萝卜跑起来")}.png`].sort(),
    );
  });
});

/** GET each path as a browser loads a page's images: six at a time. */
async function likeABrowser(paths: string[]): Promise<number[]> {
  const queue = [...paths];
  const statuses: number[] = [];
  const tab = async () => {
    for (let next = queue.shift(); next !== undefined; next = queue.shift())
      statuses.push((await site!.request(next)).status);
  };
  await Promise.all(Array.from({ length: 6 }, tab));
  return statuses;
}
