#!/usr/bin/env bash
# Performs the container image's runtime steps on a clean copy, since no image can be built in CI:
# the Dockerfile's COPY sources into a temporary root, its `npm ci --omit=dev`, its ENV (DATA_DIR in
# the temporary folder), its CMD; then its HEALTHCHECK must pass within 30 s, `docker stop`'s SIGTERM
# must end the bot within 10 s, and the data folder must hold the database. The steps are read from
# the Dockerfile itself (deploy/dockerfile.ts), so they cannot drift apart. Needs `npm ci` done here
# (it runs through tsx); better-sqlite3 compiles from source without a prebuilt binary (1–2 min).
set -euo pipefail
cd "$(dirname "$0")/.."
exec node --import tsx deploy/smoke.ts "$@"
