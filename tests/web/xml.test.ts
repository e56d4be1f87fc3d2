import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { xmlEscape } from "../../src/web/xml.ts";
import { parseXml } from "./feed-reader.ts";

/** What XML 1.0 allows in a document (§2.2 Char). */
const XML_CHAR = /^[\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]*$/u;

describe("xmlEscape, the feeds' one escaping function", () => {
  it("writes markup characters as entities", () => {
    expect(xmlEscape(`<script>alert("x")</script> & 'y'`)).toBe(
      "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &apos;y&apos;",
    );
    expect(xmlEscape("]]><![CDATA[")).toBe("]]&gt;&lt;![CDATA[");
  });

  it("drops the characters XML forbids, which would make a reader reject the whole feed, and keeps every other", () => {
    expect(xmlEscape("a\u0000b\u0008c\u000Bd\u001Fe\uFFFEf\uD800g")).toBe("abcdefg");
    expect(xmlEscape("墨荷\t\r\n😀")).toBe("墨荷&#9;&#13;&#10;😀");
  });

  it("round-trips any text through an element and an attribute, minus only the forbidden characters", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 40 }), (text) => {
        const doc = parseXml(`<?xml version="1.0"?><t a="${xmlEscape(text)}">${xmlEscape(text)}</t>`);
        const kept = [...text].filter((c) => XML_CHAR.test(c)).join("");
        expect(XML_CHAR.test(xmlEscape(text))).toBe(true);
        const element = typeof doc.t === "string" ? doc.t : (doc.t["#text"] ?? "");
        const attribute = typeof doc.t === "string" ? "" : (doc.t["@a"] ?? "");
        expect([element, attribute]).toEqual([kept, kept]);
      }),
      { numRuns: 300 },
    );
  });
});
