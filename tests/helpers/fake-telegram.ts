import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { BadRequest, checkInlineAnswer, checkKeyboard, errorDescription, visibleText } from "./fake-telegram-checks.ts";
import { FakeChats, type AdminRights, type MemberStatus } from "./fake-telegram-chats.ts";
import { readBody, reply } from "./fake-telegram-http.ts";
import { chatFor, entitiesOf, privateChat, user } from "./fake-telegram-updates.ts";

export { entitiesOf, groupChat, privateChat, user } from "./fake-telegram-updates.ts";

/**
 * A fake Telegram Bot API server on 127.0.0.1 for tests: a real HTTP
 * server that grammY talks to through `client.apiRoot`. It queues updates
 * for `getUpdates`, records every call, checks requests as strictly as
 * Telegram (HTML entities, 4096/1024 limits, keyboards, inline answers),
 * and can be told to fail (429 with retry_after, 5xx, 403) or to be slow.
 *
 * ```ts
 * const tg = await FakeTelegram.start();
 * const sender = createTelegramSender({ token: tg.token, apiRoot: tg.apiRoot, kv: store, log });
 * await sender.send("1001", { kind: "text", text: "你好" });
 * expect(tg.sent("1001")[0].payload.text).toBe("你好");
 * await tg.close();
 * ```
 */

/** One recorded Bot API call. */
export interface ApiCall {
  method: string;
  /** The parameters, JSON-decoded (multipart fields too). */
  payload: Record<string, any>;
  /** Uploaded files of a multipart request, by field name. */
  files: Record<string, { filename: string; bytes: Buffer }>;
  /** What the fake answered: `ok`, or the HTTP status of the error; `pending` until it answers. */
  outcome: "ok" | number | "pending";
  /** The `result` of a successful call (e.g. the sent message). */
  result?: any;
  /** When the request arrived (Date.now()). */
  at: number;
}

/** When a rule applies: every field given must match. */
export interface CallMatch {
  method?: string;
  /** Compared as a string, so `5` and `"5"` both match chat 5. */
  chatId?: number | string;
  /** Any other condition, e.g. a seeded random tenth of all calls. */
  when?: (call: ApiCall) => boolean;
}

/** An error answer: `fail({ code: 429, retryAfter: 1, times: 1 })`. */
export interface FailRule extends CallMatch {
  code: number;
  description?: string;
  /** For 429: seconds in `parameters.retry_after`. */
  retryAfter?: number;
  /** Answer this many matching calls with the error, then behave. Default: forever. */
  times?: number;
}

/** Options of {@link FakeTelegram.start}. */
export interface FakeTelegramOptions {
  /** Bot token; the bot id is its numeric prefix. Default `123456:TEST-TOKEN`. */
  token?: string;
  /** The bot's username. Default `article_test_bot`. */
  username?: string;
  /** Longest a `getUpdates` waits for updates, whatever its `timeout`. Default 30 s. */
  maxPollMs?: number;
}

type Json = Record<string, any>;
type HandlerFn = (p: Json, call: ApiCall) => unknown;

const SEND_METHODS = new Set(["sendMessage", "sendPhoto", "editMessageText", "editMessageCaption"]);

/** A local fake of the Telegram Bot API; see the module comment. */
export class FakeTelegram {
  /** Every call, in arrival order. */
  readonly calls: ApiCall[] = [];
  readonly token: string;
  readonly bot: { id: number; is_bot: true; first_name: string; username: string };
  private readonly server: Server;
  private readonly updates: Json[] = [];
  private readonly waiters = new Set<() => void>();
  private readonly rules: Array<{ rule: FailRule | (CallMatch & { delayMs: number }); left: number }> = [];
  /** Members and their rights, forum topics, channels. */
  readonly chats: FakeChats;
  private readonly messages = new Map<string, Json>();
  private readonly fileIds = new Set<string>();
  private nextUpdateId = 1;
  private nextMessageId = 1;
  private acknowledged = 0;
  private closed = false;
  /** Connections that have answered a request: a request on one of them came over a reused keep-alive connection. */
  private readonly used = new WeakSet<object>();
  private readonly sockets = new Set<Socket>();
  private resets: { method?: string; left: number } = { left: 0 };

  private constructor(private readonly options: FakeTelegramOptions) {
    this.token = options.token ?? "123456:TEST-TOKEN";
    this.bot = {
      id: Number(this.token.split(":")[0]),
      is_bot: true,
      first_name: "Article Bot",
      username: options.username ?? "article_test_bot",
    };
    this.chats = new FakeChats(this.bot.id);
    this.server = createServer((req, res) => void this.serve(req, res));
    this.server.on("connection", (socket) => {
      this.sockets.add(socket);
      socket.once("close", () => this.sockets.delete(socket));
    });
  }

  /** Start a fake on a random port of 127.0.0.1. */
  static async start(options: FakeTelegramOptions = {}): Promise<FakeTelegram> {
    const fake = new FakeTelegram(options);
    await new Promise<void>((resolve) => fake.server.listen(0, "127.0.0.1", resolve));
    return fake;
  }

  /** The value for grammY's `client.apiRoot` (and `TELEGRAM_API_ROOT`). */
  get apiRoot(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Queue a raw update (an `update_id` is assigned); resolves to it. */
  pushUpdate(update: Json): Json {
    const full = { update_id: this.nextUpdateId++, ...update };
    this.updates.push(full);
    this.wake();
    return full;
  }

  /**
   * Queue a text message, with the entities Telegram would compute
   * (leading /command, @mentions) unless `entities` is given.
   * Defaults: private chat with user 1001.
   */
  userMessage(
    text: string,
    opts: {
      chat?: Json;
      from?: Json;
      replyTo?: Json;
      entities?: Json[];
      kind?: "message" | "edited_message";
      topic?: number;
    } = {},
  ): Json {
    const from = opts.from ?? user(1001);
    const message: Json = {
      message_id: this.nextMessageId++,
      date: Math.floor(Date.now() / 1000),
      chat: opts.chat ?? privateChat(from.id),
      from,
      text,
      entities: opts.entities ?? entitiesOf(text),
    };
    if (opts.topic !== undefined) {
      // As Telegram sends it: in a topic, a message that replies to nothing replies to the topic's creation.
      Object.assign(message, { message_thread_id: opts.topic, is_topic_message: true });
      message.reply_to_message = {
        message_id: opts.topic,
        date: 0,
        chat: message.chat,
        from: user(1),
        forum_topic_created: { name: "话题", icon_color: 0 },
      };
    }
    if (opts.replyTo) message.reply_to_message = opts.replyTo;
    return this.pushUpdate({ [opts.kind ?? "message"]: message });
  }

  /** Queue a press on an inline button of `message` (a message the bot sent). */
  pressButton(message: Json, data: string, from: Json = user(1001)): Json {
    return this.pushUpdate({
      callback_query: { id: `cb${this.nextUpdateId}`, from, chat_instance: "ci", message, data },
    });
  }

  /** Queue an inline query `@bot text`. */
  inlineQuery(query: string, offset = "", from: Json = user(1001)): Json {
    return this.pushUpdate({
      inline_query: { id: `iq${this.nextUpdateId}`, from, query, offset, chat_type: "sender" },
    });
  }

  /** Answer matching calls with an error (e.g. 429 with `retryAfter`, 500, 403). */
  fail(rule: FailRule): void {
    this.rules.push({ rule, left: rule.times ?? Infinity });
  }

  /** Hold matching calls for `delayMs` before answering (a slow server). */
  delay(rule: CallMatch & { delayMs: number; times?: number }): void {
    this.rules.push({ rule, left: rule.times ?? Infinity });
  }

  /**
   * Reset the next `times` requests that arrive on a reused keep-alive
   * connection, unread, as a server closing an idle connection does to a
   * request that crossed its close: the request never reaches the API (no
   * call is recorded).
   */
  resetReused(rule: { method?: string; times?: number } = {}): void {
    this.resets = { method: rule.method, left: rule.times ?? 1 };
  }

  /** Reset every open connection at once, requests being answered included (a server crashing). */
  dropConnections(): void {
    for (const socket of this.sockets) socket.resetAndDestroy();
  }

  /** Forget every fail/delay rule and pending reset. */
  heal(): void {
    this.rules.length = 0;
    this.resets = { left: 0 };
  }

  /** Set what `getChatMember` says about a user in a chat (default `member`). */
  setMember(chatId: number | string, userId: number, status: MemberStatus, rights?: AdminRights): void {
    this.chats.setMember(chatId, userId, status, rights);
  }

  /** Successful calls that showed something to a chat (send/edit), optionally of one chat. */
  sent(chatId?: number | string): ApiCall[] {
    return this.calls.filter(
      (c) =>
        c.outcome === "ok" &&
        SEND_METHODS.has(c.method) &&
        (chatId === undefined || String(c.payload.chat_id) === String(chatId)),
    );
  }

  /** Calls of one method, in order. */
  callsOf(method: string): ApiCall[] {
    return this.calls.filter((c) => c.method === method);
  }

  /**
   * Resolve with the first answered call (past or future) matching
   * `method` and `where`, after `skip` earlier matches; reject after
   * `timeoutMs` (default 10 s). With `arrived`, resolve as soon as the request arrives.
   */
  async waitForCall(
    method: string,
    where: (c: ApiCall) => boolean = () => true,
    opts: { skip?: number; arrived?: boolean } = {},
  ): Promise<ApiCall> {
    const seen = (c: ApiCall) => opts.arrived || c.outcome !== "pending";
    const find = () => this.calls.filter((c) => c.method === method && seen(c) && where(c))[opts.skip ?? 0];
    await this.until(() => find() !== undefined);
    return find()!;
  }

  /** Resolve once the bot has fetched (acknowledged) every queued update. */
  drained(): Promise<void> {
    return this.until(() => this.acknowledged >= this.nextUpdateId - 1);
  }

  /** Stop the server; pending long polls end with no updates. */
  async close(): Promise<void> {
    this.closed = true;
    this.wake();
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }

  /** Resolve once `done()` holds: no deadline of its own (a loaded machine may take long); the test runner's guard ends a hang. */
  private async until(done: () => boolean): Promise<void> {
    while (!done()) await new Promise((r) => setTimeout(r, 5));
  }

  private wake(): void {
    for (const w of this.waiters) w();
    this.waiters.clear();
  }

  private async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const { method, left } = this.resets;
    if (left > 0 && this.used.has(req.socket) && (!method || req.url?.endsWith(`/${method}`))) {
      this.resets.left--;
      return void req.socket.resetAndDestroy();
    }
    this.used.add(req.socket);
    const match = /^\/bot([^/]+)\/(\w+)$/.exec(req.url ?? "");
    if (!match || match[1] !== this.token)
      return reply(res, 401, { ok: false, error_code: 401, description: "Unauthorized" });
    const call: ApiCall = { method: match[2]!, payload: {}, files: {}, outcome: "pending", at: Date.now() };
    try {
      Object.assign(call, await readBody(req));
    } catch {
      return reply(res, 400, { ok: false, error_code: 400, description: "Bad Request: unreadable body" });
    }
    this.calls.push(call);
    const answer = await this.answer(call);
    call.outcome = answer.ok ? "ok" : answer.error_code;
    call.result = answer.result;
    if (!res.destroyed) reply(res, answer.ok ? 200 : answer.error_code, answer);
  }

  private async answer(call: ApiCall): Promise<Json> {
    const chat = call.payload.chat_id;
    for (const entry of this.rules) {
      const r = entry.rule;
      if (
        entry.left <= 0 ||
        (r.method && r.method !== call.method) ||
        (r.chatId !== undefined && String(r.chatId) !== String(chat)) ||
        (r.when && !r.when(call))
      )
        continue;
      entry.left--;
      if ("delayMs" in r) {
        await new Promise((resolve) => setTimeout(resolve, r.delayMs));
        continue;
      }
      const parameters = r.retryAfter === undefined ? undefined : { retry_after: r.retryAfter };
      return {
        ok: false,
        error_code: r.code,
        description: r.description ?? errorDescription(r.code, r.retryAfter),
        parameters,
      };
    }
    const handler = this.handlers[call.method];
    if (!handler) return { ok: false, error_code: 404, description: "Not Found: method not found" };
    try {
      return { ok: true, result: await handler(call.payload, call) };
    } catch (err) {
      if (err instanceof BadRequest) return { ok: false, error_code: 400, description: err.message };
      throw err;
    }
  }

  private readonly handlers: Record<string, HandlerFn> = {
    getMe: () => ({
      ...this.bot,
      can_join_groups: true,
      can_read_all_group_messages: false,
      supports_inline_queries: true,
    }),
    getUpdates: (p) => this.getUpdates(p),
    deleteWebhook: () => true,
    setWebhook: () => true,
    setMyCommands: () => true,
    sendMessage: (p) => {
      const text = visibleText(p.text, p.parse_mode, 4096, "message");
      checkKeyboard(p.reply_markup);
      this.chats.checkThread(p.chat_id, p.message_thread_id);
      return this.store({ chat: this.chatOf(p.chat_id), text, reply_markup: p.reply_markup, ...thread(p) });
    },
    sendPhoto: (p, call) => {
      const caption = visibleText(p.caption, p.parse_mode, 1024, "caption");
      checkKeyboard(p.reply_markup);
      this.chats.checkThread(p.chat_id, p.message_thread_id);
      return this.store({
        chat: this.chatOf(p.chat_id),
        caption,
        photo: this.photo(p.photo, call),
        reply_markup: p.reply_markup,
        ...thread(p),
      });
    },
    editMessageText: (p) => this.edit(p),
    answerCallbackQuery: (p) => {
      if (String(p.text ?? "").length > 200) throw new BadRequest("MESSAGE_TOO_LONG");
      return true;
    },
    answerInlineQuery: (p) => (checkInlineAnswer(p), true),
    getChatMember: (p) => this.chats.getChatMember(p),
    getChat: (p) => this.chats.getChat(p),
  };

  private async getUpdates(p: Json): Promise<Json[]> {
    const offset = Number(p.offset ?? 0);
    if (offset > 0) {
      this.acknowledged = Math.max(this.acknowledged, offset - 1);
      while (this.updates.length > 0 && this.updates[0]!.update_id < offset) this.updates.shift();
    }
    if (this.updates.length === 0 && !this.closed) {
      const holdMs = Math.min(Number(p.timeout ?? 0) * 1000, this.options.maxPollMs ?? 30_000);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, holdMs);
        this.waiters.add(() => (clearTimeout(timer), resolve()));
      });
    }
    return this.updates.slice(0, Number(p.limit ?? 100));
  }

  private chatOf(chatId: unknown): Json {
    return this.chats.channel(chatId) ?? chatFor(chatId);
  }

  private photo(photo: unknown, call: ApiCall): Json[] {
    const attached = /^attach:\/\/(\w+)$/.exec(String(photo))?.[1];
    let fileId = String(photo);
    if (attached) {
      if (!call.files[attached]?.bytes.length) throw new BadRequest("file must be non-empty");
      fileId = `photo-${this.fileIds.size + 1}-${call.files[attached].bytes.length}b`;
      this.fileIds.add(fileId);
    } else if (!this.fileIds.has(fileId)) {
      throw new BadRequest("wrong file identifier/HTTP URL specified");
    }
    return [{ file_id: fileId, file_unique_id: `u-${fileId}`, width: 1280, height: 720 }];
  }

  private store(fields: Json): Json {
    const message: Json = {
      message_id: this.nextMessageId++,
      date: Math.floor(Date.now() / 1000),
      from: this.bot,
      ...fields,
    };
    if (!message.reply_markup) delete message.reply_markup;
    this.messages.set(`${fields.chat.id}:${message.message_id}`, message);
    return message;
  }

  private edit(p: Json): Json {
    const key = `${p.chat_id}:${p.message_id}`;
    const old = this.messages.get(key);
    if (!old) throw new BadRequest("message to edit not found");
    const text = visibleText(p.text, p.parse_mode, 4096, "message");
    checkKeyboard(p.reply_markup);
    if (old.text === text && JSON.stringify(old.reply_markup) === JSON.stringify(p.reply_markup)) {
      throw new BadRequest(
        "message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message",
      );
    }
    const edited = { ...old, text, reply_markup: p.reply_markup, edit_date: Math.floor(Date.now() / 1000) };
    this.messages.set(key, edited);
    return edited;
  }
}

/** The topic fields of a message sent with `message_thread_id`. */
function thread(p: Json): Json {
  return p.message_thread_id === undefined
    ? {}
    : { message_thread_id: Number(p.message_thread_id), is_topic_message: true };
}
