#!/usr/bin/env bash
# Throughput of MCP and the public track record next to their same-run baselines, with wrk
# (closed loop, keep-alive): GET /health, GET /api/public/strategies (30 s cache), the REST twin
# GET /api/accounts/{id}/balance, and POST /mcp tools/call get_balance, alternated for ROUNDS rounds
# of SECONDS_PER_PHASE each, after one warm-up round that is not counted (JIT). The MCP rate limit is raised for the run so it measures the endpoint, not the limit.
# Usage (from the repository root, after ./mvnw -q package -DskipTests):  bash bench/mcp-ts/load.sh
set -euo pipefail
export KEYWAY_MCP_REQUESTS_PER_MINUTE=100000
source "$(dirname "$0")/setup.sh"
rounds="${ROUNDS:-3}" seconds="${SECONDS_PER_PHASE:-5}" conns="${CONNECTIONS:-16}"
lua="$data/mcp.lua"
cat >"$lua" <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Accept"] = "application/json, text/event-stream"
wrk.headers["Authorization"] = "Bearer $KEYWAY_TOKEN"
wrk.body = '{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"get_balance","arguments":{"accountId":"$KEYWAY_ACCOUNT"}}}'
LUA
phase() { # name, wrk args...
  local name="$1"; shift
  local out; out="$(wrk -t2 -c"$conns" -d"${seconds}s" --latency "$@")"
  local rps; rps="$(awk '/Requests\/sec/ {print $2}' <<<"$out")"
  local p99; p99="$(awk '$1=="99%" {print $2}' <<<"$out")"
  local bad; bad="$(awk '/Non-2xx/ {print $5}' <<<"$out")"
  printf '%-9s %-10s %10s req/s  p99 %-8s non-2xx %s\n' "$( [ "$r" = warm-up ] && echo warm-up || echo "round$r" )" "$name" "$rps" "$p99" "${bad:-0}"
  [ "$r" = warm-up ] || echo "$name $rps" >>"$data/rates"
}
curl -fs -X POST "$KEYWAY_URL/mcp" -H 'Content-Type: application/json' -H "Authorization: Bearer $KEYWAY_TOKEN" \
  -d "$(sed -n 's/^wrk.body = .\(.*\).$/\1/p' "$lua")" | grep -q '"isError":false'
for r in warm-up $(seq 1 "$rounds"); do
  phase health "$KEYWAY_URL/health"
  phase public "$KEYWAY_URL/api/public/strategies"
  phase rest "$KEYWAY_URL/api/accounts/$KEYWAY_ACCOUNT/balance" -H "Authorization: Bearer $KEYWAY_TOKEN"
  phase mcp "$KEYWAY_URL/mcp" -s "$lua"
done
awk '{sum[$1]+=$2; n[$1]++} END {
  for (k in sum) avg[k]=sum[k]/n[k];
  printf "mean req/s: health %.0f, public %.0f, rest balance %.0f, mcp get_balance %.0f\n", avg["health"], avg["public"], avg["rest"], avg["mcp"];
  printf "ratios: public/health %.2f, mcp/rest %.2f\n", avg["public"]/avg["health"], avg["mcp"]/avg["rest"] }' "$data/rates"
