/**
 * Paths of the real 小懒 sample shared beside the repository (`../shared`
 * in a CI clone) and of this suite's own fixtures.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

/** /…/shared/corpus: the sample is not copied into the repository. */
export const CORPUS = fileURLToPath(new URL("../../../shared/corpus/", import.meta.url));
export const BACKUP_DIR = `${CORPUS}槽边往事`;
export const LIST_PAGE = `${CORPUS}槽边往事.md`;
export const FIXTURES = fileURLToPath(new URL("../fixtures/importer/", import.meta.url));

/** The text of one real backup, by title. */
export function backup(title: string): string {
  return readFileSync(`${BACKUP_DIR}/${title}.md`, "utf8");
}
