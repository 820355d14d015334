"""Writes scipy reference values for the distribution functions behind the drift p-values.

Usage: python3 make_distribution_cases.py > ../../Shipyard.Tests/Monitoring/ReferenceCases/distributions.csv
Columns: function,a,b,c,value
  kstwo_sf,n,x,,,scipy.stats.kstwo.sf(x, n)            (ks_2samp's asymptotic p-value)
  ks2_exact,n1,n2,h,,p from scipy's _attempt_exact_2kssamp (ks_2samp's exact p-value at D = h/lcm)
  chi2_sf,dof,x,,,scipy.stats.chi2.sf(x, dof)
Generated with scipy 1.10.1 / numpy 1.24.2 (Debian bookworm python3-scipy).
"""
import math
import sys

import numpy as np
from scipy import stats
from scipy.stats._stats_py import _attempt_exact_2kssamp

rows = []
for n in [1, 2, 3, 5, 10, 20, 50, 100, 140, 141, 300, 1000, 8571, 20000, 99999, 150000, 500000]:
    for x in [0.0005, 0.001, 0.003, 0.007, 0.01, 0.02, 0.035, 0.05, 0.08, 0.1, 0.15, 0.2, 0.3, 0.45, 0.5, 0.6, 0.8, 0.95]:
        rows.append(("kstwo_sf", n, x, "", stats.kstwo.sf(x, n)))
for n1, n2 in [(1, 1), (3, 5), (7, 7), (10, 25), (50, 50), (60, 90), (400, 300), (1000, 999), (2500, 3000), (600, 450), (10000, 10000), (3000, 4000)]:
    g = math.gcd(n1, n2)
    lcm = n1 // g * n2
    for frac in [0.0, 0.01, 0.03, 0.05, 0.08, 0.12, 0.2, 0.35, 0.6, 1.0]:
        h = int(round(frac * lcm))
        ok, d, p = _attempt_exact_2kssamp(n1, n2, g, h / lcm, "two-sided")
        if ok:
            rows.append(("ks2_exact", n1, n2, h, p))
for dof in [1, 2, 3, 5, 10, 30, 100, 1000]:
    for x in [0.001, 0.1, 0.5, 1.0, 2.0, 5.0, 10.0, 30.0, 100.0, 339.2586213066921, 1000.0, 1500.0]:
        rows.append(("chi2_sf", dof, x, "", stats.chi2.sf(x, dof)))

print("function,a,b,c,value")
for f, a, b, c, v in rows:
    print(f"{f},{a},{b!r},{c},{float(v)!r}")
