#!/usr/bin/env bash
# HTTP benchmark (DESIGN.md §4, docs/benchmarks.md "HTTP"): Shipyard's standalone server (Release) vs the Node.js
# peer (tests/peers/node-http/server.js, onnxruntime-node), same model (breast-cancer v1), same JSON shapes, same
# loopback, side by side in one run:
#   1. saturation: wrk, closed loop, $CONNECTIONS connections, $DURATION s -> requests/s
#   2. half of that server's saturation rate: tests/peers/load (open loop, fixed rate) -> p50/p99 from scheduled send
#   3. Shipyard again with micro-batching on (the default since 57d47c9: MaxDelay 0, so a run takes whatever queued
#      while the previous run was busy)
# Each server is warmed up with WARMUP seconds of wrk first (10 by default: the .NET JIT is still moving hot methods to
# tier 1 in the first seconds under load, V8 likewise), so saturation is the steady state.
# usage: tests/peers/http-bench.sh   (env: DURATION=15 WARMUP=10 CONNECTIONS=64 THREADS=2 OUT=/tmp/shipyard-http-bench-bin
#        VARIANTS="node shipyard-off shipyard-on" NO_BUILD=1 to reuse the binaries in $OUT)
# Release binaries go to $OUT (not src/*/bin) so the run does not clash with other builds in the checkout.
set -euo pipefail
cd "$(dirname "$0")/../.."
DURATION=${DURATION:-15}
WARMUP=${WARMUP:-10}
CONNECTIONS=${CONNECTIONS:-64}
THREADS=${THREADS:-2}
OUT=${OUT:-/tmp/shipyard-http-bench-bin}
VARIANTS=${VARIANTS:-node shipyard-off shipyard-on}
. tests/peers/standalone.sh
bench_workspace http-bench
build_release "$OUT"
LOAD="dotnet $OUT/load/LoadClient.dll"

start_shipyard() { # $1 = micro-batching true|false
  start_standalone "$OUT/app" "$WORK/shipyard-$1" Shipyard__MicroBatching__Enabled="$1"
}
saturate() { # prints "requests/s server-CPU-ms-per-request"; warm up first
  wrk_cpu "$SERVER_PID" "$URL" "$WARMUP" >/dev/null
  wrk_cpu "$SERVER_PID" "$URL" "$DURATION" "$WORK/wrk.txt"
}
half_load() { # $1 = rate
  $LOAD --url "$URL" --body "$BODY" --rate "$1" --duration "$DURATION" --connections "$CONNECTIONS" --warmup 3
}
field() { python3 -c "import json,sys; print(json.loads(sys.argv[1])[sys.argv[2]])" "$1" "$2"; }

row() { # name, saturation rps, server CPU ms/request, half-load json
  printf '| %s | %.0f | %s | %.0f | %s | %s | %s | %s |\n' "$1" "$2" "$3" "$(field "$4" AchievedRate)" "$(field "$4" P50Ms)" "$(field "$4" P99Ms)" "$(field "$4" MaxMs)" "$(field "$4" Errors)"
}

echo "| server | saturation req/s (wrk -c$CONNECTIONS) | server CPU ms/req | half-load req/s | p50 ms | p99 ms | max ms | errors |"
echo "|---|---|---|---|---|---|---|---|"
LOADS=()
for variant in $VARIANTS; do
  case $variant in
    node) start_node "$WORK"; name="Node.js peer (onnxruntime-node)";;
    shipyard-off) start_shipyard false; name="Shipyard, micro-batching off";;
    shipyard-on) start_shipyard true; name="Shipyard, micro-batching on";;
  esac
  LOADS+=("$variant $(date -u +%TZ) load average $(cut -d' ' -f1-3 /proc/loadavg)")
  read -r rps cpu < <(saturate)
  half=$(python3 -c "print(round($rps/2))")
  result=$(half_load "$half")
  row "$name" "$rps" "$cpu" "$result"
  kill "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true
done
echo
printf 'at start of each variant: %s\n' "${LOADS[@]}"
echo "$(date -u +%FT%TZ) $(nproc) cores; $(uname -r); loopback; breast-cancer v1, 1 instance/request; DURATION=${DURATION}s WARMUP=${WARMUP}s"
