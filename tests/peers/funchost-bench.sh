#!/usr/bin/env bash
# Predict through the real Azure Functions host (../shared/funchost, DESIGN.md §5) over the Release isolated worker
# (src/Shipyard.Functions), docs/benchmarks.md "HTTP through the Functions host":
#   1. worker cold start: start-host.sh launched (Azurite, host, worker) -> the first 200 prediction with the function key
#   2. saturation: wrk -t$THREADS -c$CONNECTIONS, closed loop, $DURATION s, after $WARMUP s of warm-up -> requests/s, p99
#   3. half of that rate: tests/peers/load (open loop, fixed rate) -> p50/p99 from the scheduled send time
# The host runs with FUNCHOST_LOG=quiet: with its per-request logging it spends most of its CPU writing logs.
# usage: tests/peers/funchost-bench.sh   (env: DURATION=15 WARMUP=10 CONNECTIONS=32 THREADS=1 OUT=/tmp/shipyard-funchost-bench-bin
#        NO_BUILD=1 to reuse the binaries in $OUT)
set -euo pipefail
cd "$(dirname "$0")/../.."
DURATION=${DURATION:-15}
WARMUP=${WARMUP:-10}
CONNECTIONS=${CONNECTIONS:-32}
THREADS=${THREADS:-1}
OUT=${OUT:-/tmp/shipyard-funchost-bench-bin}
FUNCHOST=${FUNCHOST:-$(cd .. && pwd)/shared/funchost}
. tests/peers/standalone.sh
bench_workspace funchost-bench
if [ -z "${NO_BUILD:-}" ]; then
  dotnet build -c Release src/Shipyard.Functions -o "$OUT/functions" -v q -nologo >/dev/null
  dotnet build -c Release tests/peers/load -o "$OUT/load" -v q -nologo >/dev/null
fi

# App settings as `func start` reads them from local.settings.json (storage comes from start-host.sh's Azurite).
eval "$(python3 -c 'import json, shlex
for k, v in json.load(open("local.settings.sample.json"))["Values"].items():
    if k not in ("AzureWebJobsStorage", "FUNCTIONS_WORKER_RUNTIME"): print(f"export {k}={shlex.quote(v)}")')"

start=$(date +%s%N)
eval "$(FUNCHOST_LOG=quiet AZURITE_BIN_DIR="$PWD/node_modules/.bin" RUN_DIR="$WORK/host" "$FUNCHOST/start-host.sh" "$OUT/functions" "$(free_port)")"
trap '"$FUNCHOST/stop-host.sh" "$FUNCHOST_RUN_DIR" >/dev/null 2>&1 || true; rm -rf "$WORK"' EXIT
URL="$HOST_URL/api/models/breast-cancer/versions/1/predict?code=$FUNCTION_KEY"
until curl -sf -o /dev/null -X POST -H 'Content-Type: application/json' --data-binary @"$BODY" "$URL"; do sleep 0.02; done
ready=$(date +%s%N)
echo "worker cold start (start-host.sh launched -> first 200 prediction): $(( (ready - start) / 1000000 )) ms"

wrk -t"$THREADS" -c"$CONNECTIONS" -d"${WARMUP}s" -s tests/peers/load/post.lua "$URL" >/dev/null
wrk -t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" --latency -s tests/peers/load/post.lua "$URL" >"$WORK/wrk.txt"
grep -q '^non2xx 0$' "$WORK/wrk.txt" && grep -q '^socket_errors 0$' "$WORK/wrk.txt" || { echo "errors under load:" >&2; cat "$WORK/wrk.txt" >&2; }
rps=$(awk '/Requests\/sec/ {print $2}' "$WORK/wrk.txt")
echo "saturation (wrk -t$THREADS -c$CONNECTIONS, ${DURATION}s): $rps req/s; $(grep -E '^ +(50|99)%' "$WORK/wrk.txt" | tr -s ' ' | tr '\n' ';')"
half=$(python3 -c "print(round($rps/2))")
# The result names the URL, function key included: print the figures only.
dotnet "$OUT/load/LoadClient.dll" --url "$URL" --body "$BODY" --rate "$half" --duration "$DURATION" --connections "$CONNECTIONS" --warmup 3 \
  | python3 -c 'import json, sys; r = json.load(sys.stdin); r.pop("Url", None); print("half load:", json.dumps(r))'

echo "$(date -u +%FT%TZ) $(nproc) cores; load average $(cut -d' ' -f1-3 /proc/loadavg); FUNCHOST_LOG=quiet; breast-cancer v1, 1 instance/request"
