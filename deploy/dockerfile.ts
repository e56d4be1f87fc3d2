/**
 * Reads the project's Dockerfile into its stages and instructions, so the
 * static deploy test and deploy/smoke.ts check and perform the image's own
 * steps instead of a copy of them that could drift.
 */
import { readFileSync } from "node:fs";

/** One instruction, continuation lines joined. */
export interface Instruction {
  keyword: string;
  /** Everything after the keyword. */
  args: string;
}

/** A `FROM` and what follows it, up to the next `FROM`. */
export interface Stage {
  image: string;
  name?: string;
  instructions: Instruction[];
}

/** A `COPY` from the build context (not `--from` another stage). */
export interface ContextCopy {
  sources: string[];
  /** Absolute path in the image (a relative destination is resolved against WORKDIR). */
  dest: string;
}

/** What the image does, as the smoke run and the static test need it. */
export interface ImageSteps {
  stages: Stage[];
  /** Every `COPY` of the build context, in order, over all stages. */
  copies: ContextCopy[];
  /** `RUN` commands of every stage, in order, with the WORKDIR they run in. */
  runs: Array<{ command: string; workdir: string }>;
  /** The final stage's environment. */
  env: Record<string, string>;
  /** The final stage's WORKDIR. */
  workdir: string;
  user?: string;
  volumes: string[];
  exposed: number[];
  /** `CMD` in exec form. */
  cmd: string[];
  /** The `HEALTHCHECK`'s command in exec form. */
  healthcheck: string[];
}

/** Split a Dockerfile into stages of instructions (comments dropped, `\` continuations joined). */
export function parseDockerfile(text: string): Stage[] {
  const stages: Stage[] = [];
  const logical = text.replace(/\\\r?\n(\s*#.*\r?\n)*/g, " ").split(/\r?\n/);
  for (const line of logical) {
    const trimmed = line.trim();
    if (trimmed === "" || trimmed.startsWith("#")) continue;
    const [, keyword = "", args = ""] = /^(\S+)\s*(.*)$/.exec(trimmed) ?? [];
    const upper = keyword.toUpperCase();
    if (upper === "FROM") {
      const [image = "", as, name] = args.split(/\s+/);
      stages.push({ image, name: as?.toUpperCase() === "AS" ? name : undefined, instructions: [] });
      continue;
    }
    const stage = stages.at(-1);
    if (!stage) throw new Error(`Dockerfile: ${upper} before the first FROM`);
    stage.instructions.push({ keyword: upper, args: args.replace(/\s+/g, " ").trim() });
  }
  return stages;
}

/** The steps of the image built from `file`; see {@link ImageSteps}. */
export function readImageSteps(file: string): ImageSteps {
  const stages = parseDockerfile(readFileSync(file, "utf8"));
  const copies: ContextCopy[] = [];
  const runs: ImageSteps["runs"] = [];
  let final!: {
    env: Record<string, string>;
    workdir: string;
    user?: string;
    volumes: string[];
    exposed: number[];
    cmd: string[];
    healthcheck: string[];
  };
  for (const stage of stages) {
    const state: typeof final = { env: {}, workdir: "/", volumes: [], exposed: [], cmd: [], healthcheck: [] };
    for (const { keyword, args } of stage.instructions) {
      if (keyword === "WORKDIR") state.workdir = resolve(state.workdir, args);
      else if (keyword === "ENV") Object.assign(state.env, parseEnv(args));
      else if (keyword === "USER") state.user = args;
      else if (keyword === "VOLUME")
        state.volumes.push(...(args.startsWith("[") ? (JSON.parse(args) as string[]) : args.split(" ")));
      else if (keyword === "EXPOSE") state.exposed.push(...args.split(" ").map((p) => Number.parseInt(p, 10)));
      else if (keyword === "CMD") state.cmd = execForm(args, "CMD");
      else if (keyword === "HEALTHCHECK")
        state.healthcheck = execForm(args.replace(/^(--\S+\s+)*CMD\s+/, ""), "HEALTHCHECK CMD");
      else if (keyword === "RUN") runs.push({ command: args, workdir: state.workdir });
      else if (keyword === "COPY") {
        const words = args.split(" ");
        if (words.some((w) => w.startsWith("--from="))) continue;
        const paths = words.filter((w) => !w.startsWith("--"));
        const dest = paths.pop() ?? "";
        copies.push({ sources: paths, dest: resolve(state.workdir, dest) });
      }
    }
    final = state;
  }
  return { stages, copies, runs, ...final };
}

/** `ENV A=1 B=2` (the `ENV A 1` legacy form is not used here and is refused). */
function parseEnv(args: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const pair of args.split(" ")) {
    const eq = pair.indexOf("=");
    if (eq <= 0) throw new Error(`Dockerfile: ENV ${args}: write KEY=value pairs`);
    env[pair.slice(0, eq)] = pair.slice(eq + 1).replace(/^"(.*)"$/, "$1");
  }
  return env;
}

/** A JSON-array command; the shell form is refused (it would put /bin/sh between Docker and the bot). */
function execForm(args: string, what: string): string[] {
  if (!args.startsWith("[")) throw new Error(`Dockerfile: ${what} must use the exec form ["…"]`);
  return JSON.parse(args) as string[];
}

/** A destination as Docker reads it: relative to WORKDIR, `.` and `./x` included. */
function resolve(workdir: string, dest: string): string {
  const joined = dest.startsWith("/") ? dest : `${workdir.replace(/\/$/, "")}/${dest}`;
  const parts: string[] = [];
  for (const part of joined.split("/")) {
    if (part === "" || part === ".") continue;
    if (part === "..") parts.pop();
    else parts.push(part);
  }
  return `/${parts.join("/")}${dest.endsWith("/") && parts.length > 0 ? "/" : ""}`;
}

/** What `.dockerignore` lets into the build context: an allow-list, then names never to copy. */
export interface DockerIgnore {
  /** Paths re-included by `!path` lines (the file starts by excluding everything). */
  included: string[];
  /** File or folder names excluded anywhere by `**\/name` lines (`*` as a wildcard). */
  excludedNames: RegExp[];
}

/** Read `.dockerignore` (only the two forms this project uses; see {@link DockerIgnore}). */
export function readDockerIgnore(file: string): DockerIgnore {
  const lines = readFileSync(file, "utf8")
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith("#"));
  const wildcard = (glob: string) =>
    new RegExp(`^${glob.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(/\*/g, "[^/]*")}$`);
  return {
    included: lines.filter((l) => l.startsWith("!")).map((l) => l.slice(1).replace(/\/$/, "")),
    excludedNames: lines.filter((l) => l.startsWith("**/")).map((l) => wildcard(l.slice(3))),
  };
}
