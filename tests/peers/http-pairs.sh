#!/usr/bin/env bash
# Paired saturation benchmark (docs/benchmarks.md "HTTP"): the Node.js peer and Shipyard's standalone server run side by
# side, both warmed up, and `wrk -t2 -c64` alternates between them in short slices (ROUNDS rounds of SLICE seconds
# each, the order flipped every round). This host's speed drifts by ±30% within minutes (the same binary's CPU time per
# request moves as much as its requests/s), so each round's ratio compares two measurements taken seconds apart; the
# median of the per-round ratios is the figure. Shipyard runs with its defaults (micro-batching on) plus the
# benchmark settings of standalone.sh; extra VAR=value arguments go to Shipyard's environment.
# With BASELINE_APP=DIR the other side is not Node but another Release build of Shipyard (same settings, same
# environment), so two builds are compared the same noise-resistant way: the ratio is then this build / baseline.
# usage: [ROUNDS=6 SLICE=10 WARMUP=10 OUT=/tmp/shipyard-http-bench-bin NO_BUILD=1 BASELINE_APP=DIR] tests/peers/http-pairs.sh [VAR=value ...]
set -euo pipefail
cd "$(dirname "$0")/../.."
ROUNDS=${ROUNDS:-6}
SLICE=${SLICE:-10}
WARMUP=${WARMUP:-10}
OUT=${OUT:-/tmp/shipyard-http-bench-bin}
. tests/peers/standalone.sh
bench_workspace http-pairs
build_release "$OUT"

start_standalone "$OUT/app" "$WORK/shipyard" "$@"
SHIPYARD_PID=$SERVER_PID SHIPYARD_URL=$URL
if [ -n "${BASELINE_APP:-}" ]; then
  start_standalone "$BASELINE_APP" "$WORK/baseline" "$@"
  PEER="Baseline"
else
  start_node "$WORK"
  PEER="Node"
fi
NODE_PID=$SERVER_PID NODE_URL=$URL

measure() { wrk_cpu "$@"; } # pid url seconds -> "requests/s CPU-ms-per-request"

measure "$NODE_PID" "$NODE_URL" "$WARMUP" >/dev/null
measure "$SHIPYARD_PID" "$SHIPYARD_URL" "$WARMUP" >/dev/null
echo "| round (UTC) | $PEER req/s | $PEER CPU ms/req | Shipyard req/s | Shipyard CPU ms/req | ratio |"
echo "|---|---|---|---|---|---|"
RATIOS=()
for round in $(seq 1 "$ROUNDS"); do
  when=$(date -u +%T)
  if [ $((round % 2)) -eq 1 ]; then
    read -r n_rps n_cpu < <(measure "$NODE_PID" "$NODE_URL" "$SLICE")
    read -r s_rps s_cpu < <(measure "$SHIPYARD_PID" "$SHIPYARD_URL" "$SLICE")
  else
    read -r s_rps s_cpu < <(measure "$SHIPYARD_PID" "$SHIPYARD_URL" "$SLICE")
    read -r n_rps n_cpu < <(measure "$NODE_PID" "$NODE_URL" "$SLICE")
  fi
  ratio=$(python3 -c "print(f'{$s_rps / $n_rps:.2f}')")
  RATIOS+=("$ratio")
  echo "| $round $when | $n_rps | $n_cpu | $s_rps | $s_cpu | $ratio |"
done
echo
echo "median ratio (Shipyard / $PEER): $(printf '%s\n' "${RATIOS[@]}" | python3 -c 'import sys, statistics; print("%.2f" % statistics.median(float(x) for x in sys.stdin))')"
echo "$(date -u +%FT%TZ) $(nproc) cores; $(uname -r); load average $(cut -d' ' -f1-3 /proc/loadavg); ROUNDS=$ROUNDS SLICE=${SLICE}s WARMUP=${WARMUP}s${BASELINE_APP:+ BASELINE_APP=$BASELINE_APP}"
