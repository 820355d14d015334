# Shared by the HTTP benchmark scripts (sourced; run from the repository root): the request body and the Release
# standalone server under the benchmark settings (anonymous callers, no rate limit) and the runtime setting every
# launch configuration ships (DOTNET_GCgen0size: launchSettings.json, local.settings.sample.json, Bicep, Dockerfiles).

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

# start_standalone APPDIR WORKDIR [VAR=value ...]: starts APPDIR/Shipyard.Functions on a free port with its data
# folder and log under WORKDIR and the extra environment given; sets SERVER_PID and URL (breast-cancer v1 predict)
# and returns once it answers the body in $BODY.
start_standalone() {
  local appdir=$1 work=$2 port
  shift 2
  port=$(free_port)
  mkdir -p "$work"
  env ASPNETCORE_ENVIRONMENT=Production Shipyard__Auth__AllowAnonymous=true Shipyard__RateLimiting__Enabled=false \
    Shipyard__DataPath="$work/data" DOTNET_GCgen0size=0x1000000 "$@" \
    "$appdir/Shipyard.Functions" --urls "http://127.0.0.1:$port" >"$work/server.log" 2>&1 &
  SERVER_PID=$!
  URL="http://127.0.0.1:$port/api/models/breast-cancer/versions/1/predict"
  wait_http "$URL" "$BODY"
}
