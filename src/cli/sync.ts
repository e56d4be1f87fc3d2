import { commandLogLevel, dataDirOf, loadSyncEnv } from "../config.ts";
import { ConfigError } from "../env.ts";
import { createLogger } from "../log.ts";
import { processSecrets } from "./platforms.ts";
import { formatSyncReport } from "../sync/report.ts";
import { syncLibrary, SyncUsageError } from "../sync/sync.ts";
import { parseCommand } from "./args.ts";
import { defaultOutDir } from "./import.ts";
import { importingLine, terminalProgress } from "./progress.ts";
import type { OnProgress } from "../util/progress.ts";
import { messageOf } from "../util/errors.ts";

const USAGE = `usage: article-bot sync [--repo <git url>] [--branch B] [--root gzh] [--account NAME]… [--data <dir>] [--prune]

Brings the library up to date with a 小懒 backup repository: fetches what changed
since the last sync (a partial, sparse clone in <DATA_DIR>/.sync/) and imports
the new and changed backups into <articles>/<account>/.
  --repo <url>       git URL or local path of the repository (default $SYNC_REPO)
  --branch <name>    branch (default $SYNC_BRANCH or master)
  --root <folder>    folder holding <account>.md and backup/ (default $SYNC_ROOT or gzh)
  --account <name>   an account to sync; repeat for several (default $SYNC_ACCOUNTS,
                     comma-separated; none: every account in the repository)
  --prune            remove articles whose backup left the repository (default: they stay)
  --data <dir>       data directory (must exist): the articles go to its article directory,
                     the clone to <dir>/.sync/ (default $DATA_DIR or ./data)
  -h, --help         this help
exit codes: 0 synced or already up to date, 1 failed (the library is unchanged), 2 usage`;

/** `article-bot sync`: one sync, its report on stdout. */
export async function run(args: string[]): Promise<number> {
  let values: ReturnType<typeof parse>["values"];
  let sync: ReturnType<typeof loadSyncEnv>;
  try {
    const parsed = parse(args);
    values = parsed.values;
    if (parsed.positionals.length > 0) throw new Error(`unexpected argument: ${parsed.positionals[0]}`);
    sync = loadSyncEnv(process.env);
  } catch (err) {
    const message = err instanceof ConfigError ? err.message : messageOf(err);
    process.stderr.write(`${message}\n\n${USAGE}\n`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const dataDir = dataDirOf(process.env, values.data);
  const log = createLogger({ level: commandLogLevel(process.env), secrets: processSecrets() });
  try {
    const report = await syncLibrary({
      repo: values.repo ?? sync.repo ?? "",
      branch: values.branch ?? sync.branch,
      root: values.root ?? sync.root,
      accounts: values.account?.length ? values.account : sync.accounts,
      dataDir,
      articlesDir: defaultOutDir(dataDir),
      prune: values.prune,
      log,
      onProgress: perAccount(),
    });
    (report.status === "failed" ? process.stderr : process.stdout).write(formatSyncReport(report));
    return report.status === "failed" ? 1 : 0;
  } catch (err) {
    if (!(err instanceof SyncUsageError)) throw err;
    process.stderr.write(`article-bot sync: ${err.message}\n\n${USAGE}\n`);
    return 2;
  }
}

/** Each account's import on stderr, one progress line after another. */
function perAccount(): (account: string, done: number, total: number) => void {
  let current: { account: string; progress: OnProgress } | undefined;
  return (account, done, total) => {
    if (current?.account !== account)
      current = { account, progress: terminalProgress(process.stderr, importingLine(account)) };
    current.progress(done, total);
  };
}

function parse(args: string[]) {
  return parseCommand(args, {
    repo: { type: "string" },
    branch: { type: "string" },
    root: { type: "string" },
    account: { type: "string", multiple: true },
    prune: { type: "boolean" },
  });
}
