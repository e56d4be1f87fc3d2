import { Agent } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { downloadImage, DownloadError, type DownloadOptions } from "../../src/net/download.ts";
import { ImageServer, jpegBytes, LOCAL_IMAGE_HOSTS } from "../helpers/image-server.ts";

/**
 * Image URLs come from article files (`cover`, `zen.image`): the bot must
 * not become a proxy into its own network. Here 127.0.0.1 plays the image
 * host the test allows (as IMAGE_HOSTS_ALLOW would) and 127.0.0.2 an
 * internal service with a secret.
 */
let images: ImageServer;
let internal: ImageServer;
const SECRET = Buffer.from(JSON.stringify({ AccessKeyId: "ASIA-internal-secret" }));
const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(64, 1)]);
const GIF = Buffer.concat([Buffer.from("GIF89a"), Buffer.alloc(64, 1)]);
const WEBP = Buffer.concat([
  Buffer.from("RIFF"),
  Buffer.from([0, 0, 0, 0]),
  Buffer.from("WEBPVP8 "),
  Buffer.alloc(64, 1),
]);
const quick = { retries: 0, timeoutMs: 3000 };
const allowed = { ...quick, allowHosts: LOCAL_IMAGE_HOSTS };

beforeAll(async () => {
  [images, internal] = await Promise.all([ImageServer.start(), ImageServer.start("127.0.0.2")]);
  internal.route("/latest/meta-data", { kind: "body", bytes: SECRET, contentType: "application/json" });
  internal.route("/disguised.jpg", { kind: "body", bytes: SECRET, contentType: "image/jpeg" });
});
afterAll(async () => {
  await Promise.all([images.close(), internal.close()]);
});

async function refusal(url: string, options: DownloadOptions = allowed): Promise<DownloadError> {
  const err = await downloadImage(url, options).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(DownloadError);
  expect((err as DownloadError).retryable).toBe(false);
  return err as DownloadError;
}

describe("image downloads never reach an internal address", () => {
  it("refuses loopback, private, link-local and unique-local addresses by default, before any request", async () => {
    images.route("/zen.jpg", { kind: "image", bytes: jpegBytes() });
    const port = images.port;
    for (const url of [
      `http://127.0.0.1:${port}/zen.jpg`,
      `http://localhost:${port}/zen.jpg`,
      `http://[::1]:${port}/zen.jpg`,
      `http://[::ffff:127.0.0.1]:${port}/zen.jpg`,
      `http://0x7f000001:${port}/zen.jpg`,
      `http://10.0.0.1:${port}/zen.jpg`,
      `http://169.254.169.254/latest/meta-data`,
      `http://[fd00::1]/zen.jpg`,
      `http://[fe80::1]/zen.jpg`,
    ]) {
      expect((await refusal(url, quick)).message, url).toMatch(/download refused: .*internal address/);
    }
    expect(images.hits("/zen.jpg")).toHaveLength(0);
  });

  it("re-checks every redirect hop: a public-looking image URL that redirects inside is refused", async () => {
    images.route("/cover.jpg", { kind: "redirect", location: `${internal.url}/latest/meta-data` });
    expect((await refusal(`${images.url}/cover.jpg`)).message).toMatch(/127\.0\.0\.2.*internal address/);
    expect(internal.hits("/latest/meta-data")).toHaveLength(0);
  });

  it("checks the address actually connected to: a name that resolves inside is refused, one that resolves to an allowed address is fetched", async () => {
    images.route("/named.jpg", { kind: "image", bytes: jpegBytes() });
    let lookups = 0;
    const resolveTo = (address: string) => async () => (lookups++, [{ address, family: 4 }]);
    await refusal(`http://images.example:${internal.port}/latest/meta-data`, {
      ...allowed,
      resolve: resolveTo("127.0.0.2"),
    });
    expect(internal.hits("/latest/meta-data")).toHaveLength(0);
    const got = await downloadImage(`http://images.example:${images.port}/named.jpg`, {
      ...allowed,
      resolve: resolveTo("127.0.0.1"),
    });
    expect(got.contentType).toBe("image/jpeg");
    expect(lookups).toBe(2); // one resolution per connection: the one checked is the one used
  });

  it("through a proxy agent (which resolves names itself), checks the name's own resolution before the request", async () => {
    const agent = new Agent();
    try {
      await refusal(`http://images.example:${internal.port}/latest/meta-data`, {
        ...allowed,
        agent,
        resolve: async () => [{ address: "127.0.0.2", family: 4 }],
      });
      await refusal(`${internal.url}/latest/meta-data`, { ...allowed, agent });
      expect(internal.hits("/latest/meta-data")).toHaveLength(0);
      images.route("/via-agent.jpg", { kind: "image", bytes: jpegBytes() });
      expect((await downloadImage(`${images.url}/via-agent.jpg`, { ...allowed, agent })).contentType).toBe(
        "image/jpeg",
      );
    } finally {
      agent.destroy();
    }
  });

  it("stops after 5 redirects", async () => {
    for (let i = 0; i < 7; i++) images.route(`/loop${i}`, { kind: "redirect", location: `/loop${i + 1}` });
    images.route("/loop7", { kind: "image", bytes: jpegBytes() });
    expect((await refusal(`${images.url}/loop0`)).message).toMatch(/more than 5 redirects/);
    images.route("/hop0", { kind: "redirect", location: "/hop1" });
    images.route("/hop1", { kind: "image", bytes: jpegBytes() });
    expect((await downloadImage(`${images.url}/hop0`, allowed)).bytes.length).toBe(2048);
  });

  it("refuses a redirect to another scheme", async () => {
    images.route("/to-file", { kind: "redirect", location: "file:///etc/passwd" });
    expect((await refusal(`${images.url}/to-file`)).message).toMatch(/file: is not http/);
  });
});

describe("what comes back must be an image", () => {
  it("refuses a body that is not declared image/*", async () => {
    images.route("/data.json", { kind: "body", bytes: SECRET, contentType: "application/json" });
    expect((await refusal(`${images.url}/data.json`)).message).toMatch(/not an image \(application\/json\)/);
  });

  it("refuses a body declared image/* whose bytes are not JPEG, PNG, GIF or WebP", async () => {
    images.route("/fake.jpg", { kind: "body", bytes: SECRET, contentType: "image/jpeg" });
    expect((await refusal(`${images.url}/fake.jpg`)).message).toMatch(/not a JPEG, PNG, GIF or WebP/);
  });

  it("takes JPEG, PNG, GIF and WebP, typed by their bytes", async () => {
    const served = { "/a.jpg": jpegBytes(), "/b.png": PNG, "/c.gif": GIF, "/d.webp": WEBP };
    for (const [path, bytes] of Object.entries(served))
      images.route(path, { kind: "body", bytes, contentType: "image/octet-stream" });
    const types = [];
    for (const path of Object.keys(served))
      types.push((await downloadImage(`${images.url}${path}`, allowed)).contentType);
    expect(types).toEqual(["image/jpeg", "image/png", "image/gif", "image/webp"]);
  });
});
