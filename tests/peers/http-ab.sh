#!/usr/bin/env bash
# A/B of one server setting (docs/benchmarks.md "HTTP", session 2): starts the Release standalone server from APPDIR
# with the benchmark settings plus the extra environment given, warms up 5 s with wrk, then measures 10 s of
# `wrk -t2 -c64` on breast-cancer v1 and prints requests/s, the server's CPU ms per request and its minor page faults
# per request (/proc/PID/stat).
# With RATE=N it measures a fixed rate instead: 10 s of tests/peers/load (LOAD=path of LoadClient.dll, built by
# http-bench.sh) at N requests/s, printing p50/p99/max latency and the server's and the load client's CPU ms per
# request at that rate (LOAD can also point at another build of the load client, to compare clients).
# usage: [RATE=N LOAD=/tmp/shipyard-http-bench-bin/load/LoadClient.dll] tests/peers/http-ab.sh APPDIR NAME [VAR=value ...]
#   e.g. tests/peers/http-ab.sh /tmp/hb-bin/app log-off Shipyard__PredictionLogSampleRate=0
#        tests/peers/http-ab.sh /tmp/hb-bin/app pgo-off DOTNET_TieredPGO=0
set -euo pipefail
cd "$(dirname "$0")/../.."
APPDIR=$1; NAME=$2; shift 2
. tests/peers/standalone.sh
bench_workspace http-ab
start_standalone "$APPDIR" "$WORK" "$@"

wrk -t2 -c64 -d5s -s tests/peers/load/post.lua "$URL" >/dev/null
before=$(awk '{print $14+$15}' "/proc/$SERVER_PID/stat")
if [ -n "${RATE:-}" ]; then
  result=$(dotnet "${LOAD:-/tmp/shipyard-http-bench-bin/load/LoadClient.dll}" --url "$URL" --body "$BODY" --rate "$RATE" --duration 10 --connections 64 --warmup 0)
  after=$(awk '{print $14+$15}' "/proc/$SERVER_PID/stat")
  python3 -c "import json,sys; d=json.loads(sys.argv[1]); print('%s rate=%s p50=%.3f p99=%.3f max=%.1f errors=%d cpu_ms_per_req=%.3f client_cpu_ms_per_req=%.4f' % (sys.argv[2], d['AchievedRate'], d['P50Ms'], d['P99Ms'], d['MaxMs'], d['Errors'], (int(sys.argv[3]) * 1000 / int(sys.argv[4])) / d['Requests'], d['ClientCpuMsPerRequest']))" \
    "$result" "$NAME" $((after - before)) "$(getconf CLK_TCK)"
  exit 0
fi
faults=$(awk '{print $10}' "/proc/$SERVER_PID/stat")
wrk -t2 -c64 -d10s -s tests/peers/load/post.lua "$URL" >"$WORK/wrk.txt"
after=$(awk '{print $14+$15}' "/proc/$SERVER_PID/stat")
faults=$(( $(awk '{print $10}' "/proc/$SERVER_PID/stat") - faults ))
awk -v t=$((after - before)) -v f="$faults" -v hz="$(getconf CLK_TCK)" -v name="$NAME" \
  '/requests in/ {n=$1} /Requests\/sec/ {r=$2} /^non2xx/ {e=$2} END {printf "%s req/s=%s cpu_ms_per_req=%.3f page_faults_per_req=%.3f non2xx=%s\n", name, r, t*1000/hz/n, f/n, e}' "$WORK/wrk.txt"
