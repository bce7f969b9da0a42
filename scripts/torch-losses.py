#!/usr/bin/env python3
"""PyTorch's values and gradients for @ugrad/nn's losses, in float64.

Writes packages/nn/test/fixtures/torch-losses.json, which
packages/nn/test/torch-losses.test.ts compares the losses against. CI has no
torch: it reads only the committed fixture. To regenerate (Debian/Ubuntu):

    apt-get install -y python3-torch
    /usr/bin/python3 scripts/torch-losses.py

Each case is a batch of predictions and targets, the loss PyTorch computes
(reduction 'mean') and its gradient with respect to the predictions. The
batches include the kinks: predictions equal to their targets, differences of
exactly ±delta for Huber, and logits of ±1000.
"""
import json
import os
import random

import torch
import torch.nn.functional as F

torch.set_default_dtype(torch.float64)
rng = random.Random(20261201)
cases = []


def case(name, preds, targets, loss_fn, **params):
    p = torch.tensor(preds, requires_grad=True)
    t = torch.tensor(targets)
    loss = loss_fn(p, t)
    loss.backward()
    cases.append({'loss': name, 'params': params, 'preds': preds, 'targets': targets,
                  'value': loss.item(), 'grad': p.grad.tolist()})


def column(xs):
    return [[x] for x in xs]


for n in (1, 5, 17):
    preds = [rng.uniform(-3, 3) for _ in range(n)]
    targets = [rng.uniform(-3, 3) for _ in range(n)]
    case('mse', column(preds), column(targets), F.mse_loss)
    case('l1', column(preds), column(targets), F.l1_loss)
    for delta in (1.0, 0.5, 2.0):
        case('huber', column(preds), column(targets), lambda p, t, d=delta: F.huber_loss(p, t, delta=d), delta=delta)

# kinks: a prediction on its target, and differences of exactly ±delta
kink_preds = [0.0, 1.0, -1.0, 2.5, 0.5, -0.5, 3.0, 1e-300]
kink_targets = [0.0, 0.0, 0.0, 1.5, 0.0, 0.0, 3.0, 0.0]
case('l1', column(kink_preds), column(kink_targets), F.l1_loss)
for delta in (1.0, 0.5):
    case('huber', column(kink_preds), column(kink_targets), lambda p, t, d=delta: F.huber_loss(p, t, delta=d), delta=delta)

# logits against 0/1 labels, including saturation
logits = [0.0, 2.0, -3.5, 40.0, -40.0, 1000.0, -1000.0, 0.125]
labels = [1.0, 0.0, 1.0, 1.0, 0.0, 0.0, 1.0, 0.0]
case('bce', column(logits), column(labels), F.binary_cross_entropy_with_logits)

# class logits against class indices
for n, k in ((4, 3), (9, 10)):
    rows = [[rng.uniform(-5, 5) for _ in range(k)] for _ in range(n)]
    idx = [rng.randrange(k) for _ in range(n)]
    p = torch.tensor(rows, requires_grad=True)
    loss = F.cross_entropy(p, torch.tensor(idx))
    loss.backward()
    cases.append({'loss': 'crossEntropy', 'params': {}, 'preds': rows, 'targets': idx, 'value': loss.item(), 'grad': p.grad.tolist()})
rows = [[1000.0, -1000.0, 0.0], [-1000.0, 1000.0, 999.0]]
p = torch.tensor(rows, requires_grad=True)
loss = F.cross_entropy(p, torch.tensor([1, 2]))
loss.backward()
cases.append({'loss': 'crossEntropy', 'params': {}, 'preds': rows, 'targets': [1, 2], 'value': loss.item(), 'grad': p.grad.tolist()})

out = os.path.join(os.path.dirname(__file__), '..', 'packages', 'nn', 'test', 'fixtures', 'torch-losses.json')
with open(out, 'w') as f:
    json.dump({'torch': torch.__version__, 'cases': cases}, f, indent=1)
    f.write('\n')
print(f'wrote {len(cases)} cases to {os.path.normpath(out)}')
