import { expect } from "vitest";
import { renderPlain } from "../../adapters/console/render.ts";
import type { Core } from "../../src/bot/core.ts";
import type { Incoming } from "../../src/chat/message.ts";
import { dm } from "./bot.ts";

/**
 * A chat with the core as its reader sees it in the terminal: each reply
 * rendered as plain text (the console adapter's renderer), so a spec reads
 * as a dialogue:
 *
 * ```ts
 * const chat = dialogue(bot);
 * await chat.shouldReply("最新", /^最新的 3 篇文章：/);
 * await chat.shouldReply("?订阅", t.groupAdminOnly);
 * ```
 */
export function dialogue(core: Core, from: Partial<Incoming> = {}) {
  /** What the reader sees after sending `text`: one string per reply. */
  const say = async (text: string, extra: Partial<Incoming> = {}): Promise<string[]> =>
    (await core.handle(dm(text, { ...from, ...extra }))).map(renderPlain);
  return {
    say,
    /** Send `text` and expect exactly these replies: a string is the whole reply, a RegExp matches it; none expects silence. */
    async shouldReply(text: string, ...expected: Array<string | RegExp>): Promise<void> {
      expect(await say(text)).toEqual(expected.map((e) => (typeof e === "string" ? e : expect.stringMatching(e))));
    },
  };
}
