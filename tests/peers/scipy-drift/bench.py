"""numpy/scipy peer for the drift benchmark (DESIGN.md §4: 1,000,000 x 30 numeric features).

  python3 bench.py generate --out DIR [--rows 1000000] [--features 30] [--seed 7]
      writes DIR/reference.f64 and DIR/current.f64 (float64, little-endian, feature-major: feature 0's rows,
      then feature 1's, ...) and DIR/meta.json; the C# side (DriftBench) reads the same files.
  python3 bench.py run --data DIR [--repeat 3]
      computes, per feature, exactly the DESIGN.md §3 numeric statistics (ks_2samp auto, wasserstein_distance,
      PSI + Jensen-Shannon on unique reference deciles, std for the drift rule); prints each run's seconds and
      the median, and writes DIR/scipy-results.json for cross-checking.
"""
import argparse
import json
import os
import statistics
import sys
import time

import numpy as np
from scipy import stats
from scipy.spatial.distance import jensenshannon


def generate(out, rows, features, seed):
    os.makedirs(out, exist_ok=True)
    rng = np.random.default_rng(seed)
    ref = rng.normal(0.0, 1.0, size=(features, rows))
    shift = np.arange(features)[:, None]
    cur = rng.normal(0.0, 1.0, size=(features, rows)) * (1 + 0.01 * shift) + 0.02 * shift
    ref.astype("<f8").tofile(os.path.join(out, "reference.f64"))
    cur.astype("<f8").tofile(os.path.join(out, "current.f64"))
    with open(os.path.join(out, "meta.json"), "w") as f:
        json.dump({"rows": rows, "features": features, "seed": seed}, f)


def feature_stats(r, c):
    ks = stats.ks_2samp(r, c, method="auto")
    w = stats.wasserstein_distance(r, c)
    edges = np.unique(np.quantile(r, [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9]))
    rp = np.bincount(np.searchsorted(edges, r, side="left"), minlength=len(edges) + 1) / len(r)
    cp = np.bincount(np.searchsorted(edges, c, side="left"), minlength=len(edges) + 1) / len(c)
    rf, cf = np.maximum(rp, 1e-4), np.maximum(cp, 1e-4)
    psi = float(np.sum((cf - rf) * np.log(cf / rf)))
    js = float(jensenshannon(rp, cp, base=2))
    std = float(np.std(r))
    drifted = (ks.pvalue < 0.05) if len(r) <= 1000 else (w / max(std, 0.001) > 0.1)
    return {"ks": float(ks.statistic), "pValue": float(ks.pvalue), "wasserstein": float(w), "psi": psi, "jensenShannon": js, "drifted": bool(drifted)}


def run(data, repeat):
    meta = json.load(open(os.path.join(data, "meta.json")))
    shape = (meta["features"], meta["rows"])
    ref = np.fromfile(os.path.join(data, "reference.f64"), dtype="<f8").reshape(shape)
    cur = np.fromfile(os.path.join(data, "current.f64"), dtype="<f8").reshape(shape)
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        results = [feature_stats(ref[j], cur[j]) for j in range(shape[0])]
        times.append(time.perf_counter() - start)
        print(f"run: {times[-1]:.3f} s", flush=True)
    print(f"median: {statistics.median(times):.3f} s over {repeat} runs ({shape[1]} rows x {shape[0]} features)")
    with open(os.path.join(data, "scipy-results.json"), "w") as f:
        json.dump(results, f, indent=1)


def main(argv):
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="command", required=True)
    g = sub.add_parser("generate")
    g.add_argument("--out", required=True)
    g.add_argument("--rows", type=int, default=1_000_000)
    g.add_argument("--features", type=int, default=30)
    g.add_argument("--seed", type=int, default=7)
    r = sub.add_parser("run")
    r.add_argument("--data", required=True)
    r.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    if args.command == "generate":
        generate(args.out, args.rows, args.features, args.seed)
    else:
        run(args.data, args.repeat)


if __name__ == "__main__":
    main(sys.argv[1:])
