import { describe, expect, it } from "vitest";
import { snapshotOf } from "../../src/catalog/live.ts";
import { zenReply } from "../../src/bot/zen-reply.ts";
import { textFallback } from "../../src/push/today.ts";
import { loadSnapshot } from "../helpers/bot.ts";
import { PUSH_LIBRARY } from "./helpers.ts";

/** The push of `day`: the image of the day with its 那年今日 line. */
const dailyPush = (snapshot: Parameters<typeof zenReply>[0], day: string) =>
  zenReply(snapshot, day, { onThisDay: true });

describe("the push of the day", () => {
  it("walks through the gallery day by day, the same for every instance", async () => {
    const snapshot = await loadSnapshot(PUSH_LIBRARY);
    const a = dailyPush(snapshot, "2026-11-25");
    const b = dailyPush(snapshot, "2026-11-26");
    expect(a?.url).not.toBe(b?.url);
    expect(dailyPush(await loadSnapshot(PUSH_LIBRARY), "2026-11-25")).toEqual(a);
  });

  it("has no 那年今日 line on a day without an older article", async () => {
    const push = dailyPush(await loadSnapshot(PUSH_LIBRARY), "2026-07-01");
    expect(push?.caption).toMatch(/^禅定时刻 ·《.+》$/);
  });

  it("is nothing when the library has no zen images", () => {
    expect(dailyPush(snapshotOf({ articles: [] }), "2026-11-25")).toBeUndefined();
  });

  it("falls back to plain text: caption, then where it comes from", () => {
    const text = textFallback({
      kind: "image",
      url: "https://mmbiz.qpic.cn/x",
      caption: "禅定时刻 ·《墨荷》",
      article: { title: "墨荷与照相机", url: "https://mp.weixin.qq.com/s/ink-lotus" },
    });
    expect(text).toEqual({
      kind: "text",
      text: "禅定时刻 ·《墨荷》\n出自《墨荷与照相机》 https://mp.weixin.qq.com/s/ink-lotus",
    });
  });
});
