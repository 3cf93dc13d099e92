#!/usr/bin/env bash
# Runs the TypeScript SDK checks (check.mjs with the v1 SDK, check-stateless.mjs with the v2 client) against a freshly started jar (see setup.sh).
# Usage (from the repository root, after ./mvnw -q package -DskipTests):  bash bench/mcp-ts/run-against-jar.sh
set -euo pipefail
source "$(dirname "$0")/setup.sh"
cd "$here"
[ -d node_modules ] || npm ci --no-audit --no-fund
npm run --silent check
npm run --silent check-stateless
