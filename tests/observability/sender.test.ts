import { afterEach, describe, expect, it } from "vitest";
import { SendError } from "../../src/chat/sender.ts";
import { fakeSender, observedBot } from "./harness.ts";

let cleanup: (() => Promise<void>) | undefined;
afterEach(async () => {
  await cleanup?.();
  cleanup = undefined;
});

const zen = { kind: "image" as const, url: "https://img.example.com/zen.jpg", caption: "禅定时刻 ·《墨荷》" };

describe("push deliveries through an observed sender", () => {
  it("are delivered unchanged, logged one line each, counted, and shown as the last push", async () => {
    const made = await observedBot();
    cleanup = made.cleanup;
    const inner = fakeSender();
    const sender = made.observability.sender(inner);
    await sender.send("chat-1", zen);
    expect(inner.sent).toEqual([["chat-1", zen]]);
    expect(made.lines().filter((l) => l.msg === "push delivery")).toEqual([
      expect.objectContaining({ level: 30, platform: "test", chatId: "chat-1", kind: "image", outcome: "sent" }),
    ]);
    expect((await made.observability.metrics.render()).body).toContain(
      'article_bot_push_deliveries_total{platform="test",outcome="sent"} 1',
    );
    expect(made.observability.health.report().lastSuccessfulPush).toEqual({
      at: "2026-11-25T00:30:00.000Z",
      platform: "test",
      outcome: "sent",
    });
  });

  it("rethrow the platform's error as it was, and count it as a failed push and a platform error", async () => {
    const made = await observedBot();
    cleanup = made.cleanup;
    const inner = fakeSender();
    const error = new SendError("gone", "Forbidden: bot was blocked by the user");
    inner.failWith = error;
    await expect(made.observability.sender(inner).send("chat-2", zen)).rejects.toBe(error);
    const body = (await made.observability.metrics.render()).body;
    expect(body).toContain('article_bot_push_deliveries_total{platform="test",outcome="gone"} 1');
    expect(body).toContain('article_bot_platform_errors_total{platform="test",kind="send_gone"} 1');
    expect(made.lines().find((l) => l.msg === "push delivery failed")).toMatchObject({
      level: 40,
      outcome: "gone",
      chatId: "chat-2",
    });
    expect(made.observability.health.report()).toMatchObject({
      lastPush: { outcome: "gone" },
      lastSuccessfulPush: null,
    });
  });

  it("wrap each sender once, so the push sees the same sender on every run", async () => {
    const made = await observedBot();
    cleanup = made.cleanup;
    const inner = fakeSender();
    expect(made.observability.sender(inner)).toBe(made.observability.sender(inner));
  });
});
