import { describe, expect, it } from 'vitest';
import { Value } from '@ugrad/engine';
import { MLP } from '../src/layers.js';
import { clipGradNorm, type Optimizer } from '../src/optim.js';
import { Adam, AdamW, SGD } from '../src/optimizers.js';
import { Trainer } from '../src/trainer.js';
import { moons } from '../src/datasets.js';
import { checkpointToJSON, restoreCheckpoint } from '../src/checkpoint.js';

const data = moons({ n: 40, noise: 0.1, seed: 9 });

describe('freezing', () => {
  it('freeze()/unfreeze() set requiresGrad on every parameter of a module; parameters() still lists them', () => {
    const model = new MLP(2, [4, 1], { seed: 1 });
    expect(model.layers[0]!.freeze()).toBe(model.layers[0]);
    expect(model.parameters()).toHaveLength(17);
    expect(model.parameters().map((p) => p.requiresGrad)).toEqual([...Array(12).fill(false), ...Array(5).fill(true)]);
    model.unfreeze();
    expect(model.parameters().every((p) => p.requiresGrad)).toBe(true);
  });

  const optimizers: [string, (ps: Value[]) => Optimizer][] = [
    ['SGD with momentum and weight decay', (ps) => new SGD(ps, { lr: 0.1, momentum: 0.9, weightDecay: 0.01 })],
    ['Adam with weight decay', (ps) => new Adam(ps, { lr: 0.05, weightDecay: 0.01 })],
    ['AdamW', (ps) => new AdamW(ps, { lr: 0.05 })],
  ];
  for (const [name, make] of optimizers) {
    for (const compile of [true, false]) {
      it(`${name}, ${compile ? 'compiled' : 'eager'}: frozen weights stay bit for bit, the others train, with clipping`, () => {
        const model = new MLP(2, [6, 1], { seed: 2 });
        model.layers[0]!.freeze();
        const before = model.layers[0]!.stateDict();
        const top = model.layers[1]!.stateDict();
        const trainer = new Trainer(model, data, { loss: 'bce', optimizer: make(model.parameters()), steps: 15, batchSize: 10, clipGradNorm: 0.5, compile });
        expect(trainer.mode).toBe(compile ? 'compiled' : 'eager');
        while (!trainer.done) trainer.step();
        expect(model.layers[0]!.stateDict()).toEqual(before);
        expect(model.layers[1]!.stateDict()).not.toEqual(top);
        expect(trainer.history.steps.at(-1)!.loss).toBeLessThan(trainer.history.steps[0]!.loss);
      });
    }
  }

  it('compiled and eager training agree with part of the model frozen', () => {
    const run = (compile: boolean) => {
      const model = new MLP(2, [6, 6, 1], { seed: 3 });
      model.layers[1]!.freeze();
      // SGD: Adam would magnify a rounding difference in a near-zero gradient into a whole step, with or without freezing.
      const t = new Trainer(model, data, { loss: 'hinge', optimizer: new SGD(model.parameters(), { lr: 0.1, momentum: 0.9 }), steps: 10, compile });
      while (!t.done) t.step();
      return t.history.steps.map((s) => s.loss);
    };
    const [a, b] = [run(true), run(false)];
    a.forEach((v, i) => expect(Math.abs(v - b[i]!)).toBeLessThan(1e-12 * Math.max(1, Math.abs(v))));
  });

  it('clipGradNorm leaves frozen parameters out of the norm', () => {
    const [a, b] = [new Value(0), new Value(0)];
    a.grad = 3;
    b.grad = 4;
    b.requiresGrad = false;
    expect(clipGradNorm([a, b], 1)).toBe(3);
    expect(b.grad).toBe(4);
  });

  it('checkpoints record which parameters are frozen, and restore it', () => {
    const model = new MLP(2, [3, 1], { seed: 4 });
    model.layers[0]!.neurons[1]!.freeze();
    const text = checkpointToJSON({ model });
    expect(JSON.parse(text).frozen).toEqual(['layers.0.neurons.1.w.0', 'layers.0.neurons.1.w.1', 'layers.0.neurons.1.b']);
    const copy = restoreCheckpoint(text);
    expect(copy.parameters().map((p) => p.requiresGrad)).toEqual(model.parameters().map((p) => p.requiresGrad));
    expect(() => restoreCheckpoint(text.replace('"layers.0.neurons.1.b"]', '"nope"]'))).toThrow(new RangeError('restoreCheckpoint: expected frozen to name parameters of the checkpoint, got "nope"'));
  });
});
