import { describe, expect, it } from 'vitest';
import { Value } from '@ugrad/engine';
import { Layer, MLP } from '../src/layers.js';
import { Sequential } from '../src/sequential.js';
import { Trainer } from '../src/trainer.js';
import { moons } from '../src/datasets.js';
import { Adam } from '../src/optimizers.js';

describe('Sequential', () => {
  it("chains its children's forward, names parameters by position, and prints as PyTorch does", () => {
    const a = new Layer(2, 3, { activation: 'tanh', seed: 1 }), b = new Layer(3, 1, { activation: 'linear', seed: 2 });
    const model = new Sequential(a, b);
    const x = [0.5, -1.5];
    expect(model.forward(x).map((v) => v.data)).toEqual(b.forward(a.forward(x)).map((v) => v.data));
    expect(model.namedParameters().map(([n]) => n)).toEqual([
      '0.neurons.0.w.0', '0.neurons.0.w.1', '0.neurons.0.b', '0.neurons.1.w.0', '0.neurons.1.w.1', '0.neurons.1.b',
      '0.neurons.2.w.0', '0.neurons.2.w.1', '0.neurons.2.b', '1.neurons.0.w.0', '1.neurons.0.w.1', '1.neurons.0.w.2', '1.neurons.0.b',
    ]);
    expect([model.length, model[1]]).toEqual([2, b]);
    expect(model.children).toEqual([a, b]);
    expect(String(model)).toBe('Sequential(\n  (0): Layer(nin=2, nout=3, activation=tanh)\n  (1): Layer(nin=3, nout=1, activation=linear)\n)');
    expect(model.train(false).modules().every((m) => !m.training)).toBe(true);
  });

  it('refuses an empty chain and anything that is not a Module', () => {
    expect(() => new Sequential()).toThrow(new RangeError('Sequential: expected at least one module, got none'));
    expect(() => new Sequential(new Layer(2, 2), ((x: Value[]) => x) as never)).toThrow(new TypeError('Sequential: expected module 1 to be a Module, got a function'));
  });

  it('trains compiled under fit, and matches an MLP of the same layers step for step', () => {
    const data = moons({ n: 60, noise: 0.1, seed: 4 });
    const mlp = new MLP(2, [8, 8, 1], { seed: 4 });
    const seq = new Sequential(...mlp.layers.map((l) => Layer.fromConfig(l.config())));
    seq.loadStateDict(Object.fromEntries(Object.entries(mlp.stateDict()).map(([k, v]) => [k.replace(/^layers\./, ''), v])));
    const run = (model: MLP | Sequential) => {
      const t = new Trainer(model, data, { loss: 'bce', optimizer: new Adam(model.parameters(), { lr: 0.05 }), steps: 60, batchSize: 20, seed: 4 });
      while (!t.done) t.step();
      return t;
    };
    const [a, b] = [run(mlp), run(seq)];
    expect(b.mode).toBe('compiled');
    expect(b.history.steps.map((s) => s.loss)).toEqual(a.history.steps.map((s) => s.loss));
    expect(b.history.steps.at(-1)!.accuracy).toBeGreaterThan(0.9);
  });
});
