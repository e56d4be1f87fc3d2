import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { cleanBody, fixDashes, fixUrl } from "../../src/importer/clean-body.ts";
import { parseBackup } from "../../src/importer/parse-backup.ts";
import { BACKUP_DIR, FIXTURES, backup } from "./corpus.ts";

const BOILERPLATE = [
  "题图标题",
  "禅定时刻",
  "南派三叔",
  "专营店",
  "小懒自动备份",
  "懒人搜索",
  "返回列表页",
  "请你相信我",
  "【微信号】",
  "出品",
  "Prompt",
];

describe("parseBackup on 独一无二 (the seed article)", () => {
  const p = parseBackup(backup("独一无二"));

  it("takes title, cover and author", () => {
    expect(p.problem).toBeUndefined();
    expect(p.title).toBe("独一无二");
    expect(p.cover).toBe(
      "https://mmbiz.qpic.cn/mmbiz_jpg/Ia6gU9JNtkoVXlbpUQjmL63icdUYQI38GtkwkMA0qIbllmJByo9c5qMJ9icJWic5UEoqTLSj6Q81Ag3SIDxjicDjhA/640?wx_fmt=jpeg&from=appmsg",
    );
    expect(p.author).toBe("和菜头");
  });

  it("reads the 禅定时刻 image with repaired URL and credits", () => {
    expect(p.zen).toEqual({
      title: "墨荷",
      image:
        "https://mmbiz.qpic.cn/mmbiz_jpg/Ia6gU9JNtkoVXlbpUQjmL63icdUYQI38GxxeibTBq7EMxUibCcKeicW7MlRdo4ichzEEJnhz12nWvVnvicQtiaNFblk8w/640?wx_fmt=jpeg&from=appmsg",
      creator: "和菜头的小肉手",
      model: "Midjourney V6",
    });
    expect(p.zen!.image).not.toContain("from;=");
  });

  it("keeps the article text and nothing of the backup's frame", () => {
    expect(p.body.startsWith("大家都喜欢看视频")).toBe(true);
    expect(p.body).toContain("为什么人类有了照相机还要绘画");
    expect(p.body.trimEnd().endsWith("那么我希望今天这两段视频你能够喜欢。")).toBe(true);
    for (const word of BOILERPLATE) expect(p.body).not.toContain(word);
    expect(p.body).not.toContain("![](");
  });

  it("turns the converter's `---` back into Chinese dashes and unwraps lines", () => {
    expect(p.body).not.toMatch(/-{2,}/);
    expect(p.body).toContain("各家模型有何优劣——也就是大部分公众根本不感兴趣的那一部分");
    expect(p.body).toContain("供创作者从中挑选——这就是上述方法所做不到的事情");
    expect(p.body).toContain("自身独特的价值——拓宽了人们的感知范围");
    expect(p.body).toContain("第一段视频来自James Gerde，");
  });
});

describe("parseBackup on other real backups", () => {
  it("AI所画不出来的: cover glued to the text, inline image kept with a fixed URL", () => {
    const p = parseBackup(backup("AI所画不出来的"));
    expect(p.body.startsWith("虽然以下的话我已经在朋友圈写过一次")).toBe(true);
    expect(p.body).toContain(
      "![](https://mmbiz.qpic.cn/mmbiz_jpg/Ia6gU9JNtkoepe60aUia0piaFoGE8GlsjdMGbTcd1vWr1VubMA74VXTiaEaHHYI4MgQp5DM7rAKgrDVanvia8KOYtg/640?wx_fmt=jpeg&from=appmsg)",
    );
    expect(p.zen).toMatchObject({ title: "女孩儿", creator: "和菜头的小肉手", model: "Midjourney V6" });
  });

  it("预测之书: compressed footer, author split across a wrapped line, noisy zen title", () => {
    const p = parseBackup(backup("预测之书：通往未来的门票"));
    expect(p.title).toBe("预测之书：通往未来的门票");
    expect(p.author).toBe("和菜头");
    expect(p.zen).toMatchObject({ title: "拈花指", model: "Midjourney V6.1" });
    expect(p.body.trimEnd().endsWith("除非你活在此刻，心神却永远活在别处。")).toBe(true);
    expect(p.body).toContain("所以这篇文章长达 5000 字");
  });

  it("在和菜头的激励下: the zen title is the one after the image, not the text piece before it", () => {
    const p = parseBackup(backup("在和菜头的激励下"));
    expect(p.zen).toMatchObject({ title: "阿甘，为你自己跑起来", creator: "和菜头的小肉手", model: "Midjourney V6" });
    expect(p.body).not.toContain("毒舌");
    expect(p.body.trimEnd().endsWith("但阿甘是个傻子。")).toBe(true);
  });

  it("闲坐话土豆 and 无尽音响梦: odd zen credits", () => {
    expect(parseBackup(backup("闲坐话土豆")).zen?.title).toBe("Here We Stand Alone Together");
    expect(parseBackup(backup("无尽音响梦")).zen).toMatchObject({
      title: "朋友家的樱花",
      creator: "由聚会中的某位朋友拍摄",
      model: "手机摄影",
    });
  });

  it("monthly digests: list kept as a tight list, ads after the footer dropped", () => {
    const aug = parseBackup(backup("2024年8月文章一览"));
    expect(aug.body).toMatch(/^1\. \[2024年7月文章一览\]\(http[^)]+\)\n2\. \[路人甲的高光时刻\]/m);
    expect(aug.body).toContain("《这就是咱北京》，和《我的北京——一个外地逼的亲历》");
    expect(aug.body).not.toContain("月饼");
    const dec = parseBackup(backup("2024 年 12 月文章一览"));
    expect(dec.zen).toBeUndefined();
    expect(dec.cover).toMatch(/wx_fmt=png&from=appmsg$/);
    expect(dec.body.trimEnd().endsWith("祝你新年快乐！")).toBe(true);
  });

  it("flags placeholders and near-empty backups instead of failing", () => {
    expect(parseBackup(backup("给陈桐玥同学的回信")).problem).toMatch(/placeholder "None"/);
    expect(parseBackup(backup("微信红包封面汇总（1）")).problem).toMatch(/too short/);
    expect(parseBackup("", "empty").problem).toMatch(/empty/);
    expect(parseBackup("\u0000\u0001garbage", "bin").problem).toBeDefined();
  });

  it("leaves no frame, rule-like dashes or broken URLs in any real backup", () => {
    for (const file of readdirSync(BACKUP_DIR)) {
      const p = parseBackup(readFileSync(`${BACKUP_DIR}/${file}`, "utf8"));
      if (p.problem) continue;
      for (const word of BOILERPLATE) expect(p.body, `${file}: ${word}`).not.toContain(word);
      expect(p.body, file).not.toMatch(/^\s*[-*_]{3,}\s*$/m);
      expect(p.body, file).not.toMatch(/-{2,}/);
      for (const url of [p.cover, p.zen?.image, ...Array.from(p.body.matchAll(/\]\(([^)]*)\)/g), (m) => m[1])]) {
        expect(url ?? "", file).not.toMatch(/;[=_]/);
      }
    }
  });
});

describe("synthetic backup", () => {
  const p = parseBackup(readFileSync(`${FIXTURES}backups/quoting.md`, "utf8"));

  it("parses every part", () => {
    expect(p.title).toBe(`说 "再见": 《告别》的 'YAML' 测试`);
    expect(p.cover).toBe("https://mmbiz.qpic.cn/mmbiz_png/abc/640?wx_fmt=png&from=appmsg");
    expect(p.author).toBe("测试者");
    expect(p.zen).toEqual({
      title: "合成",
      image: "https://mmbiz.qpic.cn/mmbiz_jpg/zen/640?wx_fmt=jpeg&from=appmsg",
      creator: "测试者",
      model: "Midjourney V6.1",
    });
    expect(p.body).toContain("不会被当成占位内容跳过——所以这里再多写几句。");
    expect(p.body).toContain("Markdown line wrapping joins English words with a space.");
    expect(p.body).not.toContain("广告");
  });

  it("uses the file name when there is no heading", () => {
    expect(parseBackup("没有标题的备份。".repeat(10), "文件名").title).toBe("文件名");
  });
});

describe("clean-body helpers", () => {
  it("fixUrl repairs the converter's entity damage generally", () => {
    expect(fixUrl("https://x/a?wx;_fmt=gif&from;=appmsg&amp;tp=webp&wx;_lazy=1")).toBe(
      "https://x/a?wx_fmt=gif&from=appmsg&tp=webp&wx_lazy=1",
    );
  });

  it("fixDashes handles escaped and glued runs", () => {
    expect(fixDashes("甲---乙")).toBe("甲——乙");
    expect(fixDashes("**\\---为什么？**")).toBe("**——为什么？**");
    expect(fixDashes("甲 -- 乙")).toBe("甲——乙");
    expect(fixDashes("a-b")).toBe("a-b");
  });

  it("cleanBody joins a dash split over lines and keeps URLs intact", () => {
    expect(cleanBody("存在\n--卡车司机")).toBe("存在——卡车司机");
    expect(cleanBody("甲\\-\n--乙")).toBe("甲——乙");
    expect(cleanBody("[a--b](https://x/a--b)")).toBe("[a——b](https://x/a--b)");
    expect(cleanBody("见 _https://mp.weixin.qq.com/s?__biz=MjM5==\n&mid=1_ 。")).toBe(
      "见 _https://mp.weixin.qq.com/s?__biz=MjM5==&mid=1_ 。",
    );
  });
});
