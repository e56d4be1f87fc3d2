/**
 * Splitting an article file into YAML front matter and body. Article files
 * are untrusted input: gray-matter picks a parser from the opener
 * (`---js`, `--- coffee`, …) and its JavaScript engine runs the block with
 * `eval`, so only a bare `---` opener and YAML are ever accepted.
 */
import matter from "gray-matter";
import yaml from "js-yaml";

/** A file whose front matter this module refuses to parse; `message` says why, for the skip line. */
export class FrontMatterError extends Error {}

function refuse(): never {
  throw new FrontMatterError('front matter must open with a bare "---" and be YAML');
}

/**
 * YAML without implicit timestamps: js-yaml would turn `2024-13-45` into
 * 2025-02-14 silently, so dates stay strings and the schema checks them.
 * Every other engine gray-matter knows (its defaults are merged back in
 * whatever we pass) is replaced by one that refuses, in case a future
 * gray-matter reads the language differently from the check below.
 * (Passing options also stops gray-matter from caching every file's text.)
 */
const MATTER_OPTIONS = {
  language: "yaml",
  engines: {
    yaml: (s: string) => yaml.load(s, { schema: yaml.CORE_SCHEMA }) as object,
    yml: refuse,
    json: refuse,
    javascript: refuse,
    js: refuse,
    coffee: refuse,
    coffeescript: refuse,
    cson: refuse,
    toml: refuse,
  },
};

/** A line `---` followed by anything but spaces: gray-matter would read the rest as a language name. */
const OTHER_OPENER = /^\ufeff?---[^\S\r\n]*[^\s-]/;

/**
 * Front matter (`data`, `{}` when the file has none) and the body.
 * Throws `FrontMatterError` for another opener, js-yaml's error for bad YAML.
 */
export function parseFrontMatter(text: string): { data: Record<string, unknown>; content: string } {
  if (OTHER_OPENER.test(text)) refuse();
  const parsed = matter(text, MATTER_OPTIONS);
  return { data: parsed.data, content: parsed.content };
}
