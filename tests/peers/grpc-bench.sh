#!/usr/bin/env bash
# gRPC benchmark (docs/benchmarks.md "gRPC"): KServe v2 ModelInfer over gRPC (h2c) against REST on the same Release
# standalone server and model (breast-cancer v1, one row), side by side in one run: tests/peers/grpc-load alternates
# REST predict, REST v2 infer and gRPC ModelInfer, each a closed loop of $CONCURRENCY callers, $ROUNDS rounds of
# $DURATION s after a warm-up, and prints each run, the medians and the ratios. `uptime` is printed before and after.
# usage: tests/peers/grpc-bench.sh   (env: CONCURRENCY=32 GRPC_CHANNELS=1 DURATION=10 WARMUP=5 ROUNDS=5
#        OUT=/tmp/shipyard-grpc-bench-bin NO_BUILD=1 to reuse the binaries in $OUT, MODES=rest-live,grpc-live to pick the
#        load client's modes instead of the four scoring ones); run it under
#        `flock /work/notes/bench.lock` (or any lock the machine's benchmarks share) so no two overlap.
set -euo pipefail
cd "$(dirname "$0")/../.."
CONCURRENCY=${CONCURRENCY:-32}
GRPC_CHANNELS=${GRPC_CHANNELS:-1}
DURATION=${DURATION:-10}
WARMUP=${WARMUP:-5}
ROUNDS=${ROUNDS:-5}
OUT=${OUT:-/tmp/shipyard-grpc-bench-bin}
. tests/peers/standalone.sh
bench_workspace grpc-bench
build_release "$OUT"
[ -n "${NO_BUILD:-}" ] || dotnet build -c Release tests/peers/grpc-load -o "$OUT/grpc-load" -v q -nologo >/dev/null
grpc_port=$(free_port)
start_standalone "$OUT/app" "$WORK/shipyard" Shipyard__Grpc__Url="http://127.0.0.1:$grpc_port"
echo "load before: $(uptime)"
dotnet "$OUT/grpc-load/GrpcLoad.dll" --rest "$BASE" --grpc "http://127.0.0.1:$grpc_port" --body "$BODY" --server-pid "$SERVER_PID" \
  --concurrency "$CONCURRENCY" --grpc-channels "$GRPC_CHANNELS" --duration "$DURATION" --warmup "$WARMUP" --rounds "$ROUNDS" \
  ${MODES:+--modes "$MODES"}
echo "load after: $(uptime)"
