/**
 * Reading one backup, size first. A backup repository is not ours: one
 * 400 MB file read whole and parsed took the bot to 4.3 GB and out of
 * memory, at every restart. Backups get the limit of article files
 * (MAX_ARTICLE_BYTES), checked on the open file before a byte is read.
 */
import { open } from "node:fs/promises";
import { MAX_ARTICLE_BYTES } from "../library/load.ts";

/** The text of a backup, or why it was not read (`lasting`: reading it again would fail again). */
export type BackupText = { text: string } | { problem: string; lasting: boolean };

/** The reason a backup of `bytes` is refused. */
export function tooLarge(bytes: number): string {
  return `too large (${bytes} bytes; a backup may have at most ${MAX_ARTICLE_BYTES / 1024 / 1024} MB, like an article file)`;
}

/** Read `file` when it is at most {@link MAX_ARTICLE_BYTES} (a file that grows meanwhile is cut off there and refused). */
export async function readBackup(file: string): Promise<BackupText> {
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(file, "r");
  } catch (err) {
    return { problem: `cannot read: ${(err as Error).message}`, lasting: false };
  }
  try {
    const { size } = await handle.stat();
    if (size > MAX_ARTICLE_BYTES) return { problem: tooLarge(size), lasting: true };
    const buffer = Buffer.alloc(MAX_ARTICLE_BYTES + 1);
    let length = 0;
    for (;;) {
      const { bytesRead } = await handle.read(buffer, length, buffer.length - length, length);
      if (bytesRead === 0) break;
      length += bytesRead;
      if (length > MAX_ARTICLE_BYTES) return { problem: tooLarge(length), lasting: true };
    }
    return { text: buffer.toString("utf8", 0, length) };
  } catch (err) {
    return { problem: `cannot read: ${(err as Error).message}`, lasting: false };
  } finally {
    await handle.close();
  }
}
