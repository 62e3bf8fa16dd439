#!/usr/bin/env bash
# `npm test`: typecheck, lint, run every test, print "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/.."
export ELECTRON_SKIP_BINARY_DOWNLOAD=1
results="$(mktemp -d)/vitest.json"

static_failures=0
npm run -s typecheck || static_failures=$((static_failures + 1))
npm run -s lint || static_failures=$((static_failures + 1))

npx vitest run --reporter=default --reporter=json --outputFile="$results"
vitest_status=$?

node scripts/summarize-tests.mjs "$results" "$static_failures"
summary_status=$?
if [ $vitest_status -ne 0 ] || [ $static_failures -ne 0 ] || [ $summary_status -ne 0 ]; then exit 1; fi
