#!/usr/bin/env bash
# Runs the TypeScript SDK check (check.mjs) against a freshly started jar (see setup.sh).
# Usage (from the repository root, after ./mvnw -q package -DskipTests):  bash bench/mcp-ts/run-against-jar.sh
set -euo pipefail
source "$(dirname "$0")/setup.sh"
cd "$here"
[ -d node_modules ] || npm ci --no-audit --no-fund
npm run --silent check
