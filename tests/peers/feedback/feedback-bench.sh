#!/usr/bin/env bash
# Feedback never blocks predictions (issue 23; docs/benchmarks.md "Evaluation"): the Release standalone server, predict
# (breast-cancer v1, one instance, prediction log on at its default sample rate 1) measured with and without a
# concurrent stream of outcomes (feedback-stream.py: RATE posts/s of BATCH outcomes each), alternating in one sitting:
#   saturation  wrk, closed loop, $CONNECTIONS connections, $DURATION s -> requests/s
#   half load   tests/peers/load at half the first plain saturation rate -> p50/p99 from scheduled send
# usage: tests/peers/feedback/feedback-bench.sh  (env: ROUNDS=3 DURATION=15 WARMUP=10 CONNECTIONS=32 THREADS=1 RATE=10
#        BATCH=100 OUT=/tmp/shipyard-feedback-bench-bin NO_BUILD=1)
set -euo pipefail
cd "$(dirname "$0")/../../.."
ROUNDS=${ROUNDS:-3}
DURATION=${DURATION:-15}
WARMUP=${WARMUP:-10}
export CONNECTIONS=${CONNECTIONS:-32}
export THREADS=${THREADS:-1}
RATE=${RATE:-10}
BATCH=${BATCH:-100}
OUT=${OUT:-/tmp/shipyard-feedback-bench-bin}
. tests/peers/standalone.sh
bench_workspace feedback-bench
build_release "$OUT"
LOAD="dotnet $OUT/load/LoadClient.dll"
field() { python3 -c "import json,sys; print(json.loads(sys.argv[1])[sys.argv[2]])" "$1" "$2"; }

start_standalone "$OUT/app" "$WORK/shipyard" Shipyard__PredictionLog__MaxRowsPerSecond=0
BASE=${URL%/api/*}
wrk_cpu "$SERVER_PID" "$URL" "$WARMUP" >/dev/null
HALF=""

stream() { # $1 = seconds; the stream's JSON line goes to $WORK/stream.json
  python3 tests/peers/feedback/feedback-stream.py --base "$BASE" --body "$BODY" --rate "$RATE" --batch "$BATCH" --duration "$1" >"$WORK/stream.json"
}

echo "| round | feedback stream | saturation req/s | server CPU ms/req | half-load rate | p50 ms | p99 ms | feedback posts (outcomes) | feedback p50 / p99 ms |"
echo "|---|---|---|---|---|---|---|---|---|"
for round in $(seq 1 "$ROUNDS"); do
  for mode in off on; do
    if [ "$mode" = on ]; then stream $((DURATION * 2 + 12)) & STREAM=$!; sleep 6; fi
    read -r rps cpu < <(wrk_cpu "$SERVER_PID" "$URL" "$DURATION")
    HALF=${HALF:-$((rps / 2))}
    half=$($LOAD --url "$URL" --body "$BODY" --rate "$HALF" --duration "$DURATION" --connections "$CONNECTIONS" --warmup 3)
    posts="–"; feedback="–"
    if [ "$mode" = on ]; then
      wait "$STREAM"
      s=$(cat "$WORK/stream.json")
      posts="$(field "$s" requests) ($(field "$s" accepted), errors $(field "$s" errors))"
      feedback="$(field "$s" p50Ms) / $(field "$s" p99Ms)"
    fi
    printf '| %s | %s | %s | %s | %.0f | %s | %s | %s | %s |\n' "$round" "$mode" "$rps" "$cpu" "$(field "$half" AchievedRate)" "$(field "$half" P50Ms)" "$(field "$half" P99Ms)" "$posts" "$feedback"
  done
done
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
