# Shared by the HTTP benchmark scripts (sourced; run from the repository root): the request body, the Release
# standalone server under the benchmark settings (anonymous callers, no rate limit) and the runtime setting every
# launch configuration ships (DOTNET_GCgen0size: launchSettings.json, local.settings.sample.json, Bicep, Dockerfiles),
# the Node.js peer, and a wrk run that also measures the server's CPU time per request.

# bench_workspace NAME: a fresh $WORK folder (/tmp/shipyard-NAME.*) with the request body in $BODY; on exit every
# server in $PIDS (start_standalone and start_node add theirs) is stopped and, once it has exited (Shipyard flushes
# its prediction log into $WORK while stopping), the folder is removed.
bench_workspace() {
  WORK=$(mktemp -d "/tmp/shipyard-$1.XXXXXX")
  PIDS=()
  trap 'for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done; rm -rf "$WORK"' EXIT
  export BODY="$WORK/body.json"
  write_body "$BODY"
}

# build_release OUT: Release builds of the standalone server into OUT/app and of the load client into OUT/load, unless
# NO_BUILD is set (reuse them). Not into src/*/bin, so a run does not clash with other builds in the checkout.
build_release() {
  if [ -z "${NO_BUILD:-}" ]; then
    dotnet build -c Release src/Shipyard.Server -o "$1/app" -v q -nologo >/dev/null
    dotnet build -c Release tests/peers/load -o "$1/load" -v q -nologo >/dev/null
  fi
}

# free_port: an unused loopback port.
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# write_body FILE: one breast-cancer instance (the first row of samples.csv) as a predict body.
write_body() {
  python3 - "$1" <<'PY'
import csv, json, sys
row = next(csv.DictReader(open("models/breast-cancer/1/samples.csv")))
json.dump({"instances": [{k: float(v) for k, v in row.items() if not k.startswith("expected_")}]}, open(sys.argv[1], "w"))
PY
}

# wait_http URL BODYFILE: polls with the body until the server answers 2xx (30 s at most).
wait_http() {
  for _ in $(seq 1 300); do
    curl -sf -o /dev/null -X POST -H 'Content-Type: application/json' --data-binary @"$2" "$1" && return 0
    sleep 0.1
  done
  echo "no answer from $1" >&2
  return 1
}

# start_standalone APPDIR WORKDIR [VAR=value ...]: starts APPDIR/Shipyard.Server on a free port with its data
# folder and log under WORKDIR and the extra environment given; sets SERVER_PID (also added to PIDS), BASE (its address) and URL (breast-cancer v1 predict)
# and returns once it answers the body in $BODY.
start_standalone() {
  local appdir=$1 work=$2 port
  shift 2
  port=$(free_port)
  mkdir -p "$work"
  # gRPC off unless asked for (Shipyard__Grpc__Url=… in the extra environment): its default port is one for all runs.
  env ASPNETCORE_ENVIRONMENT=Production Shipyard__Auth__AllowAnonymous=true Shipyard__RateLimiting__Enabled=false \
    Shipyard__DataPath="$work/data" DOTNET_GCgen0size=0x1000000 Shipyard__Grpc__Url= "$@" \
    "$appdir/Shipyard.Server" --urls "http://127.0.0.1:$port" >"$work/server.log" 2>&1 &
  SERVER_PID=$!
  PIDS+=("$SERVER_PID")
  BASE="http://127.0.0.1:$port"
  URL="$BASE/api/models/breast-cancer/versions/1/predict"
  wait_http "$URL" "$BODY"
}

# start_node WORKDIR: starts the Node.js peer (tests/peers/node-http/server.js) on a free port, its log under WORKDIR;
# sets SERVER_PID (also added to PIDS) and URL (its predict route) and returns once it answers the body in $BODY.
start_node() {
  local port; port=$(free_port)
  node tests/peers/node-http/server.js --port "$port" >"$1/node.log" 2>&1 &
  SERVER_PID=$!
  PIDS+=("$SERVER_PID")
  URL="http://127.0.0.1:$port/api/models/breast-cancer/predict"
  wait_http "$URL" "$BODY"
}

# wrk_cpu PID URL SECONDS [WRKOUT]: `wrk -t${THREADS:-2} -c${CONNECTIONS:-64}` on URL for SECONDS (its output in
# WRKOUT, default $WORK/wrk.txt); prints "requests/s CPU-ms-per-request" of process PID (user + system time from /proc
# ÷ requests: unlike requests/s it does not depend on how much of the shared machine the process got) and complains
# on stderr about non-2xx answers or socket errors.
wrk_cpu() {
  local out=${4:-$WORK/wrk.txt} before after
  before=$(awk '{print $14 + $15}' "/proc/$1/stat")
  wrk -t"${THREADS:-2}" -c"${CONNECTIONS:-64}" -d"$3s" --latency -s tests/peers/load/post.lua "$2" >"$out"
  after=$(awk '{print $14 + $15}' "/proc/$1/stat")
  grep -q '^non2xx 0$' "$out" && grep -q '^socket_errors 0$' "$out" || { echo "errors under load:" >&2; cat "$out" >&2; }
  awk -v t=$((after - before)) -v hz="$(getconf CLK_TCK)" '/requests in/ {n=$1} /Requests\/sec/ {r=$2} END {printf "%.0f %.3f\n", r, t*1000/hz/n}' "$out"
}
