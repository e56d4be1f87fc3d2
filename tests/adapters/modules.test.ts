import { describe, expect, it } from "vitest";
import { CONSOLE, PLATFORMS } from "../../adapters/index.ts";
import { configurePlatforms } from "../../src/cli/platforms.ts";
import { loadConfig } from "../../src/config.ts";
import { ConfigError } from "../../src/env.ts";

/**
 * Each adapter brings its own name, settings (read from the environment
 * with its own schema), push pace and factory; the core's configuration
 * knows no platform.
 */
describe("the adapters' modules", () => {
  it("name every platform once, with a pace for the push and a factory loaded on demand", () => {
    expect(PLATFORMS.map((m) => [m.platform, m.pace])).toEqual([
      ["telegram", { perSecond: 25, concurrency: 8 }],
      ["wechat", { perSecond: 0, concurrency: 1 }],
    ]);
    expect(CONSOLE.platform).toBe("console");
    for (const m of [...PLATFORMS, CONSOLE]) expect(typeof m.load).toBe("function");
  });

  it("are configured only by their own variables, with their defaults", () => {
    expect(configurePlatforms({})).toEqual([]);
    const both = configurePlatforms({
      TELEGRAM_BOT_TOKEN: "123:abc",
      WECHATY_PUPPET: "wechaty-puppet-mock",
      HTTPS_PROXY: "socks5://127.0.0.1:1080",
    });
    expect(both.map((c) => [c.module.platform, c.config])).toEqual([
      [
        "telegram",
        {
          token: "123:abc",
          webhookUrl: undefined,
          apiRoot: undefined,
          webhookPort: 8080,
          proxy: "socks5://127.0.0.1:1080",
        },
      ],
      [
        "wechat",
        {
          puppet: "wechaty-puppet-mock",
          puppetToken: undefined,
          name: "article-bot",
          pacing: { intervalMs: 1000, jitterMs: 1000, perChatPerMinute: 12 },
        },
      ],
    ]);
    expect(both[0]!.module.imageProxy?.(both[0]!.config)).toBe("socks5://127.0.0.1:1080");
  });

  it("check their variables even when the platform is not configured, naming the variable and never its value", () => {
    expect(() => configurePlatforms({ TELEGRAM_PROXY: "ftp://user:secret@proxy" })).toThrow(ConfigError);
    expect(() => configurePlatforms({ TELEGRAM_PROXY: "ftp://user:secret@proxy" })).toThrow(
      /TELEGRAM_PROXY: is not an http:\/\/, https:\/\/ or socks5:\/\/ proxy URL/,
    );
    expect(() => configurePlatforms({ TELEGRAM_PROXY: "ftp://user:secret@proxy" })).not.toThrow(/secret/);
    expect(() => configurePlatforms({ WECHAT_ROOM_MAX_PER_MINUTE: "0" })).toThrow(/WECHAT_ROOM_MAX_PER_MINUTE/);
  });

  it("leave the core's configuration without any platform's settings", () => {
    const config = loadConfig({
      TELEGRAM_BOT_TOKEN: "123:abc",
      WECHATY_PUPPET: "wechaty-puppet-mock",
      TELEGRAM_PROXY: "not a url",
    });
    expect(Object.keys(config).filter((k) => /telegram|wechat/i.test(k))).toEqual([]);
  });
});
