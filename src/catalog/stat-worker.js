// Stats article files on a thread of its own (see stat-files.ts), so the
// main thread can meanwhile load what the first answer needs. Plain
// JavaScript: it needs no TypeScript loader, so it starts in milliseconds.
import { statSync } from "node:fs";
import { parentPort, workerData } from "node:worker_threads";

const { dir, names } = workerData;
const mtimeMs = new Float64Array(names.length);
// -1: the file vanished (or cannot be stat-ed).
const size = new Float64Array(names.length).fill(-1);
for (let i = 0; i < names.length; i++) {
  try {
    const info = statSync(`${dir}/${names[i]}`, { throwIfNoEntry: false });
    if (info) {
      mtimeMs[i] = info.mtimeMs;
      size[i] = info.size;
    }
  } catch {
    // Left at -1, like a vanished file.
  }
}
parentPort.postMessage({ mtimeMs, size }, [mtimeMs.buffer, size.buffer]);
