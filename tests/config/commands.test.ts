import path from "node:path";
import { describe, expect, it } from "vitest";
import { commandLogLevel, dataDirOf, loadConfig } from "../../src/config.ts";
import { ConfigError } from "../../src/env.ts";

describe("what every command reads the same way", () => {
  it("takes the data directory from --data, else DATA_DIR, else ./data, as the bot itself does", () => {
    expect(dataDirOf({}, "/srv/bot")).toBe("/srv/bot");
    expect(dataDirOf({ DATA_DIR: "/var/lib/article-bot" })).toBe("/var/lib/article-bot");
    expect(dataDirOf({ DATA_DIR: "  " })).toBe(path.resolve("data"));
    expect(dataDirOf({})).toBe(loadConfig({}).dataDir);
  });

  it("keeps a command's answer readable: warn unless LOG_LEVEL says otherwise, and a wrong level is named", () => {
    expect(commandLogLevel({})).toBe("warn");
    expect(commandLogLevel({ LOG_LEVEL: "debug" })).toBe("debug");
    expect(() => commandLogLevel({ LOG_LEVEL: "loud" })).toThrow(ConfigError);
    expect(() => commandLogLevel({ LOG_LEVEL: "loud" })).toThrow(/LOG_LEVEL/);
  });
});
