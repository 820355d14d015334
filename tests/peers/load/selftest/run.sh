#!/usr/bin/env bash
# Self-test of the load client (tests/peers/load) against tests/peers/load/selftest/odd-servers.js: every case runs
# the real client and checks its JSON line and exit code. About 40 s (the never-answering server takes the client's
# 30 s timeout). Not part of CI (a benchmark tool); run it after changing the client.
# usage: [LOAD=path/LoadClient.dll] tests/peers/load/selftest/run.sh   (builds the client into a temp folder otherwise)
set -euo pipefail
cd "$(dirname "$0")/../../../.."
WORK=$(mktemp -d /tmp/shipyard-load-selftest.XXXXXX)
PIDS=()
trap 'for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$WORK"' EXIT
if [ -z "${LOAD:-}" ]; then
  dotnet build -c Release tests/peers/load -o "$WORK/load" -v q -nologo >/dev/null
  LOAD="$WORK/load/LoadClient.dll"
fi
echo '{}' >"$WORK/small.json"
head -c 20000000 /dev/zero | tr '\0' 'a' >"$WORK/big.json"

start_servers() { # $1 = base port; sets SERVERS_PID
  node tests/peers/load/selftest/odd-servers.js "$1" >/dev/null 2>&1 &
  SERVERS_PID=$!
  PIDS+=("$SERVERS_PID")
  for _ in $(seq 1 50); do (echo >"/dev/tcp/127.0.0.1/$(($1 + 7))") 2>/dev/null && return 0; sleep 0.1; done
  echo "odd-servers.js did not start" >&2; return 1
}
BASE=$(python3 -c 'import random; print(random.randrange(20000, 50000, 10))')
start_servers "$BASE"

failures=0
# check NAME PORT BODY EXPECT: EXPECT is a Python expression over d (the JSON line), rc (exit code) and secs (wall time).
check() {
  local start rc=0 out
  start=$(date +%s%N)
  out=$(timeout 120 dotnet "$LOAD" --url "http://127.0.0.1:$2/" --body "$WORK/$3" --rate "${RATE:-500}" --duration 2 \
    --connections "${CONNECTIONS:-8}" --warmup 0 2>/dev/null) || rc=$?
  if python3 - "$out" "$rc" "$(( ($(date +%s%N) - start) / 1000000 ))" "$4" <<'PY'
import json, sys
out, rc, secs, expect = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]) / 1000, sys.argv[4]
d = json.loads(out) if out else {}
try:
    sys.exit(0 if eval(expect) else 1)
except KeyError:  # no JSON line: the client failed or was killed by the timeout
    sys.exit(1)
PY
  then echo "ok    $1"; else echo "FAIL  $1: rc=$rc $out"; failures=$((failures + 1)); fi
}

check "chunked body" $((BASE + 0)) small.json "rc == 0 and d['Errors'] == 0 and d['Requests'] == 1000"
check "Connection: close" $((BASE + 1)) small.json "rc == 0 and d['Errors'] == 0"
check "body until close" $((BASE + 2)) small.json "rc == 0 and d['Errors'] == 0"
check "every 50th connection dropped" $((BASE + 3)) small.json "d['Errors'] == 20 and d['Requests'] == 1000"
check "404 counted as errors" $((BASE + 4)) small.json "d['Errors'] == 1000"
RATE=50 CONNECTIONS=4 check "answer before a 20 MB request was read" $((BASE + 5)) big.json "rc == 0 and d['Errors'] == 0 and d['Requests'] == 100"
check "304 with a Content-Length: no body awaited" $((BASE + 6)) small.json "d['Errors'] == 1000 and d['MaxMs'] < 1000"
RATE=200 CONNECTIONS=4 check "never answers: 30 s timeout, run ends" $((BASE + 7)) small.json "d['Errors'] == 400 and secs < 40"
check "refused port: exit 1" $((BASE + 9)) small.json "rc == 1 and not d"

# A server killed one second into the run: the rest of the requests fail and the run still ends.
KILLED=$((BASE + 100))
start_servers "$KILLED"
(sleep 1; kill "$SERVERS_PID") &
check "server killed mid-run" $((KILLED + 3)) small.json "d['Errors'] > 0 and d['Requests'] == 1000 and secs < 10"

[ "$failures" -eq 0 ] && echo "all cases passed" || { echo "$failures case(s) failed"; exit 1; }
