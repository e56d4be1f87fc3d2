import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { silentLogger } from "../../src/log.ts";
import { DEFAULT_TIMEOUTS } from "../../src/sync/mirror.ts";
import { SyncService } from "../../src/sync/service.ts";
import { fakeClock } from "../helpers/bot.ts";
import { ManualTicker } from "../push/helpers.ts";

const servers: Array<ReturnType<typeof createServer>> = [];
let data = "";
afterEach(async () => {
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    s.close();
  }
  if (data) await rm(data, { recursive: true, force: true });
});

describe("SyncService.stop (shutdown during a sync)", () => {
  it("kills a git call in progress at once instead of waiting for its deadline", async () => {
    const server = createServer(() => {});
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    data = await mkdtemp(path.join(os.tmpdir(), "sync-stop-"));
    const service = new SyncService({
      options: {
        repo: `http://127.0.0.1:${(server.address() as AddressInfo).port}/repo.git`,
        branch: "master",
        root: "gzh",
        accounts: [],
        dataDir: data,
        articlesDir: path.join(data, "articles"),
      },
      cron: "0 * * * *",
      timeZone: "Asia/Shanghai",
      clock: fakeClock("2026-11-25T00:30:00Z"),
      log: silentLogger(),
      ticker: new ManualTicker().ticker,
    });
    await service.start();
    const running = service.run();
    await new Promise((resolve) => setTimeout(resolve, 300));
    const started = Date.now();
    await service.stop();
    // Measured against what it is about, the git call's own deadline, not a guess at how fast a machine is.
    expect(Date.now() - started).toBeLessThan(DEFAULT_TIMEOUTS.quickMs);
    expect(await running).toMatchObject({ status: "failed", error: expect.stringMatching(/shutting down/) });
    expect(service.status().last).toMatchObject({ result: "failed" });
    // The operator's report of that run, for the web console.
    expect(service.status().lastReport).toMatch(/^sync failed: .*shutting down.*; the library is unchanged/m);
  });
});

describe("the sync lock", () => {
  it("is taken over when the process that left it is gone, also when a restart reuses its pid", async () => {
    const { lockSync, SyncBusyError } = await import("../../src/sync/lock.ts");
    const { writeFile } = await import("node:fs/promises");
    data = await mkdtemp(path.join(os.tmpdir(), "sync-lock-"));
    await writeFile(path.join(data, "lock"), "999999999");
    const release = await lockSync(data);
    await expect(lockSync(data)).rejects.toThrow(SyncBusyError);
    await release();
    // A container restarted as pid 1 finds its previous life's lock naming pid 1.
    await writeFile(path.join(data, "lock"), String(process.pid));
    await (await lockSync(data))();
  });
});
