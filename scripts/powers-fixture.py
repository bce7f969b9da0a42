#!/usr/bin/env python3
"""Correctly rounded β^t, for Adam's bias corrections (packages/nn/test/powers.test.ts).

Writes packages/nn/test/fixtures/powers.json: for each β, t = 1…1000, the exact
power rounded once to a double (80-digit decimal arithmetic), and C's pow (what
PyTorch's Adam computes, Python's float **), which is within 0.52 ulp and so
rounds the other way now and then. Run with any python3: /usr/bin/python3 scripts/powers-fixture.py
"""
import json
import os
from decimal import Decimal, getcontext

getcontext().prec = 80
betas = [0.9, 0.999, 0.95, 0.99]
out = {'betas': betas, 'exact': [], 'pow': []}
for b in betas:
    out['exact'].append([float(Decimal(b) ** t) for t in range(1, 1001)])
    out['pow'].append([b ** t for t in range(1, 1001)])
path = os.path.join(os.path.dirname(__file__), '..', 'packages', 'nn', 'test', 'fixtures', 'powers.json')
with open(path, 'w') as f:
    json.dump(out, f)
    f.write('\n')
print('wrote', os.path.normpath(path))
