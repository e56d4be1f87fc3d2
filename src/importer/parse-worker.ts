/**
 * The thread that reads and parses backups for {@link BackupParser}: a
 * 5 MB backup takes hundreds of milliseconds of regular expressions, which
 * on the main thread would stall the chats and /healthz meanwhile.
 */
import { parentPort } from "node:worker_threads";
import { parseBackup } from "./parse-backup.ts";
import { readBackup } from "./read-backup.ts";
import type { ParseOutcome, ParseRequest } from "./backup-parser.ts";

parentPort!.on("message", async ({ file, fallbackTitle }: ParseRequest) => {
  const read = await readBackup(file);
  let outcome: ParseOutcome;
  if ("text" in read) outcome = { parsed: parseBackup(read.text, fallbackTitle) };
  else
    outcome = read.lasting
      ? { failure: read.problem }
      : { parsed: { title: fallbackTitle, body: "", problem: read.problem } };
  parentPort!.postMessage(outcome);
});
