# Sourced by run-against-jar.sh and load.sh: starts gateway/target/keyway.jar on a temporary data dir
# and a free port, makes an operator with a funded sim account and an API token over the REST API,
# and exports KEYWAY_URL, KEYWAY_TOKEN (the operator's API token) and KEYWAY_ACCOUNT. The node is
# stopped and the data dir removed when the calling script exits. Extra KEYWAY_* settings in the
# environment reach the node.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
jar="${KEYWAY_JAR:-$here/../../gateway/target/keyway.jar}"
data="$(mktemp -d)"
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
export KEYWAY_DATA_DIR="$data" KEYWAY_HTTP_PORT="$port"
base="http://127.0.0.1:$port"
java -jar "$jar" create-user admin@ts.test --password admin-password-123 --no-reset --role admin --tenant ts >/dev/null
java -jar "$jar" create-user op@ts.test --password op-password-1234 --no-reset --role operator --tenant ts >/dev/null
java -jar "$jar" serve >"$data/serve.log" 2>&1 &
pid=$!
trap 'status=$?; kill $pid 2>/dev/null || true; wait $pid 2>/dev/null || true; rm -rf "$data"; exit $status' EXIT
for _ in $(seq 1 120); do curl -fs "$base/health" >/dev/null && break; sleep 0.5; done
json() { python3 -c "import json,sys; print(json.load(sys.stdin)$1)"; }
login() { curl -fs "$base/api/auth/login" -H 'Content-Type: application/json' -d "{\"email\":\"$1\",\"password\":\"$2\"}" | json "['accessToken']"; }
admin="$(login admin@ts.test admin-password-123)"
op="$(login op@ts.test op-password-1234)"
op_id="$(curl -fs "$base/api/account/me" -H "Authorization: Bearer $op" | json "['id']")"
account="$(curl -fs "$base/api/accounts" -H "Authorization: Bearer $admin" -H 'Content-Type: application/json' -d "{
  \"name\":\"ts-agent\",\"isPublic\":true,\"venue\":\"sim\",\"kind\":\"paper\",\"ownerUserId\":\"$op_id\",
  \"strategy\":{\"type\":\"threshold\",\"params\":{\"symbol\":\"AAPL\",\"buyBelow\":\"0.01\",\"sellAbove\":\"1000000\",\"qty\":\"1\"}},
  \"risk\":{\"maxOrderUsd\":\"1000\",\"dailyCapUsd\":\"5000\",\"allowLive\":false,\"approvalOverUsd\":\"500\"}}" | json "['id']")"
flow() { curl -fs "$base/api/capital-flows" -H "Authorization: Bearer $admin" -H 'Content-Type: application/json' \
  -H "Idempotency-Key: $(python3 -c 'import uuid; print(uuid.uuid4())')" -d "$1" >/dev/null; }
flow "{\"type\":\"deposit\",\"userId\":\"$op_id\",\"amount\":\"2000\",\"currency\":\"USD\"}"
flow "{\"type\":\"allocate\",\"userId\":\"$op_id\",\"accountId\":\"$account\",\"amount\":\"2000\",\"currency\":\"USD\"}"
token="$(curl -fs "$base/api/account/tokens" -H "Authorization: Bearer $op" -H 'Content-Type: application/json' \
  -d '{"name":"ts-sdk"}' | json "['token']")"
export KEYWAY_URL="$base" KEYWAY_TOKEN="$token" KEYWAY_ACCOUNT="$account"
