import { mkdir } from "node:fs/promises";
import path from "node:path";
import type { Message, Wechaty } from "wechaty";
import type { Adapter, AdapterContext, AdapterHealth } from "../../src/bot/adapter.ts";
import type { Reply } from "../../src/chat/message.ts";
import type { Sender } from "../../src/chat/sender.ts";
import { systemClock, type Clock } from "../../src/clock.ts";
import type { Logger } from "../../src/log.ts";
import { ImageCache } from "../../src/net/image-cache.ts";
import { buildWechaty, watchLifecycle } from "./client.ts";
import { PLATFORM, type WechatConfig } from "./config.ts";
import { readMessage, type Addressed, type ReadContext } from "./incoming.ts";
import { Lanes } from "./lanes.ts";
import type { SessionEvent, WechatHealthDetails } from "./login-status.ts";
import { Transport } from "./outgoing.ts";
import { OutgoingQueue } from "./pacer.ts";
import { renderReply, type RenderContext } from "./render.ts";
import { WechatSender } from "./sender.ts";
import { withDeadline } from "../../src/util/deadline.ts";
import { messageOf } from "../../src/util/errors.ts";

/** What tests (or a custom start) may replace. */
export interface WechatAdapterOptions {
  /** A puppet instance instead of the `WECHATY_PUPPET` package, e.g. wechaty-puppet-mock. */
  puppet?: Wechaty["puppet"];
  clock?: Clock;
  random?: () => number;
  /** Where the login QR code is drawn. Default: stdout. */
  qrOutput?: NodeJS.WritableStream;
  /** How long `stop()` waits for answers being prepared and keeps sending queued messages, in all. Default 5 s. */
  drainMs?: number;
}

/** Longest wait for the puppet to stop. */
const STOP_TIMEOUT_MS = 2_000;

/** Reading a room message asks the puppet about members; never let a stuck puppet block a chat. */
const READ_TIMEOUT_MS = 15_000;

/**
 * WeChat through wechaty: answers private chats, and rooms when @mentioned
 * or addressed with the trigger prefix; every message leaves through the
 * paced {@link OutgoingQueue}.
 */
/** Session events kept for the console. */
const MAX_HISTORY = 20;

export class WechatAdapter implements Adapter {
  readonly platform = PLATFORM;
  readonly sender: Sender;
  private readonly wechaty: Wechaty;
  private readonly queue: OutgoingQueue;
  private readonly lanes = new Lanes();
  private readonly log: Logger;
  private readonly images: ImageCache;
  private readonly clock: Clock;
  private online = false;
  private startedAt = new Date(0);
  /** What `/healthz` shows about the WeChat session. */
  private session: { lastLoginAt?: Date; lastLogoutAt?: Date; logoutReason?: string; qrUrl?: string; qrCode?: string } =
    {};
  /** Logins, logouts and QR codes shown, newest last (the web console's history). */
  private history: SessionEvent[] = [];
  private stopping = false;

  constructor(
    private readonly ctx: AdapterContext,
    private readonly wechat: WechatConfig,
    private readonly options: WechatAdapterOptions = {},
  ) {
    this.log = ctx.log.child({ component: "wechat" });
    this.clock = options.clock ?? systemClock;
    this.images = ctx.images ?? new ImageCache();
    this.wechaty = buildWechaty({
      session: path.resolve(ctx.dataDir, wechat.name),
      puppet: options.puppet ?? wechat.puppet,
      token: wechat.puppetToken,
    });
    const transport = new Transport(() => this.wechaty.puppet, this.log);
    this.queue = new OutgoingQueue((chatId, message) => transport.deliver(chatId, message), {
      ...wechat.pacing,
      log: this.log,
      clock: this.clock,
      random: options.random,
    });
    this.queue.setOnline(false);
    this.sender = new WechatSender({
      wechaty: this.wechaty,
      queue: this.queue,
      render: (reply) => this.render(reply),
      isOnline: () => this.online,
    });
  }

  async start(): Promise<void> {
    // The login session file goes there, and wechaty does not create directories.
    await mkdir(this.ctx.dataDir, { recursive: true });
    this.startedAt = this.clock.now();
    watchLifecycle(this.wechaty, {
      log: this.log,
      qrOutput: this.options.qrOutput ?? process.stdout,
      clock: this.clock,
      online: (isOnline, reason) => {
        this.online = isOnline;
        this.queue.setOnline(isOnline);
        const now = this.clock.now();
        this.session = isOnline
          ? { ...this.session, lastLoginAt: now, qrUrl: undefined, qrCode: undefined, logoutReason: undefined }
          : { ...this.session, lastLogoutAt: now, logoutReason: reason };
        this.remember(isOnline ? "login" : "logout", reason);
      },
      qr: (url, value) => {
        if (this.online) return;
        // A puppet shows a fresh code every few seconds while nobody scans: one line per wait, not per code.
        if (!this.session.qrUrl) this.remember("scan");
        this.session = { ...this.session, qrUrl: url, qrCode: value };
      },
    });
    this.wechaty.on("message", (msg) => this.receive(msg));
    this.log.info(
      { puppet: typeof this.options.puppet === "object" ? "injected" : this.wechat.puppet },
      "starting wechaty",
    );
    await this.wechaty.start();
  }

  /**
   * Connected only while the account is logged in: a running wechaty
   * without a login can neither read nor send.
   */
  health(): AdapterHealth<WechatHealthDetails> {
    const { lastLoginAt, lastLogoutAt, logoutReason, qrUrl, qrCode } = this.session;
    return {
      connected: this.online,
      details: {
        loggedIn: this.online,
        lastLoginAt: lastLoginAt?.toISOString() ?? null,
        lastLogoutAt: lastLogoutAt?.toISOString() ?? null,
        ...(logoutReason ? { logoutReason } : {}),
        ...(qrUrl ? { qrUrl } : {}),
        ...(qrCode ? { qrCode } : {}),
        history: [...this.history],
      },
    };
  }

  private remember(event: SessionEvent["event"], reason?: string): void {
    this.history.push({ at: this.clock.now().toISOString(), event, ...(reason ? { reason } : {}) });
    if (this.history.length > MAX_HISTORY) this.history.shift();
  }

  /**
   * Answer messages of one chat in order; chats run side by side. The
   * arrival time goes with the message: flood control counts it then, not
   * when the chat's earlier messages are done.
   */
  private receive(msg: Message): void {
    if (this.stopping) return;
    const receivedAt = this.clock.now();
    void this.lanes.run(msg.room()?.id ?? msg.payload?.talkerId ?? "", () => this.answer(msg, receivedAt));
  }

  private async answer(msg: Message, receivedAt: Date): Promise<void> {
    try {
      const context: ReadContext = { startedAt: this.startedAt };
      const read = await withDeadline(readMessage(msg, context), READ_TIMEOUT_MS, "reading a message");
      if ("ignored" in read)
        return void this.log.debug({ messageId: msg.id, reason: read.ignored }, "wechat message ignored");
      read.incoming.receivedAt = receivedAt;
      await this.reply(read);
    } catch (err) {
      this.log.error({ messageId: msg.id, err: messageOf(err) }, "wechat message could not be answered");
    }
  }

  private async reply({ incoming, mention }: Addressed): Promise<void> {
    const replies = await this.ctx.core.handle(incoming);
    for (const reply of replies) {
      const messages = await this.render(reply, mention);
      // Not awaited: the answer is on its way once queued; the queue logs what fails.
      this.queue.enqueue(incoming.chatId, messages).catch(() => {});
      this.log.debug(
        { chatId: incoming.chatId, messages: messages.length, queued: this.queue.size },
        "wechat reply queued",
      );
    }
  }

  private render(reply: Reply, mention?: RenderContext["mention"]) {
    return renderReply(reply, { mention, image: (url) => this.images.get(url), log: this.log });
  }

  async stop(): Promise<void> {
    this.stopping = true;
    const drainMs = this.options.drainMs ?? 5_000;
    const deadline = Date.now() + drainMs;
    // An answer stuck on the puppet (a member lookup) must not hold the shutdown past the drain.
    await withDeadline(this.lanes.idle(), drainMs, "finishing answers").catch(() =>
      this.log.warn("wechat answers still being prepared at shutdown were dropped"),
    );
    await this.queue.close(Math.max(0, deadline - Date.now()));
    await withDeadline(this.wechaty.stop(), STOP_TIMEOUT_MS, "stopping wechaty").catch((err: Error) =>
      this.log.warn({ err: err.message }, "wechaty did not stop cleanly"),
    );
  }
}
