"""Reference implementation of DESIGN.md §3 drift statistics with numpy/scipy.

Usage: python3 drift_reference.py reference.csv current.csv [--categorical a,b] > expected.json
Used to produce expected values for Shipyard's own edge cases and as the peer in the benchmark.
"""
import json
import sys

import numpy as np
from scipy import stats
from scipy.spatial.distance import jensenshannon


def read_csv(path):
    import csv
    with open(path, newline="") as f:
        rows = list(csv.reader(f))
    header, body = rows[0], rows[1:]
    return {name: [r[i] for r in body] for i, name in enumerate(header)}


def is_missing(s):
    return s.strip() == "" or s.strip().lower() == "nan"


def bins_proportions(ref, cur):
    edges = np.unique(np.quantile(ref, np.linspace(0.1, 0.9, 9)))
    # right-closed bins (-inf,e1],(e1,e2],...,(ek,inf): searchsorted side='left' gives the bin index
    r = np.bincount(np.searchsorted(edges, ref, side="left"), minlength=len(edges) + 1) / len(ref)
    c = np.bincount(np.searchsorted(edges, cur, side="left"), minlength=len(edges) + 1) / len(cur)
    return r, c


def psi(r, c):
    r = np.maximum(r, 1e-4)
    c = np.maximum(c, 1e-4)
    return float(np.sum((c - r) * np.log(c / r)))


def numeric(ref, cur):
    ks = stats.ks_2samp(ref, cur, method="auto")
    w = stats.wasserstein_distance(ref, cur)
    r, c = bins_proportions(ref, cur)
    out = {
        "kind": "numeric",
        "ks": {"statistic": float(ks.statistic), "pValue": float(ks.pvalue)},
        "wasserstein": float(w),
        "psi": psi(r, c),
        "jensenShannon": float(jensenshannon(r, c, base=2)),
    }
    if len(ref) <= 1000:
        out["drifted"] = bool(ks.pvalue < 0.05)
    else:
        out["drifted"] = bool(w / max(np.std(ref), 0.001) > 0.1)
    return out


def categorical(ref, cur):
    cats = sorted(set(ref) | set(cur))
    rc = np.array([sum(1 for v in ref if v == k) for k in cats], dtype=float)
    cc = np.array([sum(1 for v in cur if v == k) for k in cats], dtype=float)
    if len(cats) > 1:
        chi = stats.chi2_contingency(np.vstack([rc, cc]), correction=False)
        stat, p = float(chi[0]), float(chi[1])
    else:
        stat, p = 0.0, 1.0
    r, c = rc / rc.sum(), cc / cc.sum()
    js = float(jensenshannon(r, c, base=2))
    out = {"kind": "categorical", "chiSquare": {"statistic": stat, "pValue": p}, "psi": psi(r, c), "jensenShannon": js}
    out["drifted"] = bool(p < 0.05) if len(ref) <= 1000 else bool(js > 0.1)
    return out


def main(argv):
    ref_path, cur_path = argv[0], argv[1]
    categorical_names = []
    if "--categorical" in argv:
        categorical_names = [s for s in argv[argv.index("--categorical") + 1].split(",") if s]
    ref, cur = read_csv(ref_path), read_csv(cur_path)
    features = {}
    for name in ref:
        rv = [v.strip() for v in ref[name] if not is_missing(v)]
        cv = [v.strip() for v in cur[name] if not is_missing(v)]
        if name in categorical_names:
            f = categorical(rv, cv)
        else:
            f = numeric(np.array(rv, dtype=float), np.array(cv, dtype=float))
        f["missingRate"] = {"reference": 1.0 - len(rv) / len(ref[name]), "current": 1.0 - len(cv) / len(cur[name])}
        features[name] = f
    share = sum(f["drifted"] for f in features.values()) / len(features)
    json.dump({"categorical": categorical_names, "features": features,
               "datasetDrift": {"driftedShare": share, "drifted": bool(share >= 0.5)}}, sys.stdout, indent=1)


if __name__ == "__main__":
    main(sys.argv[1:])
