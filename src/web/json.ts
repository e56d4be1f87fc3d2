/** JSON answers (JSON Feed, the web API) that no browser or filter can take for markup. */

/**
 * `value` as JSON with `<`, `>`, `&` and the two JavaScript line breaks as
 * \u escapes: the same data to any JSON parser, but a title such as
 * `</script><script>…` has no byte that reads as markup to anything that sniffs.
 */
export function safeJson(value: unknown): string {
  return `${JSON.stringify(value, null, 1).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`)}\n`;
}
