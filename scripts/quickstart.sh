#!/usr/bin/env bash
# Builds the sample session image and starts the emulator with the sample pool on port 8080.
# SAMPLE_BASE_IMAGE overrides the image's base (default node:20-alpine) for machines without a registry.
set -euo pipefail
cd "$(dirname "$0")/.."
base="${SAMPLE_BASE_IMAGE:-node:20-alpine}"
if ! docker image inspect sessionite/sample-session:latest >/dev/null 2>&1 || [ -n "${SAMPLE_BASE_IMAGE:-}" ]; then
  echo "quickstart: building sessionite/sample-session:latest from ${base}" >&2
  docker build -q --build-arg "BASE_IMAGE=${base}" -t sessionite/sample-session:latest resources/sample-session >&2
fi
[ -f dist/emulator/cli/main.js ] || npm run -s build:emulator
exec node bin/sessionite.js start --config resources/sample-pool/sessionite.yaml --port "${PORT:-8080}" "$@"
