import Database from "better-sqlite3";
import { migrations } from "./migrations.ts";
import { migrate } from "./sqlite.ts";

/** One row of `sqlite_schema`, its statement with runs of white space made one space. */
interface Entry {
  type: string;
  name: string;
  table: string;
  sql: string | null;
}

/** A schema by "type name": `table kv`, `index deliveries_by_day`, `trigger …`. */
type Schema = Map<string, Entry>;

function schemaOf(db: Database.Database): Schema {
  const rows = db.prepare('SELECT type, name, tbl_name AS "table", sql FROM sqlite_schema').all() as Entry[];
  return new Map(rows.map((r) => [`${r.type} ${r.name}`, { ...r, sql: r.sql?.replace(/\s+/g, " ").trim() ?? null }]));
}

/** The schema the migrations up to `count` make, and what `extra` statements add to it. */
function expected(count: number, extra: readonly string[]): { schema: Schema; optional: Set<string> } {
  const db = new Database(":memory:");
  try {
    migrate(db, migrations.slice(0, count));
    const base = schemaOf(db);
    for (const sql of extra) db.exec(sql);
    const schema = schemaOf(db);
    return { schema, optional: new Set([...schema.keys()].filter((key) => !base.has(key))) };
  } finally {
    db.close();
  }
}

/** What `actual` has that `wanted` does not, has otherwise, or lacks (`optional` entries may be absent). */
function differences(
  actual: Schema,
  { schema: wanted, optional }: { schema: Schema; optional: Set<string> },
): string[] {
  const found: string[] = [];
  for (const [key, entry] of actual) {
    const want = wanted.get(key);
    if (!want)
      found.push(
        `unexpected ${key}${entry.type === "table" || entry.table === entry.name ? "" : ` on ${entry.table}`}`,
      );
    else if (want.sql !== entry.sql || want.table !== entry.table)
      found.push(`${key} is not the bot's (${entry.sql ?? "no statement"})`);
  }
  for (const key of wanted.keys()) if (!actual.has(key) && !optional.has(key)) found.push(`${key} is missing`);
  return found;
}

/**
 * Why the open database `db` is not an article-bot database as some version
 * of the bot left it, or undefined when it is: its schema must be exactly
 * what the migrations up to one version make (an older version's database
 * is migrated by the bot when it opens it), statement for statement — no
 * trigger, view, index or table of anyone else's, no table defined
 * otherwise — and `schema_migrations` must record exactly those versions.
 * `extra`: statements whose tables (and their indexes) may be there too,
 * e.g. the backup's own table. Reads `sqlite_schema` only until the schema
 * matches, so nothing a hostile database defines is ever run.
 */
export function schemaProblem(db: Database.Database, extra: readonly string[] = []): string | undefined {
  const actual = schemaOf(db);
  let closest: string[] | undefined;
  for (let count = migrations.length; count >= 1; count--) {
    const found = differences(actual, expected(count, extra));
    if (found.length === 0) {
      const versions = (
        db.prepare("SELECT version FROM schema_migrations ORDER BY version").all() as Array<{ version: number }>
      ).map((r) => r.version);
      const applied = migrations.slice(0, count).map((m) => m.version);
      if (versions.join() === applied.join()) return undefined;
      return `schema_migrations records versions ${versions.join(",")}, but the tables are those of version ${applied.at(-1)}`;
    }
    if (!closest || found.length < closest.length) closest = found;
  }
  return closest!.join("; ");
}
