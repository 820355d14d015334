#!/usr/bin/env python3
"""A steady stream of outcome feedback for docs/benchmarks.md "Evaluation" (issue 23: feedback ingestion never blocks
predictions). First collects prediction ids from the server (--ids predictions, 10 per request), then posts
--batch outcomes per request at --rate requests/s for --duration seconds over one keep-alive connection; prints one
JSON line: requests sent, outcomes accepted, errors, and the feedback requests' p50/p99 in ms."""
import argparse
import http.client
import json
import time
import urllib.parse


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--base", required=True, help="http://127.0.0.1:PORT")
    parser.add_argument("--body", required=True, help="a predict body (one instance)")
    parser.add_argument("--ids", type=int, default=2000)
    parser.add_argument("--batch", type=int, default=100)
    parser.add_argument("--rate", type=float, default=10)
    parser.add_argument("--duration", type=float, default=15)
    args = parser.parse_args()

    url = urllib.parse.urlparse(args.base)
    connection = http.client.HTTPConnection(url.hostname, url.port)
    instance = json.load(open(args.body))["instances"][0]
    many = json.dumps({"instances": [instance] * 10})
    ids, labels = [], []
    while len(ids) < args.ids:
        connection.request("POST", "/api/models/breast-cancer/predict", many, {"Content-Type": "application/json"})
        answer = json.loads(connection.getresponse().read())
        for p in answer["predictions"]:
            ids.append(p["predictionId"])
            labels.append(p["label"])

    sent = accepted = errors = 0
    latencies = []
    start = time.monotonic()
    while time.monotonic() - start < args.duration:
        due = start + sent / args.rate
        pause = due - time.monotonic()
        if pause > 0:
            time.sleep(pause)
        first = (sent * args.batch) % len(ids)
        outcomes = [{"predictionId": ids[(first + i) % len(ids)], "actual": labels[(first + i) % len(ids)]} for i in range(args.batch)]
        began = time.monotonic()
        connection.request("POST", "/api/models/breast-cancer/feedback", json.dumps({"outcomes": outcomes}), {"Content-Type": "application/json"})
        response = connection.getresponse()
        body = response.read()
        latencies.append((time.monotonic() - began) * 1000)
        sent += 1
        if response.status == 200:
            accepted += json.loads(body)["accepted"]
        else:
            errors += 1

    latencies.sort()
    pick = lambda q: round(latencies[min(len(latencies) - 1, int(q * len(latencies)))], 2) if latencies else None
    print(json.dumps({"requests": sent, "accepted": accepted, "errors": errors, "p50Ms": pick(0.5), "p99Ms": pick(0.99)}))


if __name__ == "__main__":
    main()
