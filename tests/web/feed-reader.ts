/** Reading feeds as a feed reader does: the XML must be well formed, and entities are decoded. */
import { parse, validate } from "fast-xml-parser";

const NAMED: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };

/** XML character and entity references decoded (fast-xml-parser 3 leaves them as written). */
function decode(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, ref: string) => {
    if (ref[0] === "#")
      return String.fromCodePoint(
        ref[1] === "x" || ref[1] === "X" ? Number.parseInt(ref.slice(2), 16) : Number(ref.slice(1)),
      );
    return NAMED[ref] ?? whole;
  });
}

/** A parsed XML document (attributes as `@name`, text as `#text`); throws when it is not well formed. */
export function parseXml(text: string): any {
  const valid = validate(text);
  if (valid !== true) throw new Error(`not well-formed XML: ${JSON.stringify(valid.err)}\n${text}`);
  return parse(text, {
    ignoreAttributes: false,
    attributeNamePrefix: "@",
    parseNodeValue: false,
    parseAttributeValue: false,
    trimValues: false,
    tagValueProcessor: decode,
    attrValueProcessor: decode,
  });
}

/** One element or several, as a list. */
export function all<T>(value: T | T[] | undefined): T[] {
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
}
