/**
 * One sync at a time per data directory: `start`'s cron and an operator's
 * `article-bot sync` would otherwise share one git checkout.
 */
import { open, readFile, unlink } from "node:fs/promises";
import path from "node:path";

/** Lock files this process holds: a file naming our own pid but not in here was left by an earlier life (a container restart reuses pids). */
const held = new Set<string>();

/** Thrown when another live process holds the lock. */
export class SyncBusyError extends Error {
  override readonly name = "SyncBusyError";
}

/**
 * Take `<syncDir>/lock` (a file holding our pid). A lock whose process is
 * gone (a crash, a kill -9) is taken over. Resolves to its release.
 * @throws SyncBusyError while another process holds it.
 */
export async function lockSync(syncDir: string): Promise<() => Promise<void>> {
  const file = path.join(syncDir, "lock");
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const handle = await open(file, "wx");
      await handle.writeFile(String(process.pid));
      await handle.close();
      held.add(file);
      return async () => {
        held.delete(file);
        await unlink(file).catch(() => undefined);
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
      const pid = Number((await readFile(file, "utf8").catch(() => "")).trim());
      const ours = pid === process.pid;
      if (pid > 0 && (ours ? held.has(file) : alive(pid)))
        throw new SyncBusyError(`another sync is running (pid ${pid})`);
      await unlink(file).catch(() => undefined);
    }
  }
  throw new SyncBusyError("another sync is starting");
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}
