import { inSteps, type OnProgress } from "../util/progress.ts";

/** Where a progress line is drawn: stderr, so that it never mixes with what a command prints on stdout. */
export interface ProgressOutput {
  write(text: string): unknown;
  isTTY?: boolean;
}

/** What a progress line says at `done` of `total`. */
export type ProgressLine = (done: number, total: number) => string;

const counted = new Intl.NumberFormat("en-US");
const of = (done: number, total: number) => `${counted.format(done)}/${counted.format(total)}`;

/** The line of an index build: 正在建立索引 3,200/10,754… */
export const indexingLine: ProgressLine = (done, total) =>
  done < total ? `正在建立索引 ${of(done, total)}…` : `索引已建立：${counted.format(total)} 篇`;

/** The line of one account's import during a sync. */
export const importingLine =
  (account: string): ProgressLine =>
  (done, total) =>
    done < total
      ? `正在导入「${account}」 ${of(done, total)}…`
      : `「${account}」已处理 ${counted.format(total)} 篇备份`;

/**
 * One job's progress on the terminal. On a TTY, one line redrawn in place
 * at every report and erased at the end, so what the command prints next
 * starts on a clean line; elsewhere (a log file, a pipe) a plain line at
 * the start and at every quarter, not a hundred redraws.
 */
export function terminalProgress(out: ProgressOutput, line: ProgressLine): OnProgress {
  if (!out.isTTY) return inSteps(4, (done, total) => void out.write(`${line(done, total)}\n`));
  return (done, total) => void out.write(done < total ? `\r${line(done, total)}\x1b[K` : "\r\x1b[K");
}
