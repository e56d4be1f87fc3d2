// Entry of the backup parse thread (see backup-parser.ts). A worker does not
// inherit its parent's TypeScript loader, so it registers tsx itself, as
// bin/article-bot.js does, and then loads the worker proper.
import { register } from "tsx/esm/api";

register();
await import("./parse-worker.ts");
