import { describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.ts";
import { ConfigError } from "../../src/env.ts";
import { redactSecrets, secretsFromEnv } from "../../src/log.ts";

describe("the web pages' configuration", () => {
  it("serves a public reading room and no console by default", () => {
    expect(loadConfig({}).web).toEqual({
      public: true,
      adminPassword: undefined,
      imageCacheBytes: 512 * 1024 * 1024,
      trustProxy: false,
    });
  });

  it("reads WEB_PUBLIC, ADMIN_PASSWORD, WEB_IMAGE_CACHE_MB and TRUST_PROXY", () => {
    const web = loadConfig({
      WEB_PUBLIC: "false",
      ADMIN_PASSWORD: "a long enough password",
      WEB_IMAGE_CACHE_MB: "64",
      TRUST_PROXY: "true",
    }).web;
    expect(web).toEqual({
      public: false,
      adminPassword: "a long enough password",
      imageCacheBytes: 64 * 1024 * 1024,
      trustProxy: true,
    });
    expect(() => loadConfig({ TRUST_PROXY: "sometimes" })).toThrow(/TRUST_PROXY/);
  });

  it("refuses a console password shorter than 12 characters, naming the variable but never its value", () => {
    const load = () => loadConfig({ ADMIN_PASSWORD: "hunter2" });
    expect(load).toThrow(ConfigError);
    expect(load).toThrow(/ADMIN_PASSWORD: must be at least 12 characters/);
    expect(() => load()).not.toThrow(/hunter2/);
  });

  it("refuses a WEB_PUBLIC that is not a yes or a no", () => {
    expect(() => loadConfig({ WEB_PUBLIC: "maybe" })).toThrow(/WEB_PUBLIC/);
  });

  it("counts ADMIN_PASSWORD among the secrets every log line is scrubbed of", () => {
    const secrets = secretsFromEnv({ ADMIN_PASSWORD: "correct horse battery staple" });
    expect(redactSecrets("login with correct horse battery staple failed", secrets)).toBe("login with [secret] failed");
  });
});
