#!/usr/bin/env python3
"""Writes N rows of breast-cancer features (the 30 columns of models/breast-cancer) as a CSV for the batch benchmark
(docs/benchmarks.md "Batch", issue 21): the training rows, each value jittered by up to ±1% and written with %.6g,
as a notebook's `df.to_csv(float_format="%.6g")` would. Deterministic (seed 1).
usage: breast-cancer-rows.py ROWS OUT.csv"""
import csv, random, sys

rows, out = int(sys.argv[1]), sys.argv[2]
with open("models/breast-cancer/data/train.csv") as f:
    reader = csv.DictReader(f)
    features = [c for c in reader.fieldnames if c not in ("target", "label", "prediction") and not c.startswith("expected_")]
    source = [[float(r[c]) for c in features] for r in reader]
random.seed(1)
with open(out, "w") as f:
    f.write(",".join(features) + "\n")
    for i in range(rows):
        row = source[i % len(source)]
        f.write(",".join("%.6g" % (v * (1 + (random.random() - 0.5) * 0.02)) for v in row) + "\n")
