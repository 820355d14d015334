#!/usr/bin/env bash
# Where the standalone server's CPU goes at a fixed request rate (docs/benchmarks.md "HTTP", session 3): starts the
# Release server from APPDIR with the benchmark settings plus the extra environment given (JIT symbols for perf:
# DOTNET_PerfMapEnabled=1, DOTNET_EnableWriteXorExecute=0), warms up 3 s with wrk, then runs tests/peers/load at RATE
# requests/s for 12 s; from second 2 it counts the server's CPU time and context switches for 5 s (perf stat) and
# then samples its stacks for 4 s (perf record -g, 2 kHz). Prints the perf stat lines, the top shared objects and the
# top symbols; perf.data stays in OUTDIR for `perf report -i OUTDIR/perf.data`.
# Needs Debian's linux-perf (apt-get install linux-perf; not part of CI) and the load client that http-bench.sh builds.
# usage: [OUTDIR=/tmp/shipyard-http-profile LOAD=/tmp/shipyard-http-bench-bin/load/LoadClient.dll]
#        tests/peers/http-profile.sh APPDIR RATE [VAR=value ...]
#   e.g. tests/peers/http-profile.sh /tmp/shipyard-http-bench-bin/app 7700
#        tests/peers/http-profile.sh /tmp/shipyard-http-bench-bin/app 7700 DOTNET_ThreadPool_UnfairSemaphoreSpinLimit=70
set -euo pipefail
cd "$(dirname "$0")/../.."
APPDIR=$1; RATE=$2; shift 2
OUTDIR=${OUTDIR:-/tmp/shipyard-http-profile}
LOAD=${LOAD:-/tmp/shipyard-http-bench-bin/load/LoadClient.dll}
mkdir -p "$OUTDIR"
WORK=$(mktemp -d /tmp/shipyard-http-profile.XXXXXX)
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
env DOTNET_PerfMapEnabled=1 DOTNET_EnableWriteXorExecute=0 ASPNETCORE_ENVIRONMENT=Production \
  Shipyard__Auth__AllowAnonymous=true Shipyard__RateLimiting__Enabled=false Shipyard__DataPath="$WORK/data" \
  Logging__LogLevel__Default=Warning "$@" "$APPDIR/Shipyard.Functions" --urls "http://127.0.0.1:$PORT" >"$WORK/server.log" 2>&1 &
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
wrk -t2 -c64 -d3s -s tests/peers/load/post.lua "$URL" >/dev/null
dotnet "$LOAD" --url "$URL" --body "$BODY" --rate "$RATE" --duration 12 --connections 64 --warmup 0 >"$OUTDIR/load.json" &
LOADPID=$!
sleep 2
perf stat -e task-clock,context-switches -p "$PID" -- sleep 5 2>"$OUTDIR/perf-stat.txt" >/dev/null
perf record -F 2000 -g -p "$PID" -o "$OUTDIR/perf.data" -- sleep 4 >/dev/null 2>&1
wait "$LOADPID"
echo "rate $RATE: $(cat "$OUTDIR/load.json")"
grep -E "task-clock|context-switches" "$OUTDIR/perf-stat.txt"
echo "context switches per request: $(awk -v r="$RATE" '/context-switches/ {gsub(",", "", $1); printf "%.2f", $1 / 5 / r}' "$OUTDIR/perf-stat.txt")"
perf report -i "$OUTDIR/perf.data" --no-children --sort dso --stdio -g none 2>/dev/null | grep -v '^#' | grep -v '^$' | head -8
perf report -i "$OUTDIR/perf.data" --no-children --sort sym --stdio -g none 2>/dev/null | grep -v '^#' | grep -v '^$' | head -25 | cut -c1-200
