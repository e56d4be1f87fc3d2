/**
 * The one escaping function of the feeds (Atom, RSS, OPML). Titles and
 * summaries are untrusted text: `<`, `&` and quotes are written as entities,
 * so a title is shown as a title and never parsed as markup; characters XML
 * 1.0 forbids (most control characters, lone surrogates) are dropped, since
 * one of them would make a reader reject the whole feed.
 */

/** Characters that may not appear in an XML 1.0 document, even as references. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this removes
const NOT_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

const ENTITIES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&apos;" };

/** `text` safe inside an element or a quoted attribute. */
export function xmlEscape(text: string): string {
  return text.replace(NOT_XML, "").replace(/[&<>"']/g, (c) => ENTITIES[c]!);
}
