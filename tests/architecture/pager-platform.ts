/**
 * A platform that exists only in tests, added the way docs/architecture.md
 * says ("Adding a platform"): a module with its traits and a factory,
 * nothing under src/. Its adapter is in-process: the test talks to the core
 * with `platform: "pager"` messages and sets the health it reports.
 */
import { defineAdapterModule, type Adapter, type AdapterContext, type AdapterHealth } from "../../src/bot/adapter.ts";
import type { Reply } from "../../src/chat/message.ts";

/** What the pager's health tells `/healthz`: its battery and, while it waits to be paired, the code to scan. */
export type PagerHealthDetails = { battery: number; pairingCode?: string };

/** The pager adapter the module's factory made last (one bot per test). */
export const pager: { adapter?: PagerAdapter } = {};

export const pagerModule = defineAdapterModule<{ token: string }>({
  platform: "pager",
  displayName: "寻呼机",
  buttons: true, // its adapter renders reply buttons: 设置 gets a keyboard
  linkPreview: { name: "链接预览", byDefault: false }, // how 设置 calls the link setting, and its default
  groupPolicy: "opt-in", // its groups hear the bot only after an admin's 启用 (unless GROUP_POLICY says otherwise)
  secretVariables: ["PAGER_TOKEN"], // scrubbed from every log line
  alerts: {
    after: () => 0, // tell the admins elsewhere at once
    text: (status) => `📟 寻呼机没电了（${String(status.battery)}%）`,
  },
  consoleBlock: (status) => {
    const { battery, pairingCode } = status as typeof status & Partial<PagerHealthDetails>;
    return {
      badge: `电量 ${String(battery)}%`,
      ...(pairingCode ? { qr: { code: pairingCode, prompt: "请扫码配对寻呼机", alt: "寻呼机配对码" } } : {}),
    };
  },
  configure: (env) => (env.PAGER_TOKEN ? { token: env.PAGER_TOKEN } : undefined),
  load: async () => ({ createAdapter: (door) => (pager.adapter = new PagerAdapter(door)) }), // door: { core, log, dataDir, kv, images, requestShutdown }
});

/** Starts at once; what it was asked to send and the health it reports are the test's, and so is the door it was given. */
export class PagerAdapter implements Adapter {
  readonly platform = "pager";
  constructor(readonly door: AdapterContext) {}
  readonly sent: Array<[string, Reply]> = [];
  readonly sender = {
    platform: "pager",
    send: async (chatId: string, reply: Reply) => void this.sent.push([chatId, reply]),
  };
  now: AdapterHealth<PagerHealthDetails> = { connected: true, details: { battery: 80 } };
  private started = () => {};
  /** Resolves once the bot has started it. */
  readonly running = new Promise<void>((resolve) => (this.started = resolve));

  async start(): Promise<void> {
    this.started();
  }

  async stop(): Promise<void> {}

  health(): AdapterHealth<PagerHealthDetails> {
    return this.now;
  }
}
