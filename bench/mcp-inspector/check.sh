#!/usr/bin/env bash
# The MCP Inspector CLI (2.12.0, pinned in package-lock.json) against a freshly started jar (see
# ../mcp-ts/setup.sh): tools/list, get_balance, and a refused place_order that must come back with
# isError. The Inspector reads key=value arguments as JSON, so decimal strings are quoted: 'qty="1"'.
# Usage (from the repository root, after ./mvnw -q package -DskipTests):  bash bench/mcp-inspector/check.sh
set -euo pipefail
dir="$(cd "$(dirname "$0")" && pwd)"
source "$dir/../mcp-ts/setup.sh"
cd "$dir"
[ -d node_modules ] || npm ci --no-audit --no-fund
inspect() { ./node_modules/.bin/mcp-inspector --cli "$KEYWAY_URL/mcp" --transport http \
  --header "Authorization: Bearer $KEYWAY_TOKEN" "$@"; }
inspect --method tools/list | python3 -c 'import json,sys; t=[x["name"] for x in json.load(sys.stdin)["tools"]]; print("tools/list:", ", ".join(t)); assert "place_order" in t'
inspect --method tools/call --tool-name get_balance --tool-arg "accountId=$KEYWAY_ACCOUNT" \
  | python3 -c 'import json,sys; d=json.load(sys.stdin); print("get_balance: isError", d["isError"], "cash", d["structuredContent"]["cash"]); assert not d["isError"]'
# the Inspector prints the result and exits non-zero when a tool answers isError
{ inspect --method tools/call --tool-name place_order --tool-arg "accountId=$KEYWAY_ACCOUNT" symbol=AAPL side=buy 'qty="100000"' 2>/dev/null || true; } \
  | python3 -c 'import json,sys; d=json.load(sys.stdin); print("refused place_order: isError", d["isError"], d["content"][0]["text"]); assert d["isError"]'
echo "Inspector CLI check passed"
