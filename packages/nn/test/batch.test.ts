import { describe, expect, it } from 'vitest';
import { Value, noGrad, type ValueLike } from '@ugrad/engine';
import { Adam, MLP, Module, Trainer, digits, moons, trainTestSplit } from '@ugrad/nn';

// The compiled batch step's cross-check against the eager graph, which the
// tracer's own checks cannot replace, and predictions through the compiled
// forward pass (Trainer.predict).

// Tells Values (while traced) from numbers (when called eagerly): it traces
// without an error, but the compiled program computes something else.
class TwoFaced extends Module<readonly ValueLike[], Value[]> {
  mlp = new MLP(2, [4, 1], { seed: 5 });
  forward(x: readonly ValueLike[]): Value[] {
    return this.mlp.forward(x[0] instanceof Value ? x : x.map((v) => (v as number) * 2));
  }
}

// Halves its hidden layer while training (a deterministic stand-in for dropout), so eval mode builds another graph.
class Halving extends Module<readonly ValueLike[], Value[]> {
  hidden = new MLP(2, [6], { seed: 6 });
  out = new MLP(6, [3], { seed: 7 });
  forward(x: readonly ValueLike[]): Value[] {
    const h = this.hidden.forward(x);
    return this.out.forward(this.training ? h.map((v) => v.mul(0.5)) : h);
  }
}

const eagerOutputs = (model: Module<readonly ValueLike[], Value[]>, X: readonly (readonly number[])[]): number[][] => {
  const was = model.training;
  model.eval();
  try {
    return noGrad(() => X.map((x) => model.forward(x).map((v) => v.data)));
  } finally {
    model.train(was);
  }
};

describe('compiled batch step', () => {
  it('is refused when the compiled model disagrees with model.forward on the training rows', () => {
    const data = moons({ n: 40, noise: 0.1, seed: 5 });
    const trainer = new Trainer(new TwoFaced(), data, { loss: 'bce', lr: 0.1, steps: 2 });
    expect(trainer.mode).toBe('eager');
    expect(trainer.eagerReason).toMatch(/^the compiled model gave [-0-9.e]+ where model\.forward gave [-0-9.e]+ \(training sample 0, output 0\)/);
  });
});

describe('Trainer.predict', () => {
  it('gives model.forward\'s outputs bit for bit, on digits, before and after training, on rows it never saw', () => {
    const all = digits({ scale: true });
    const { train, test } = trainTestSplit(all, { testFraction: 0.2, stratify: true, seed: 1 });
    const model = new MLP(64, [16, 10], { seed: 1, init: 'he' });
    const trainer = new Trainer(model, train, { loss: 'crossEntropy', optimizer: new Adam(model.parameters(), { lr: 0.01 }), batchSize: 64, epochs: 2 });
    expect(trainer.mode).toBe('compiled');
    expect(trainer.predict(test.X)).toEqual(eagerOutputs(model, test.X));
    while (!trainer.done) trainer.step();
    const got = trainer.predict(test.X);
    expect(got).toEqual(eagerOutputs(model, test.X));
    expect(got).toHaveLength(test.X.length);
    expect(got[0]).toHaveLength(10);
    expect(model.training).toBe(true); // its mode is put back
    // and the predicted classes are those evaluate counts as right
    const correct = got.filter((s, i) => s.indexOf(Math.max(...s)) === test.y[i]).length;
    expect(trainer.evaluate(test).accuracy).toBe(correct / test.X.length);
  });

  it('predicts in eval mode, also where eval mode builds another graph than training', () => {
    const data = { X: moons({ n: 30, seed: 8 }).X, y: Array.from({ length: 30 }, (_, i) => i % 3) };
    const model = new Halving();
    const trainer = new Trainer(model, data, { loss: 'crossEntropy', lr: 0.1, steps: 3 });
    expect(trainer.mode).toBe('compiled');
    trainer.step();
    const got = trainer.predict(data.X);
    expect(got).toEqual(eagerOutputs(model, data.X));
    expect(got).not.toEqual(noGrad(() => data.X.map((x) => model.forward(x).map((v) => v.data)))); // not training mode's
  });

  it('falls back to model.forward where the model cannot be compiled, or training is eager', () => {
    const data = moons({ n: 40, noise: 0.1, seed: 5 });
    const model = new TwoFaced();
    const trainer = new Trainer(model, data, { loss: 'bce', lr: 0.1, steps: 2 });
    expect(trainer.mode).toBe('eager');
    expect(trainer.predict(data.X)).toEqual(eagerOutputs(model, data.X));
    const mlp = new MLP(2, [5, 1], { seed: 9 });
    const eager = new Trainer(mlp, data, { loss: 'bce', lr: 0.1, steps: 2, compile: false });
    expect(eager.predict(data.X.slice(0, 3))).toEqual(eagerOutputs(mlp, data.X.slice(0, 3)));
  });

  it('compiled with a custom loss (a program per label) too', () => {
    const data = moons({ n: 24, noise: 0.1, seed: 10 });
    const model = new MLP(2, [4, 1], { seed: 10 });
    const meanSq = (o: Value[][], t: number[]): Value => o.map((row, i) => row[0]!.sub(t[i]!).pow(2)).reduce((a, b) => a.add(b)).mul(1 / o.length);
    const trainer = new Trainer(model, data, { loss: meanSq, lr: 0.05, steps: 2, compile: true });
    expect(trainer.mode).toBe('compiled');
    expect(trainer.predict([[0.5, -0.25], [2, 1]])).toEqual(eagerOutputs(model, [[0.5, -0.25], [2, 1]]));
  });

  it('checks its rows first', () => {
    const trainer = new Trainer(new MLP(2, [3, 1], { seed: 11 }), moons({ n: 10, seed: 11 }), { loss: 'bce', lr: 0.1, steps: 1 });
    expect(() => trainer.predict('rows' as never)).toThrow(new TypeError('Trainer.predict: expected X to be an array of rows, got string "rows"'));
    expect(() => trainer.predict([])).toThrow(new RangeError('Trainer.predict: expected X to have at least one row, got none'));
    expect(() => trainer.predict([[1, 2, 3]])).toThrow(new RangeError('Trainer.predict: expected the rows of X to have 2 columns like the training data, got 3'));
    expect(() => trainer.predict([[1, 2], [3]])).toThrow(new RangeError('Trainer.predict: expected X[1] to have 2 columns as X[0] does, got 1'));
    expect(() => trainer.predict([[1, NaN]])).toThrow(new RangeError('Trainer.predict: expected X[0][1] to be a finite number, got NaN'));
  });
});
