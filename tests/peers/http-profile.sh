#!/usr/bin/env bash
# Where the standalone server's CPU goes (docs/benchmarks.md "HTTP", sessions 3 and 4): starts the Release server from
# APPDIR with the benchmark settings plus the extra environment given (JIT symbols for perf: DOTNET_PerfMapEnabled=1,
# DOTNET_EnableWriteXorExecute=0), warms up 3 s with wrk, then loads it for 12 s, either with tests/peers/load at RATE
# requests/s or, with RATE=max, with `wrk -t2 -c64` (saturation); from second 2 it counts the server's CPU time and
# context switches for 5 s (perf stat) and then samples its stacks for 4 s (perf record -g, 2 kHz). Prints the perf
# stat lines, the top shared objects and symbols, and the share of samples per component
# (tests/peers/profile-components.py: JSON parsing, validation, authentication, kernel send, ...); perf.data and
# stacks.txt stay in OUTDIR for `perf report -i OUTDIR/perf.data`.
# Needs Debian's linux-perf (apt-get install linux-perf; not part of CI) and the load client that http-bench.sh builds.
# usage: [OUTDIR=/tmp/shipyard-http-profile LOAD=/tmp/shipyard-http-bench-bin/load/LoadClient.dll]
#        tests/peers/http-profile.sh APPDIR RATE|max [VAR=value ...]
#   e.g. tests/peers/http-profile.sh /tmp/shipyard-http-bench-bin/app 7700
#        tests/peers/http-profile.sh /tmp/shipyard-http-bench-bin/app max
#        tests/peers/http-profile.sh /tmp/shipyard-http-bench-bin/app 7700 DOTNET_ThreadPool_UnfairSemaphoreSpinLimit=70
set -euo pipefail
cd "$(dirname "$0")/../.."
APPDIR=$1; RATE=$2; shift 2
OUTDIR=${OUTDIR:-/tmp/shipyard-http-profile}
LOAD=${LOAD:-/tmp/shipyard-http-bench-bin/load/LoadClient.dll}
mkdir -p "$OUTDIR"
. tests/peers/standalone.sh
bench_workspace http-profile
start_standalone "$APPDIR" "$WORK" DOTNET_PerfMapEnabled=1 DOTNET_EnableWriteXorExecute=0 "$@"

wrk -t2 -c64 -d3s -s tests/peers/load/post.lua "$URL" >/dev/null
if [ "$RATE" = max ]; then
  wrk -t2 -c64 -d12s -s tests/peers/load/post.lua "$URL" >"$OUTDIR/load.json" &
else
  dotnet "$LOAD" --url "$URL" --body "$BODY" --rate "$RATE" --duration 12 --connections 64 --warmup 0 >"$OUTDIR/load.json" &
fi
LOADPID=$!
sleep 2
perf stat -e task-clock,context-switches -p "$SERVER_PID" -- sleep 5 2>"$OUTDIR/perf-stat.txt" >/dev/null
perf record -F 2000 -g -p "$SERVER_PID" -o "$OUTDIR/perf.data" -- sleep 4 >/dev/null 2>&1
wait "$LOADPID"
if [ "$RATE" = max ]; then
  RATE=$(awk '/Requests\/sec/ {printf "%.0f", $2}' "$OUTDIR/load.json")
  echo "saturation: $RATE req/s"
else
  echo "rate $RATE: $(cat "$OUTDIR/load.json")"
fi
grep -E "task-clock|context-switches" "$OUTDIR/perf-stat.txt"
echo "context switches per request: $(awk -v r="$RATE" '/context-switches/ {gsub(",", "", $1); printf "%.2f", $1 / 5 / r}' "$OUTDIR/perf-stat.txt")"
perf report -i "$OUTDIR/perf.data" --no-children --sort dso --stdio -g none 2>/dev/null | grep -v '^#' | grep -v '^$' | head -8 || true
perf report -i "$OUTDIR/perf.data" --no-children --sort sym --stdio -g none 2>/dev/null | grep -v '^#' | grep -v '^$' | head -25 | cut -c1-200 || true
perf script -i "$OUTDIR/perf.data" -F comm,tid,ip,sym 2>/dev/null >"$OUTDIR/stacks.txt"
echo "share of samples by component (innermost match):"
python3 tests/peers/profile-components.py "$OUTDIR/stacks.txt" || true
