/**
 * The one escaping function of the feeds (Atom, RSS, OPML). Titles and
 * summaries are untrusted text: `<`, `&` and quotes are written as entities,
 * so a title is shown as a title and never parsed as markup; characters XML
 * 1.0 forbids (most control characters, lone surrogates) are dropped, since
 * one of them would make a reader reject the whole feed; every other
 * character comes back out of an XML parser as it went in.
 */

/** Characters that may not appear in an XML 1.0 document, even as references. */
const NOT_XML =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this removes
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

// Line breaks and tabs as references: a parser turns them into spaces in an attribute, and a bare \r into \n anywhere.
const ENTITIES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&apos;",
  "\t": "&#9;",
  "\n": "&#10;",
  "\r": "&#13;",
};

/** `text` safe inside an element or a quoted attribute. */
export function xmlEscape(text: string): string {
  return text.replace(NOT_XML, "").replace(/[&<>"'\t\n\r]/g, (c) => ENTITIES[c]!);
}
