import type { Logger } from "../log.ts";
import type { Store, StoreLock } from "../store/store.ts";

/** The push locks one run holds. */
export interface PlatformLocks {
  /** Platforms another instance is pushing right now: their chats are left to it. */
  readonly busy: ReadonlySet<string>;
  /** Give every held lock up. Never rejects. */
  release(): Promise<void>;
}

/** The store lock of pushing to `platform`. */
export function pushLockName(platform: string): string {
  return `push:${platform}`;
}

/**
 * Take the push lock of each platform, so that of several instances
 * sharing one store a single one pushes to a platform at a time: it alone
 * paces the broadcast under the platform's limits, and it chooses chats
 * after the previous pusher's confirmations. A platform whose lock is
 * held elsewhere, or cannot be had (store trouble), is busy: the next
 * tick tries again, so a dead pusher's work is taken over.
 */
export async function lockPlatforms(store: Store, platforms: readonly string[], log: Logger): Promise<PlatformLocks> {
  const busy = new Set<string>();
  const held: StoreLock[] = [];
  for (const platform of new Set(platforms)) {
    try {
      const lock = await store.tryLock(pushLockName(platform));
      if (lock) held.push(lock);
      else busy.add(platform);
    } catch (err) {
      log.error({ platform, err }, "could not take the push lock; trying again at the next tick");
      busy.add(platform);
    }
  }
  if (busy.size > 0) log.debug({ platforms: [...busy] }, "another instance is pushing; leaving these platforms to it");
  return {
    busy,
    release: async () => {
      const results = await Promise.allSettled(held.map((lock) => lock.release()));
      for (const r of results)
        if (r.status === "rejected") log.warn({ err: r.reason }, "could not release a push lock");
    },
  };
}
