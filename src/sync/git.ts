/**
 * The system `git`, run as a child process with a deadline and without any
 * chance to prompt: a sync runs unattended, and a remote that asks for a
 * password (or hangs) must fail the run, not freeze it.
 */
import { execFile } from "node:child_process";

/** Thrown when git fails, times out or cannot be started; `message` never holds credentials. */
export class GitError extends Error {
  override readonly name = "GitError";
  constructor(
    message: string,
    /** git's exit code; undefined when it was killed or could not start. */
    readonly code?: number,
  ) {
    super(message);
  }
}

/** Options of one git call. */
export interface GitOptions {
  cwd?: string;
  /** Kill git after this long. */
  timeoutMs: number;
  /** Largest stdout accepted (a diff of a big push is a few hundred KB). */
  maxBuffer?: number;
  /** Kills git when aborted (the bot is shutting down). */
  signal?: AbortSignal;
}

/**
 * Environment of every git call: no terminal or GUI prompts, no user or
 * system configuration (hooks, aliases, credential helpers, `url.*.insteadOf`
 * of whoever runs the bot), pathspecs taken literally (account names may
 * hold `*` or `[`), and English messages for the logs.
 */
function gitEnv(): NodeJS.ProcessEnv {
  const keep = [
    "PATH",
    "HOME",
    "TMPDIR",
    "SYSTEMROOT",
    "HTTP_PROXY",
    "HTTPS_PROXY",
    "NO_PROXY",
    "http_proxy",
    "https_proxy",
    "no_proxy",
  ];
  const env: NodeJS.ProcessEnv = {};
  for (const k of keep) if (process.env[k] !== undefined) env[k] = process.env[k];
  return {
    ...env,
    GIT_TERMINAL_PROMPT: "0",
    GIT_ASKPASS: "/bin/false",
    SSH_ASKPASS: "/bin/false",
    GCM_INTERACTIVE: "never",
    GIT_SSH_COMMAND: "ssh -o BatchMode=yes -o ConnectTimeout=30",
    GIT_CONFIG_NOSYSTEM: "1",
    GIT_CONFIG_GLOBAL: "/dev/null",
    GIT_LITERAL_PATHSPECS: "1",
    GIT_OPTIONAL_LOCKS: "0",
    LC_ALL: "C",
  };
}

/**
 * Options given to every call: symlinks in the remote's tree are checked
 * out as plain files holding the link text (never followed), and protocols
 * are limited to those a backup repository is served over (no `ext::`).
 */
const SAFE_CONFIG = [
  "-c",
  "core.symlinks=false",
  "-c",
  "protocol.allow=never",
  "-c",
  "protocol.https.allow=always",
  "-c",
  "protocol.http.allow=always",
  "-c",
  "protocol.ssh.allow=always",
  "-c",
  "protocol.git.allow=always",
  "-c",
  "protocol.file.allow=always",
  "-c",
  "core.quotePath=false",
];

/** Run `git <args>`; resolves to stdout. @throws GitError */
export function git(args: readonly string[], opts: GitOptions): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      "git",
      [...SAFE_CONFIG, ...args],
      {
        cwd: opts.cwd,
        env: gitEnv(),
        timeout: opts.timeoutMs,
        killSignal: "SIGKILL",
        signal: opts.signal,
        maxBuffer: opts.maxBuffer ?? 64 * 1024 * 1024,
        encoding: "utf8",
      },
      (err, stdout, stderr) => {
        if (!err) return resolve(stdout);
        const e = err as NodeJS.ErrnoException & { killed?: boolean; code?: number | string };
        if (opts.signal?.aborted) return reject(new GitError(`git ${args[0]} stopped: the bot is shutting down`));
        if (e.code === "ENOENT")
          return reject(new GitError("git is not installed (the system git is required for sync)"));
        if (e.killed)
          return reject(new GitError(`git ${args[0]} timed out after ${Math.round(opts.timeoutMs / 1000)} s`));
        const why = errorLines(stderr) || e.message;
        const hint = /detected dubious ownership/.test(stderr) ? OWNERSHIP_HINT : "";
        reject(
          new GitError(
            `git ${args[0]} failed: ${redactUrls(why)}${hint}`,
            typeof e.code === "number" ? e.code : undefined,
          ),
        );
      },
    );
  });
}

/**
 * git's own hint for a repository another user owns is a setting in the
 * global configuration, which the sync never reads (see {@link gitEnv}).
 */
const OWNERSHIP_HINT =
  " (the sync reads no global git configuration, so that setting would not reach it: give the repository to the user the bot runs as)";

/**
 * What git's stderr says went wrong, not its progress: from the first
 * `fatal:`/`error:` line, three lines at most — the error and git's hint
 * under it (`detected dubious ownership …` / `To add an exception …, call:`
 * / `git config --global --add safe.directory …`), not the generic
 * `Could not read from remote repository` that follows. Without such a
 * line, the last two lines.
 */
function errorLines(stderr: string): string {
  const lines = stderr
    .split("\n")
    .map((l) => l.trim())
    .filter(Boolean);
  const first = lines.findIndex((l) => /^(fatal|error):/i.test(l));
  return (first < 0 ? lines.slice(-2) : lines.slice(first, first + 3)).join(" / ");
}

/** `https://user:token@host/x` → `https://***@host/x`, wherever it appears in `text`. */
export function redactUrls(text: string): string {
  return text.replace(/([a-z][a-z0-9+.-]*:\/\/)[^/@\s]+@/gi, "$1***@");
}
