#!/usr/bin/env python3
"""PyTorch's values and gradients for every op of @ugrad/engine, at IEEE edges.

Writes packages/engine/test/fixtures/torch-ops.json, which
packages/engine/test/torch.test.ts compares the engine against. CI has no
torch: it reads only the committed fixture. To regenerate (Debian/Ubuntu):

    apt-get install -y python3-torch
    /usr/bin/python3 scripts/torch-fixtures.py

Every point is computed in float64 on the CPU, one element at a time (a
one-element tensor takes PyTorch's scalar code path, C's libm). PyTorch's
vectorised path, used for longer tensors, sometimes gives another answer (the
sign of a zero in maximum(-0, 0), an ulp in exp); where it does, the case also
records that answer under "alt", and either is accepted.

Numbers are JSON numbers (Python writes the shortest text that reads back as
the same double, -0.0 included), except NaN and ±Infinity, which JSON lacks:
they are the strings "NaN", "Infinity" and "-Infinity".
"""
import json
import math
import os
import random

import torch
import torch.nn.functional as F

torch.set_default_dtype(torch.float64)
inf, nan = math.inf, math.nan
MAX = 1.7976931348623157e308
TINY = 5e-324  # the smallest subnormal
NORMAL = 2.2250738585072014e-308  # the smallest normal

# Unary inputs: kinks, ±0, ±∞, NaN, subnormals, the edges where exp overflows
# or underflows, where tanh and sigmoid saturate, huge arguments for sin/cos,
# and a few ordinary numbers.
rng = random.Random(12)
UNARY = [
    0.0, -0.0, 1.0, -1.0, 0.5, -0.5, 2.0, -2.0, 3.0, -3.0, 0.1, -0.1, 1.5, -1.5, 0.25, 1 / 3, 10.0, -10.0,
    math.pi, -math.pi, math.pi / 2, TINY, -TINY, NORMAL, -NORMAL, 1e-300, -1e-300, 1e-160, 1e-8, -1e-8,
    1e300, -1e300, 1e154, 1e155, MAX, -MAX, 709.782712893384, 709.7827128933841, 710.0, -708.3964185322641,
    -745.1332191019411, -745.1332191019412, -710.0, 18.5, 19.0625, 20.0, 36.0, -36.0, 37.5, -37.5,
    1e15, 1e22, -1e22, 2.0 ** 53, -(2.0 ** 53), inf, -inf, nan,
] + [round(rng.gauss(0, 3), 6) for _ in range(16)]

# Binary inputs: every pair of these.
BINARY = [
    0.0, -0.0, 1.0, -1.0, 0.5, -0.5, 2.0, -2.0, 3.0, -3.5, 0.1, TINY, -TINY, 1e-300, 1e300, -1e300,
    MAX, -MAX, 709.78, -745.13, 30.0, -30.0, inf, -inf, nan,
]

POW_K = [0.0, -0.0, 1.0, 2.0, 3.0, 4.0, -1.0, -2.0, -3.0, 0.5, -0.5, 1.5, -1.5, 2.5, 1 / 3, 0.1, 10.0, inf, -inf, nan]
SLOPES = [0.01, 0.2, 0.0, -0.5, 1.0, 3.0]
CLAMP_LO = [0.0, -1.0, 1.0, -0.0, -inf, inf]
CLAMP_HI = [0.0, 1.0, -1.0, -0.0, inf, -inf]
CLAMP = [(-1.0, 1.0), (0.0, 1.0), (0.0, 0.0), (-0.0, 0.0), (1.0, -1.0), (-inf, 0.0), (0.0, inf), (-inf, inf)]
SOFTMAX = [
    [1.0, 2.0, 3.0], [0.5, -1.0, 0.0, 4.0, -2.5], [1000.0, 0.0, -1000.0], [1000.0, 1000.0], [-1000.0, -1000.0, -1000.0],
    [1e300, -1e300], [MAX, MAX], [0.0, TINY], [-0.0, 0.0], [5.0], [-inf, 0.0], [-inf, -inf], [inf, 0.0], [nan, 1.0],
    [30.0, -30.0, 0.0, 700.0], [709.0, 708.0, -745.0],
]


def unary(name, f, xs=UNARY, **extra):
    return {'name': name, 'inputs': 1, **extra, 'f': f, 'points': [(x,) for x in xs]}


def binary(name, f):
    return {'name': name, 'inputs': 2, 'f': f, 'points': [(a, b) for a in BINARY for b in BINARY]}


GROUPS = [
    binary('add', lambda a, b: a + b),
    binary('sub', lambda a, b: a - b),
    binary('mul', lambda a, b: a * b),
    binary('div', lambda a, b: a / b),
    binary('pow', torch.pow),
    binary('min', torch.minimum),
    binary('max', torch.maximum),
    binary('logAddExp', torch.logaddexp),
    unary('neg', lambda a: -a),
    unary('exp', torch.exp),
    unary('log', torch.log),
    unary('sin', torch.sin),
    unary('cos', torch.cos),
    unary('tanh', torch.tanh),
    unary('sigmoid', torch.sigmoid),
    unary('relu', torch.relu),
    unary('abs', torch.abs),
    unary('sqrt', torch.sqrt),
    *[unary('powk', (lambda k: lambda a: a ** k)(k), constants=[k]) for k in POW_K],
    *[unary('leakyRelu', (lambda s: lambda a: F.leaky_relu(a, s))(s), constants=[s]) for s in SLOPES],
    *[unary('clampMin', (lambda lo: lambda a: torch.clamp_min(a, lo))(lo), constants=[lo]) for lo in CLAMP_LO],
    *[unary('clampMax', (lambda hi: lambda a: torch.clamp_max(a, hi))(hi), constants=[hi]) for hi in CLAMP_HI],
    *[unary('clamp', (lambda lo, hi: lambda a: torch.clamp(a, lo, hi))(lo, hi), constants=[lo, hi]) for lo, hi in CLAMP],
]


def run(f, columns):
    """Values and gradients of f over columns of inputs (one tensor per operand), upstream gradient 1."""
    ts = [torch.tensor(c, requires_grad=True) for c in columns]
    y = f(*ts)
    y.backward(torch.ones_like(y))
    return [y.tolist(), *[t.grad.tolist() for t in ts]]


def same(x, y):
    return (math.isnan(x) and math.isnan(y)) or (x == y and math.copysign(1, x) == math.copysign(1, y))


def enc(x):
    if math.isnan(x):
        return 'NaN'
    if math.isinf(x):
        return 'Infinity' if x > 0 else '-Infinity'
    return x


def group(g):
    cases, alt = [], {}
    columns = list(zip(*g['points']))
    batch = run(g['f'], [list(c) for c in columns])  # the vectorised path
    for i, p in enumerate(g['points']):
        one = [r[0] for r in run(g['f'], [[x] for x in p])]  # the scalar path
        cases.append([enc(x) for x in (*p, *one)])
        other = [r[i] for r in batch]
        if not all(same(x, y) for x, y in zip(one, other)):
            alt[str(i)] = [enc(x) for x in other]
    out = {'name': g['name'], 'constants': [enc(k) for k in g.get('constants', [])], 'cases': cases}
    if alt:
        out['alt'] = alt
    return out


def softmax_cases():
    """softmax(x) and the gradient of Σ wᵢ·softmax(x)ᵢ with weights w = 1, 2, 3, … (so that it is not 0)."""
    cases = []
    for xs in SOFTMAX:
        x = torch.tensor(xs, requires_grad=True)
        y = torch.softmax(x, 0)
        w = torch.arange(1, len(xs) + 1, dtype=torch.float64)
        (y * w).sum().backward()
        cases.append({'x': [enc(v) for v in xs], 'y': [enc(v) for v in y.tolist()], 'grad': [enc(v) for v in x.grad.tolist()]})
    return cases


def main():
    groups = [group(g) for g in GROUPS]
    data = {
        'about': 'PyTorch float64 values and gradients (upstream gradient 1) for @ugrad/engine ops; made by scripts/torch-fixtures.py',
        'torch': torch.__version__,
        'groups': groups,
        'softmax': softmax_cases(),
    }
    path = os.path.join(os.path.dirname(__file__), '..', 'packages', 'engine', 'test', 'fixtures', 'torch-ops.json')
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, 'w') as f:
        # one case per line: small diffs when PyTorch or the grid changes
        f.write('{\n')
        f.write(f'  "about": {json.dumps(data["about"])},\n  "torch": {json.dumps(data["torch"])},\n  "groups": [\n')
        for gi, g in enumerate(groups):
            head = {k: v for k, v in g.items() if k not in ('cases', 'alt')}
            f.write(f'    {json.dumps(head)[:-1]}, "cases": [\n')
            f.write(',\n'.join('      ' + json.dumps(c, separators=(',', ':')) for c in g['cases']))
            f.write('\n    ]')
            if 'alt' in g:
                f.write(f', "alt": {json.dumps(g["alt"], separators=(",", ":"))}')
            f.write('}' + (',' if gi < len(groups) - 1 else '') + '\n')
        f.write('  ],\n  "softmax": [\n')
        f.write(',\n'.join('    ' + json.dumps(c, separators=(',', ':')) for c in data['softmax']))
        f.write('\n  ]\n}\n')
    n = sum(len(g['cases']) for g in groups)
    print(f'{path}: {len(groups)} groups, {n} cases, {sum(len(g.get("alt", {})) for g in groups)} with a second answer from the vectorised path, {len(data["softmax"])} softmax cases')


if __name__ == '__main__':
    main()
