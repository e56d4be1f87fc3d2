import { loadConfig } from "../config.ts";
import { createLogger, noChattierThan, redactSecrets } from "../log.ts";
import { RecentLogs } from "../util/recent-logs.ts";
import { banner } from "../../adapters/console/banner.ts";
import { parseOrUsage } from "./args.ts";
import { configurePlatforms, errorLine, processSecrets } from "./platforms.ts";
import { indexingLine, terminalProgress } from "./progress.ts";
import { Shutdown } from "./shutdown.ts";
import { startBot, type Running } from "./start-bot.ts";

const USAGE = `usage: article-bot start [--data <dir>] [--new-database]

Runs the bot on every configured platform (TELEGRAM_BOT_TOKEN, WECHATY_PUPPET),
or a chat in this terminal when none is configured. Configuration comes from
the environment and from ./.env (docs: README.md).
  --data <dir>    data directory: articles and the SQLite database (default: $DATA_DIR or ./data)
  --new-database  start even though the SQLite database is missing or empty where the
                  bot kept one before: a new, empty one, with no subscribers (restoring
                  the last backup, \`article-bot restore\`, keeps them)
  -h, --help      this help`;

/**
 * `article-bot start`: start the bot (see {@link startBot}), run until
 * SIGINT/SIGTERM or a fatal error, then stop within 10 s. A start-up
 * failure (a corrupt database, an unreadable article directory) is one
 * line on stderr and exit code 1, after closing whatever was opened.
 */
export async function run(args: string[]): Promise<number> {
  const parsed = parseOrUsage(args, { "new-database": { type: "boolean" } }, USAGE);
  if ("exitCode" in parsed) return parsed.exitCode;
  const { values } = parsed.args;
  const env = values.data ? { ...process.env, DATA_DIR: values.data } : process.env;
  const config = loadConfig(env);
  const platforms = configurePlatforms(env);
  const consoleOnly = platforms.length === 0;
  const recentLogs = new RecentLogs();
  // When the terminal chat is all the bot is, info lines would drown the conversation on the same screen or pipe,
  // whatever LOG_LEVEL says (.env.example sets info); a quieter level still applies. With web pages beside it
  // (HTTP_PORT: compose without a token), the bot is a server too, and logs as LOG_LEVEL says.
  const chatOnly = consoleOnly && config.httpPort === undefined;
  const log = createLogger({
    level: chatOnly ? noChattierThan(config.logLevel, "warn") : config.logLevel,
    recent: recentLogs,
    secrets: processSecrets(),
  });
  const shutdown = new Shutdown();
  // Not a blank terminal while the library loads: a first index build of a large library takes minutes.
  if (consoleOnly) process.stdout.write(`${banner.loading}\n`);
  const libraryProgress = consoleOnly ? terminalProgress(process.stderr, indexingLine) : undefined;
  try {
    let running: Running;
    try {
      running = await startBot(config, log, {
        signal: shutdown.signal,
        requestShutdown: (...a) => shutdown.request(...a),
        recentLogs,
        platforms,
        libraryProgress,
        newDatabase: values["new-database"],
      });
    } catch (err) {
      if (shutdown.signal.aborted) return (await shutdown.requested).exitCode;
      shutdown.request("start-up failed", 1);
      process.stderr.write(`article-bot: could not start: ${errorLine(err)}\n`);
      return 1;
    }
    const request = await shutdown.requested;
    log.info({ reason: request.reason }, "shutting down");
    await running.stop();
    if (request.message) process.stderr.write(`article-bot: ${redactSecrets(request.message, processSecrets())}\n`);
    return request.exitCode;
  } finally {
    shutdown.dispose();
  }
}
