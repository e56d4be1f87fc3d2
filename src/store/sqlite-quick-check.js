// Runs SQLite's quick_check on one database file in a process of its own
// (see quickCheck in sqlite-integrity.ts), so the check can be stopped at
// its time limit: a native SQLite call in progress cannot be interrupted
// from JavaScript. Plain JavaScript: no TypeScript loader to start. Waits
// for a lock as long as it takes — the time limit is its only deadline.
// Read-only: it changes nothing, and SQLite opening a file whose header is
// damaged read-write deletes the write-ahead log beside it, rows and all.
// Prints one JSON line: {"result": "ok" | what is damaged} or {"code", "message"}.
import Database from "better-sqlite3";

let answer;
try {
  const db = new Database(process.argv[2], { fileMustExist: true, readonly: true, timeout: 0x7fffffff });
  try {
    answer = { result: String(db.pragma("quick_check", { simple: true })) };
  } finally {
    db.close();
  }
} catch (err) {
  answer = { code: err.code, message: err.message };
}
process.stdout.write(`${JSON.stringify(answer)}\n`);
