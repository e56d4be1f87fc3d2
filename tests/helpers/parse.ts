import { parseEach, type ParseOptions } from "../../src/catalog/parse-pool.ts";
import type { ParsedForIndex } from "../../src/catalog/parse-job.ts";
import type { LoadProblem } from "../../src/library/load.ts";

/** Every result `parseEach` hands over, checking that they come in file order, each once. */
export async function parseAll(
  root: string,
  files: readonly string[],
  options: ParseOptions,
): Promise<Array<ParsedForIndex | LoadProblem>> {
  const results: Array<ParsedForIndex | LoadProblem> = [];
  await parseEach(
    root,
    files,
    (r, i) => {
      if (i !== results.length) throw new Error(`result ${i} handed over after ${results.length} others`);
      results.push(r);
    },
    options,
  );
  return results;
}
