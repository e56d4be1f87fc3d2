# article-bot container image. Build: `docker build -t article-bot .`; run: see README "Deploy".
# deploy/smoke.sh performs the runtime steps below (the COPY sources, `npm ci --omit=dev`, the start
# command, /healthz, SIGTERM) on a clean copy in CI, since no image can be built there.

# --- build: production dependencies; compilers only here (better-sqlite3 builds from source when
# no prebuilt binary fits the machine, e.g. on arm64 or a new Node minor).
FROM node:20-bookworm-slim AS build
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund
COPY bin ./bin
COPY src ./src
COPY adapters ./adapters

# --- runtime: the same slim Node image without compilers, running as the unprivileged `node` user.
FROM node:20-bookworm-slim
# git (and CA certificates for https) for SYNC_REPO: `article-bot sync` mirrors the backup repository with it.
RUN apt-get update \
 && apt-get install -y --no-install-recommends git ca-certificates \
 && rm -rf /var/lib/apt/lists/*
ENV NODE_ENV=production \
    DATA_DIR=/data \
    HTTP_PORT=9464 \
    HTTP_HOST=0.0.0.0
WORKDIR /app
COPY --from=build /app /app
# The bundled sample articles: Docker copies them into a new, empty named volume on first start.
COPY --chown=node:node data/articles /data/articles
RUN chown node:node /data
USER node
# Articles, the SQLite database, the WeChat login session (memory card) and the index cache.
VOLUME /data
# /healthz and /metrics (HTTP_PORT). The Telegram webhook, when used, listens on TELEGRAM_WEBHOOK_PORT (8080).
EXPOSE 9464
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch(`http://127.0.0.1:${process.env.HTTP_PORT}/healthz`, { signal: AbortSignal.timeout(4000) }).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# Node itself is PID 1 (no npm in between) and handles SIGTERM: `docker stop` shuts the bot down cleanly.
STOPSIGNAL SIGTERM
CMD ["node", "bin/article-bot.js", "start"]
