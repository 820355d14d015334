#!/usr/bin/env python3
"""Cold start (DESIGN.md §4): process start -> first successful prediction of the self-contained ReadyToRun publish.

Publishes src/Shipyard.Server once (dotnet publish -c Release -r linux-x64 --self-contained -p:PublishReadyToRun=true),
then RUNS times: starts the executable standalone on a free loopback port with a fresh data folder, POSTs one
breast-cancer v1 prediction every 2 ms until one answers 200, and records the time from just before the process was
spawned to that 200, and the CPU time the process used up to then (a figure the load of other processes does not
change). Prints every run and the medians.

usage: python3 tests/peers/coldstart/coldstart.py [--runs 9] [--publish-dir DIR] [--no-publish]
"""
import argparse
import csv
import http.client
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def body():
    with open(os.path.join(ROOT, "models", "breast-cancer", "1", "samples.csv")) as f:
        row = next(csv.DictReader(f))
    return json.dumps({"instances": [{k: float(v) for k, v in row.items() if not k.startswith("expected_")}]}).encode()


def cpu_ms(pid):
    """CPU time (user + system, all threads) the process has used so far: the work behind the wall time, which the
    load other processes put on a shared machine does not change."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) * 1000 / os.sysconf("SC_CLK_TCK")


def one_run(exe, payload):
    port = free_port()
    data = tempfile.mkdtemp(prefix="shipyard-coldstart-")
    env = dict(os.environ, ASPNETCORE_ENVIRONMENT="Production", Shipyard__Auth__AllowAnonymous="true",
               Shipyard__DataPath=data, Logging__LogLevel__Default="Warning")
    start = time.perf_counter()
    proc = subprocess.Popen([exe, "--urls", f"http://127.0.0.1:{port}"], cwd=os.path.dirname(exe), env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"exited {proc.returncode}: {proc.stderr.read().decode()}")
            if time.perf_counter() - start > 60:
                raise RuntimeError("no prediction within 60 s")
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
                conn.request("POST", "/api/models/breast-cancer/versions/1/predict", payload, {"Content-Type": "application/json"})
                response = conn.getresponse()
                text = response.read()
                conn.close()
                if response.status == 200 and b'"predictions"' in text:
                    return (time.perf_counter() - start) * 1000, cpu_ms(proc.pid)
            except (ConnectionRefusedError, ConnectionResetError, http.client.RemoteDisconnected):
                pass
            time.sleep(0.002)
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        shutil.rmtree(data, ignore_errors=True)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--publish-dir", default=os.path.join(tempfile.gettempdir(), "shipyard-coldstart-publish"))
    parser.add_argument("--no-publish", action="store_true")
    args = parser.parse_args()
    if not args.no_publish:
        command = ["dotnet", "publish", os.path.join(ROOT, "src", "Shipyard.Server"), "-c", "Release", "-r", "linux-x64",
                   "--self-contained", "-p:PublishReadyToRun=true", "-o", args.publish_dir, "-nologo", "-v", "q"]
        print(" ".join(command), file=sys.stderr)
        published = subprocess.run(command, capture_output=True, text=True)
        if published.returncode != 0:  # MSBuild writes its errors to stdout: show them instead of a bare exit status
            sys.exit(f"publish failed ({published.returncode}):\n{published.stdout}{published.stderr}")
    exe = os.path.join(args.publish_dir, "Shipyard.Server")
    payload = body()
    one_run(exe, payload)  # page cache warm-up, not counted
    runs = [one_run(exe, payload) for _ in range(args.runs)]
    for i, (ms, cpu) in enumerate(runs):
        print(f"run {i + 1}: {ms:.0f} ms (CPU {cpu:.0f} ms)")
    wall = [ms for ms, _ in runs]
    cpu = [c for _, c in runs]
    print(f"median of {len(runs)}: {statistics.median(wall):.0f} ms (min {min(wall):.0f}, max {max(wall):.0f}); "
          f"CPU to first prediction: median {statistics.median(cpu):.0f} ms")


if __name__ == "__main__":
    main()
