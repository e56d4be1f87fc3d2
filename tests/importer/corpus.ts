/**
 * Paths of the real 小懒 sample (public articles of 槽边往事, copied under
 * tests/fixtures so a fresh clone tests with nothing beside it) and of this
 * suite's own hand-made fixtures.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

export const FIXTURES = fileURLToPath(new URL("../fixtures/importer/", import.meta.url));
/** The real sample: 43 backups and their list page, as 小懒 exported them. */
export const CORPUS = `${FIXTURES}corpus/`;
export const BACKUP_DIR = `${CORPUS}槽边往事`;
export const LIST_PAGE = `${CORPUS}槽边往事.md`;

/** The text of one real backup, by title. */
export function backup(title: string): string {
  return readFileSync(`${BACKUP_DIR}/${title}.md`, "utf8");
}
