import type { Sender } from "../chat/sender.ts";
import type { Platforms } from "../bot/platform.ts";
import { t } from "../bot/strings.ts";
import type { Clock } from "../clock.ts";
import type { Logger } from "../log.ts";
import type { AdapterStatus } from "./health.ts";
import { messageOf } from "../util/errors.ts";

/** A configured adapter as the alerts see it: its `/healthz` line and how to reach its chats. */
export interface AlertedAdapter {
  status: AdapterStatus;
  sender: Sender;
}

/** What {@link Alerts} needs. */
export interface AlertsDeps {
  clock: Clock;
  log: Logger;
  /** `platform:userId` entries of ADMIN_IDS are the recipients (bare ids name no platform and are skipped). */
  adminIds: readonly string[];
  adapters: () => readonly AlertedAdapter[];
  /** Each platform's name for people, and its own alert rules (its `alerts` trait). */
  platforms: Platforms;
  /** How long a platform may be unusable before its admins elsewhere are told, unless its traits say otherwise. Default 10 min. */
  downMs?: number;
  /** How often the adapters are looked at. Default 5 s. */
  everyMs?: number;
}

interface Incident {
  since: number;
  alerted: boolean;
}

/**
 * Tells the bot admins on another connected platform when one platform
 * stops working: after 10 minutes when it cannot be reached, or when and
 * how its `alerts` trait says (WeChat: at once on a logout, with the QR
 * URL). One alert per incident, and one "back" message when it ends.
 * Incidents are read from the adapters' health.
 */
export class Alerts {
  private readonly incidents = new Map<string, Incident>();
  private timer?: NodeJS.Timeout;
  private checking?: Promise<void>;

  constructor(private readonly deps: AlertsDeps) {}

  /** Look at the adapters every `everyMs` until {@link stop}. */
  start(): void {
    this.timer = setInterval(() => void this.check(), this.deps.everyMs ?? 5_000);
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.checking;
  }

  /** Open, alert and close incidents from the adapters' state now. One check at a time. */
  check(): Promise<void> {
    this.checking ??= this.look().finally(() => (this.checking = undefined));
    return this.checking;
  }

  private async look(): Promise<void> {
    const now = this.deps.clock.now().getTime();
    const adapters = this.deps.adapters();
    for (const { status } of adapters) {
      const platform = status.platform;
      if (this.deps.platforms.of(platform).alerts === false) continue;
      let incident = this.incidents.get(platform);
      if (status.connected) {
        this.incidents.delete(platform);
        if (incident?.alerted)
          await this.tell(platform, adapters, t.alertBack(this.deps.platforms.displayName(platform)));
        continue;
      }
      if (!incident) this.incidents.set(platform, (incident = { since: now, alerted: false }));
      if (incident.alerted || now - incident.since < this.threshold(status)) continue;
      incident.alerted = await this.tell(platform, adapters, this.describe(status, now - incident.since));
    }
  }

  /** How long `status` may be down before it is worth an alert. */
  private threshold(status: AdapterStatus): number {
    return this.rules(status.platform)?.after?.(status) ?? this.deps.downMs ?? 10 * 60_000;
  }

  private describe(status: AdapterStatus, downMs: number): string {
    const own = this.rules(status.platform)?.text?.(status, downMs);
    return (
      own ??
      t.alertUnreachable(
        this.deps.platforms.displayName(status.platform),
        Math.round(downMs / 60_000),
        str(status.lastError),
      )
    );
  }

  private rules(platform: string) {
    return this.deps.platforms.of(platform).alerts || undefined;
  }

  /**
   * Send `text` to the admins of every other connected platform. False
   * when no such platform is connected (the alert waits for one); true
   * once tried, whatever each send's outcome (a failed one is logged).
   */
  private async tell(about: string, adapters: readonly AlertedAdapter[], text: string): Promise<boolean> {
    const others = adapters.filter((a) => a.status.platform !== about && a.status.connected);
    const sends = others.flatMap(({ status, sender }) =>
      this.deps.adminIds
        .filter((id) => id.startsWith(`${status.platform}:`))
        .map((id) => ({ sender, chatId: id.slice(status.platform.length + 1) })),
    );
    if (others.length === 0) return false;
    for (const { sender, chatId } of sends) {
      try {
        await sender.send(chatId, { kind: "text", text });
        this.deps.log.info({ about, platform: sender.platform, chatId }, "admin alerted");
      } catch (err) {
        this.deps.log.warn(
          { about, platform: sender.platform, chatId, err: messageOf(err) },
          "admin alert not delivered",
        );
      }
    }
    if (sends.length === 0) this.deps.log.warn({ about }, "no admin to alert: add platform:id entries to ADMIN_IDS");
    return true;
  }
}

function str(value: unknown): string | undefined {
  return typeof value === "string" && value ? value : undefined;
}
