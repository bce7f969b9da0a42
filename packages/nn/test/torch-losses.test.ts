import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Value } from '@ugrad/engine';
import { bceWithLogits, huber, l1, mse, softmaxCrossEntropy } from '../src/losses.js';

// PyTorch's losses (reduction 'mean') and their gradients, made by
// scripts/torch-losses.py in float64. Each loss here must agree to 1e-12
// relative, not bit for bit: ugrad adds a batch's terms left to right (as
// micrograd does), PyTorch in vectorised blocks; and Huber beyond delta adds
// ½δ² + δ(|z| − δ) where PyTorch computes δ(|z| − ½δ), an ulp or so apart.
interface Case { loss: string; params: { delta?: number }; preds: number[][]; targets: number[][] | number[]; value: number; grad: number[][] }
const { cases } = JSON.parse(readFileSync(new URL('./fixtures/torch-losses.json', import.meta.url), 'utf8')) as { cases: Case[] };

function run(c: Case): { value: number; grad: number[][] } {
  const preds = c.preds.map((row) => row.map((v) => new Value(v)));
  const targets = c.targets as number[][];
  const labels = (c.targets as number[][]).map((t) => (Array.isArray(t) ? t[0]! : t));
  const loss = c.loss === 'mse' ? mse(preds, targets)
    : c.loss === 'l1' ? l1(preds, targets)
    : c.loss === 'huber' ? huber(preds, targets, { delta: c.params.delta! })
    : c.loss === 'bce' ? bceWithLogits(preds, labels)
    : softmaxCrossEntropy(preds, c.targets as number[]);
  loss.backward();
  return { value: loss.data, grad: preds.map((row) => row.map((v) => v.grad)) };
}

const close = (a: number, b: number) => Math.abs(a - b) <= 1e-12 * Math.max(1, Math.abs(b));

describe('losses against PyTorch', () => {
  it(`${cases.length} batches: values and gradients to 1e-12, kinks included`, () => {
    for (const c of cases) {
      const got = run(c);
      const what = `${c.loss}${c.params.delta === undefined ? '' : ` delta ${c.params.delta}`} on ${c.preds.length} rows`;
      expect(close(got.value, c.value), `${what}: ${got.value} vs ${c.value}`).toBe(true);
      got.grad.forEach((row, i) => row.forEach((g, j) => expect(close(g, c.grad[i]![j]!), `${what}: grad[${i}][${j}] ${g} vs ${c.grad[i]![j]}`).toBe(true)));
    }
  });

});
