/**
 * Child process of sqlite-open-race.test.ts: at each agreed moment, open a
 * brand-new database file (that the other processes open at the same
 * moment) and print one line per round: `ok` or the error.
 */
import { openSqliteStore } from "../../src/store/sqlite.ts";

const [dir, startAt, rounds, gapMs] = [
  process.argv[2]!,
  Number(process.argv[3]),
  Number(process.argv[4]),
  Number(process.argv[5]),
];
for (let round = 0; round < rounds; round++) {
  while (Date.now() < startAt + round * gapMs) {
    // Spin rather than sleep: every process must reach the open within the same millisecond or so.
  }
  try {
    const store = await openSqliteStore(`${dir}/race-${round}.sqlite`);
    await store.close();
    process.stdout.write("ok\n");
  } catch (err) {
    // The message and where in the store it was thrown, so a failure says which step raced.
    process.stdout.write(
      `${(err as Error).message} ${
        (err as Error).stack
          ?.split("\n")
          .find((l) => l.includes("sqlite.ts"))
          ?.trim() ?? ""
      }\n`,
    );
  }
}
