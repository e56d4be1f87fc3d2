import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { SendError } from "../../../src/chat/sender.ts";
import { t } from "../../../src/bot/strings.ts";
import { wechatHarness, ZEN_IMAGE, ZEN_IMAGE_PATH } from "./harness.ts";

type Harness = Awaited<ReturnType<typeof wechatHarness>>;

describe("the WeChat push sender", () => {
  let h: Harness;
  beforeEach(async () => {
    h = await wechatHarness({ adminIds: [] });
  });
  afterEach(async () => {
    await h.cleanup();
  });

  it("delivers the 禅定 push to a room without @mentioning anyone", async () => {
    const url = `${h.images.url}${ZEN_IMAGE_PATH}?wx_fmt=jpeg`;
    await h.adapter.sender.send(h.room.id, {
      kind: "image",
      url,
      caption: t.zenCaption("墨荷"),
      article: { title: "墨荷与照相机" },
    });
    const [caption, image] = h.to(h.room.id);
    expect(caption).toMatchObject({
      kind: "text",
      text: `${t.zenCaption("墨荷")}\n${t.zenFrom("墨荷与照相机")}`,
      mentionIds: undefined,
    });
    expect(await image!.file!.toBuffer()).toEqual(ZEN_IMAGE);
  });

  it("delivers to a private chat", async () => {
    await h.adapter.sender.send(h.contacts.alice.id, { kind: "text", text: "早上好" });
    expect(h.to(h.contacts.alice.id).map((s) => s.text)).toEqual(["早上好"]);
  });

  it("reports a room the bot was removed from as gone", async () => {
    h.room.remove(h.contacts.self).by(h.contacts.bob);
    await h.puppet.roomPayloadDirty(h.room.id);
    await expect(h.adapter.sender.send(h.room.id, { kind: "text", text: "早上好" })).rejects.toMatchObject({
      failure: "gone",
      message: expect.stringContaining("no longer a member"),
    });
    expect(h.to(h.room.id)).toHaveLength(0);
  });

  it("reports a room or contact WeChat does not know as gone", async () => {
    for (const chatId of ["12345@chatroom", "wxid_nobody"]) {
      const error = await h.adapter.sender.send(chatId, { kind: "text", text: "早上好" }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(SendError);
      expect(error).toMatchObject({ failure: "gone" });
    }
  });

  it("reports a push as unsent while logged out: nothing left, so the push may try again later", async () => {
    await h.puppet.logout();
    await expect(h.adapter.sender.send(h.room.id, { kind: "text", text: "早上好" })).rejects.toMatchObject({
      failure: "unsent",
    });
  });
});
