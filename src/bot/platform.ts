import type { GroupPolicy } from "../config.ts";
import { t } from "./strings.ts";

/**
 * What the rest of the bot knows of a chat platform without naming it:
 * each adapter's `module.ts` declares its traits (they are fields of its
 * `AdapterModule`), and the core, the alerts, the logger and the web
 * console read them through {@link Platforms}. A trait left out means the
 * platform behaves like most: no buttons, a link card shown, groups open,
 * nothing secret, alerts after 10 minutes unreachable, no console block.
 */
export interface PlatformTraits {
  /** The platform name, in chat ids of the store and in ADMIN_IDS (`telegram:42`). */
  readonly platform: string;
  /** How people call the platform (alerts: 「✅ 微信 已恢复连接。」); default: its name. */
  readonly displayName?: string;
  /** Whether its adapter renders reply buttons (the 设置 keyboard). */
  readonly buttons?: boolean;
  /** How 「设置」 calls the link setting and whether answers show the link unless a group says otherwise; default a card, shown. */
  readonly linkPreview?: { readonly name: string; readonly byDefault: boolean };
  /** Its groups' policy when GROUP_POLICY is not set; default `open`. */
  readonly groupPolicy?: GroupPolicy;
  /** Environment variables holding its secrets: scrubbed from every log line and error message. */
  readonly secretVariables?: readonly string[];
  /** How its admins elsewhere are told it is down; `false`: never (the terminal chat). */
  readonly alerts?: PlatformAlerts | false;
  /** Its `/healthz` details as the web console shows them; none: only the state line. */
  consoleBlock?(status: PlatformStatus): ConsoleBlock | undefined;
}

/** A platform's `/healthz` line: whether it can serve chats, its last error, and its own details (flat). */
export interface PlatformStatus {
  platform: string;
  connected: boolean;
  lastError?: string;
  [detail: string]: unknown;
}

/** A platform's own alert rules; each one left out is the default. */
export interface PlatformAlerts {
  /** How long it may be unusable before its admins elsewhere are told, in ms; undefined: the alerts' default. */
  after?(status: PlatformStatus): number | undefined;
  /** The alert; undefined: 「已有 N 分钟连不上 <displayName>」. */
  text?(status: PlatformStatus, downMs: number): string | undefined;
}

/** A platform's part of the web console's status block: platform words, neutral shape (the web renders it). */
export interface ConsoleBlock {
  /** Beside the connection state, e.g. 「已登录」. */
  badge?: string;
  /** Facts on one line, `label：value` (a time is shown in the push time zone; null: 「从未」). */
  facts?: ReadonlyArray<{ label: string; at: string | null } | { label: string; text: string }>;
  /** A code to scan now: drawn by the console at `/console/qr.svg`. */
  qr?: { code: string; prompt: string; alt: string };
  /** Past events, oldest first; open when a code waits to be scanned. */
  history?: { title: string; events: ReadonlyArray<{ at: string; text: string }> };
}

/** Every known platform's traits, by name; a platform nobody declared gets the defaults. */
export class Platforms {
  private readonly byName = new Map<string, PlatformTraits>();

  /** The first declaration of a name wins. */
  constructor(readonly all: readonly PlatformTraits[] = []) {
    for (const traits of all) if (!this.byName.has(traits.platform)) this.byName.set(traits.platform, traits);
  }

  /** The traits `platform` declared (only its name when it declared none). */
  of(platform: string): PlatformTraits {
    return this.byName.get(platform) ?? { platform };
  }

  displayName(platform: string): string {
    return this.of(platform).displayName ?? platform;
  }

  buttons(platform: string): boolean {
    return this.of(platform).buttons === true;
  }

  linkPreview(platform: string): { name: string; byDefault: boolean } {
    return this.of(platform).linkPreview ?? { name: t.linkCardSetting, byDefault: true };
  }

  groupPolicy(platform: string): GroupPolicy {
    return this.of(platform).groupPolicy ?? "open";
  }

  /** Every platform's secret environment variables. */
  secretVariables(): string[] {
    return this.all.flatMap((p) => p.secretVariables ?? []);
  }
}
