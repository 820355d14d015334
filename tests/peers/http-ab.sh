#!/usr/bin/env bash
# A/B of one server setting (docs/benchmarks.md "HTTP", session 2): starts the Release standalone server from APPDIR
# with the benchmark settings plus the extra environment given, warms up 5 s with wrk, then measures 10 s of
# `wrk -t2 -c64` on breast-cancer v1 and prints requests/s and the server's CPU ms per request (/proc/PID/stat).
# With RATE=N it measures a fixed rate instead: 10 s of tests/peers/load (LOAD=path of LoadClient.dll, built by
# http-bench.sh) at N requests/s, printing p50/p99/max latency and the server's CPU ms per request at that rate.
# usage: [RATE=N LOAD=/tmp/shipyard-http-bench-bin/load/LoadClient.dll] tests/peers/http-ab.sh APPDIR NAME [VAR=value ...]
#   e.g. tests/peers/http-ab.sh /tmp/hb-bin/app log-off Shipyard__PredictionLogSampleRate=0
#        tests/peers/http-ab.sh /tmp/hb-bin/app pgo-off DOTNET_TieredPGO=0
set -euo pipefail
cd "$(dirname "$0")/../.."
APPDIR=$1; NAME=$2; shift 2
WORK=$(mktemp -d /tmp/shipyard-http-ab.XXXXXX)
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
env ASPNETCORE_ENVIRONMENT=Production Shipyard__Auth__AllowAnonymous=true Shipyard__RateLimiting__Enabled=false \
  Shipyard__DataPath="$WORK/data" Logging__LogLevel__Default=Warning "$@" \
  "$APPDIR/Shipyard.Functions" --urls "http://127.0.0.1:$PORT" >"$WORK/server.log" 2>&1 &
PID=$!
trap 'kill $PID 2>/dev/null || true; rm -rf "$WORK"' EXIT
export BODY="$WORK/body.json"
python3 - "$BODY" <<'PY'
import csv, json, sys
row = next(csv.DictReader(open("models/breast-cancer/1/samples.csv")))
json.dump({"instances": [{k: float(v) for k, v in row.items() if not k.startswith("expected_")}]}, open(sys.argv[1], "w"))
PY
URL="http://127.0.0.1:$PORT/api/models/breast-cancer/versions/1/predict"
for _ in $(seq 1 100); do curl -sf -o /dev/null -X POST -H 'Content-Type: application/json' --data-binary @"$BODY" "$URL" && break; sleep 0.2; done
wrk -t2 -c64 -d5s -s tests/peers/load/post.lua "$URL" >/dev/null
before=$(awk '{print $14+$15}' "/proc/$PID/stat")
if [ -n "${RATE:-}" ]; then
  result=$(dotnet "${LOAD:-/tmp/shipyard-http-bench-bin/load/LoadClient.dll}" --url "$URL" --body "$BODY" --rate "$RATE" --duration 10 --connections 64 --warmup 0)
  after=$(awk '{print $14+$15}' "/proc/$PID/stat")
  python3 -c "import json,sys; d=json.loads(sys.argv[1]); print('%s rate=%s p50=%.3f p99=%.3f max=%.1f errors=%d cpu_ms_per_req=%.3f' % (sys.argv[2], d['AchievedRate'], d['P50Ms'], d['P99Ms'], d['MaxMs'], d['Errors'], (int(sys.argv[3]) * 1000 / int(sys.argv[4])) / d['Requests']))" \
    "$result" "$NAME" $((after - before)) "$(getconf CLK_TCK)"
  exit 0
fi
wrk -t2 -c64 -d10s -s tests/peers/load/post.lua "$URL" >"$WORK/wrk.txt"
after=$(awk '{print $14+$15}' "/proc/$PID/stat")
awk -v t=$((after - before)) -v hz="$(getconf CLK_TCK)" -v name="$NAME" \
  '/requests in/ {n=$1} /Requests\/sec/ {r=$2} /^non2xx/ {e=$2} END {printf "%s req/s=%s cpu_ms_per_req=%.3f non2xx=%s\n", name, r, t*1000/hz/n, e}' "$WORK/wrk.txt"
