import { describe, expect, it } from "vitest";
import { bodyTerms } from "../../src/search/terms.ts";

describe("the words a body keeps coming back to (keys)", () => {
  it("include a name jieba does not know, from the characters it leaves single side by side", () => {
    const body = ["猫弟今天又胖了。", "我给猫弟换了猫砂。", "晚上猫弟睡在我脚边。", "阳台上晾着衣服。"].join("\n\n");
    expect(bodyTerms(body).keys).toContain("猫弟");
  });

  it("leave out pairs of grammatical characters that recur everywhere", () => {
    const body = Array.from({ length: 6 }, () => "他说了我也就去了。天气预报说明天下雨。").join("\n\n");
    const keys = bodyTerms(body).keys;
    expect(keys).not.toContain("了我");
    expect(keys.indexOf("天气预报")).toBeGreaterThanOrEqual(0);
  });
});
