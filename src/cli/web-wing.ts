import path from "node:path";
import type { Config } from "../config.ts";
import type { Logger } from "../log.ts";
import { downloadImage } from "../net/download.ts";
import type { Agent } from "node:http";
import type { WebServer } from "../web/app.ts";
import type { WebDeps } from "../web/deps.ts";
import { WebImages } from "../web/images.ts";

/** The largest image the web pages serve (a 禅定时刻 image is a few hundred KB). */
const WEB_IMAGE_MAX_BYTES = 5 * 1024 * 1024;

/** What the web pages get from the running bot; the rest comes from the configuration. */
export type WebWiring = Omit<WebDeps, "images" | "log" | "public" | "adminPassword" | "trustProxy">;

/**
 * Hand the web server (listening since start-up began, answering
 * 「正在启动」) the bot it serves: the reading room, feeds, API and console,
 * with their image cache under `<DATA_DIR>/.web-images`.
 */
export function serveWeb(
  web: WebServer,
  config: Config,
  wiring: WebWiring,
  log: Logger,
  agent: Agent | undefined,
): void {
  const webLog = log.child({ component: "web" });
  web.serve({
    ...wiring,
    images: new WebImages({
      dir: path.join(config.dataDir, ".web-images"),
      download: (url) =>
        downloadImage(url, { allowHosts: config.imageHostsAllow, agent, maxBytes: WEB_IMAGE_MAX_BYTES }),
      maxBytes: config.web.imageCacheBytes,
      clock: wiring.clock,
      log: webLog,
    }),
    log: webLog,
    public: config.web.public,
    adminPassword: config.web.adminPassword,
    trustProxy: config.web.trustProxy,
  });
}
