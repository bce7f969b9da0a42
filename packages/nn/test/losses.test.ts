import { describe, expect, it } from 'vitest';
import { Value, compileStep } from '@ugrad/engine';
import { Rng } from '../src/random.js';
import { gradCheck } from '../src/gradcheck.js';
import { accuracy, bceWithLogits, hinge, huber, l1, l2, mse, softmaxCrossEntropy } from '../src/losses.js';
import { MLP } from '../src/layers.js';
import { Trainer } from '../src/trainer.js';
import { sine } from '../src/datasets.js';

// Central differences of `f` with respect to each input, compared with backward().
function expectGradients(xs: Value[], f: () => Value, tol = 1e-7): void {
  const { maxError, worst } = gradCheck(xs, f, { h: 1e-6 });
  expect(maxError, `gradient of input ${worst}`).toBeLessThan(tol);
}

const values = (xs: number[]): Value[] => xs.map((x) => new Value(x));
const grads = (xs: Value[]): number[] => xs.map((x) => x.grad);

function expectClose(actual: number, expected: number, rel = 1e-15): void {
  expect(Math.abs(actual - expected), `${actual} vs ${expected}`).toBeLessThanOrEqual(rel * Math.abs(expected));
}

describe('mse', () => {
  it('is the mean of squared differences, with gradient 2(p − t)/n', () => {
    const p = values([1, 2, 4]);
    const loss = mse(p, [0, 2, 1]);
    expect(loss.data).toBe(10 * (1 / 3)); // (1 + 0 + 9) / 3
    loss.backward();
    expect(grads(p)).toEqual([2 / 3, 0, 2]);
  });

  it('averages over every element of multi-output rows, and unwraps one-element rows', () => {
    expect(mse([[1, 2], [3, 4]], [[0, 0], [3, 3]]).data).toBe(1.5); // (1 + 4 + 0 + 1) / 4
    expect(mse([[new Value(3)]], [1]).data).toBe(4);
  });

  it('gradient-checks, targets included when they are Values', () => {
    const rng = new Rng(1);
    const p = values([0, 0, 0, 0].map(() => rng.normal()));
    const t = values([0, 0, 0, 0].map(() => rng.normal()));
    expectGradients([...p, ...t], () => mse(p, t));
  });

  it('checks shapes', () => {
    expect(() => mse([1, 2], [1])).toThrow(new RangeError('mse: expected as many targets as preds (2), got 1'));
    expect(() => mse([], [])).toThrow(new RangeError('mse: expected at least one sample, got empty preds'));
    expect(() => mse([[1, 2]], [[1]])).toThrow(new RangeError('mse: expected targets[0] to have 2 elements like preds[0], got 1'));
    expect(() => mse([1, 'a' as unknown as number], [1, 2])).toThrow(TypeError);
    expect(() => mse(3 as unknown as number[], [1])).toThrow(new TypeError('mse: expected preds to be an array, got number 3'));
  });
});

describe('hinge', () => {
  it("is micrograd's mean(relu(1 − y·s)), bit for bit", () => {
    const s = values([2, 0.5, -1, -3]);
    const y = [1, 1, 1, -1];
    const loss = hinge(s, y);
    // terms: relu(−1) = 0, relu(0.5), relu(2), relu(−2) = 0; micrograd: sum · (1/n)
    expect(loss.data).toBe((0 + 0.5 + 2 + 0) * (1 / 4));
    loss.backward();
    expect(grads(s)).toEqual([0, -0.25, -0.25, 0]);
  });

  it('takes one-element arrays as scores, as forward() returns them', () => {
    expect(hinge([[new Value(0.25)], [-0.5]], [1, -1]).data).toBe((0.75 + 0.5) * 0.5);
  });

  it('gradient-checks away from the kink', () => {
    const s = values([0.3, -0.2, 1.7, -0.9, 0.05]);
    expectGradients(s, () => hinge(s, [1, 1, -1, -1, 1]));
  });

  it('validates labels, naming the sample', () => {
    expect(() => hinge([1, 2], [1, 0])).toThrow(new RangeError('hinge: expected labels[1] to be -1 or 1, got 0'));
    expect(() => hinge([1], ['1' as unknown as number])).toThrow(new TypeError('hinge: expected labels[0] to be -1 or 1, got string "1"'));
    expect(() => hinge([[1, 2]], [1])).toThrow(new RangeError('hinge: expected one score for sample 0, got an array of 2'));
    expect(() => hinge([1, 2, 3], [1, 1])).toThrow(new RangeError('hinge: expected as many labels as scores (3), got 2'));
  });
});

describe('bceWithLogits', () => {
  // −[y·log σ(z) + (1 − y)·log(1 − σ(z))], fine for moderate z.
  const naive = (z: number, y: number): number => {
    const s = 1 / (1 + Math.exp(-z));
    return -(y * Math.log(s) + (1 - y) * Math.log(1 - s));
  };

  it('matches the textbook formula and has gradient (σ(z) − y)/n', () => {
    const zs = [0, 2, -3, 0.7, -0.1];
    const ys = [1, 0, 1, 1, 0];
    const z = values(zs);
    const loss = bceWithLogits(z, ys);
    const expected = zs.reduce((acc, zi, i) => acc + naive(zi, ys[i]!), 0) / zs.length;
    expectClose(loss.data, expected, 1e-14);
    loss.backward();
    z.forEach((zi, i) => expectClose(zi.grad, (1 / (1 + Math.exp(-zs[i]!)) - ys[i]!) / zs.length, 1e-14));
  });

  it('has the right gradient at exactly z = 0 (σ(0) − y), where relu and abs have a kink', () => {
    const z = values([0, 0]);
    bceWithLogits(z, [1, 0]).backward();
    expect(grads(z)).toEqual([-0.25, 0.25]);
  });

  it('is finite and right at logits of ±1000', () => {
    const z = values([1000, 1000, -1000, -1000]);
    const loss = bceWithLogits(z, [1, 0, 1, 0]);
    expect(loss.data).toBe(500); // (0 + 1000 + 1000 + 0) / 4
    loss.backward();
    expect(grads(z)).toEqual([0, 0.25, -0.25, 0]);
  });

  it('keeps full relative precision for confident correct logits', () => {
    for (const z of [5, 9, 20, 40, 700]) {
      expectClose(bceWithLogits([z], [1]).data, Math.log1p(Math.exp(-z)), 3e-16);
      expectClose(bceWithLogits([-z], [0]).data, Math.log1p(Math.exp(-z)), 3e-16);
      const v = new Value(z);
      bceWithLogits([v], [1]).backward();
      expectClose(v.grad, -1 / (1 + Math.exp(z)), 1e-15); // σ(z) − 1 = −σ(−z)
    }
  });

  it('takes soft labels: softplus(z) − y·z', () => {
    const zs = [1.5, -0.4, 3];
    const ys = [0.3, 0.9, 0.5];
    const expected = zs.reduce((acc, z, i) => acc + naive(z, ys[i]!), 0) / zs.length;
    expectClose(bceWithLogits(zs, ys).data, expected, 1e-14);
  });

  it('gradient-checks, soft labels included', () => {
    const z = values([0.4, -1.3, 2.2, -0.05, 3.1]);
    expectGradients(z, () => bceWithLogits(z, [1, 0, 0.3, 1, 0]));
  });

  it('validates labels in [0, 1]', () => {
    expect(() => bceWithLogits([1, 2], [0, -1])).toThrow(new RangeError('bceWithLogits: expected labels[1] to be a number in [0, 1], got -1'));
    expect(() => bceWithLogits([1], [NaN])).toThrow(RangeError);
  });
});

describe('softmaxCrossEntropy', () => {
  it('is −log softmax at the label, with gradient (softmax − onehot)/n', () => {
    const rows = [values([1, 2, 3]), values([0.5, -1, 0])];
    const labels = [2, 0];
    const loss = softmaxCrossEntropy(rows, labels);
    const lse = (r: number[]): number => Math.log(r.reduce((a, v) => a + Math.exp(v), 0));
    const expected = (lse([1, 2, 3]) - 3 + (lse([0.5, -1, 0]) - 0.5)) / 2;
    expectClose(loss.data, expected, 1e-15);
    loss.backward();
    rows.forEach((r, i) => {
      const data = r.map((v) => v.data);
      const total = data.reduce((a, v) => a + Math.exp(v), 0);
      r.forEach((v, j) => expectClose(v.grad, (Math.exp(data[j]!) / total - (j === labels[i] ? 1 : 0)) / 2, 1e-14));
    });
  });

  it('does not overflow for logits of ±1000', () => {
    const row = values([1000, 0, -1000]);
    const loss = softmaxCrossEntropy([row], [1]);
    expect(loss.data).toBe(1000);
    loss.backward();
    expect(grads(row)).toEqual([1, -1, 0]);
    expect(softmaxCrossEntropy([[1000, 0, -1000]], [0]).data).toBe(0);
  });

  it('gradient-checks', () => {
    const rng = new Rng(3);
    const rows = [0, 1, 2, 3].map(() => values([0, 0, 0, 0].map(() => rng.normal(0, 2))));
    expectGradients(rows.flat(), () => softmaxCrossEntropy(rows, [3, 0, 1, 1]));
  });

  it('validates labels and row sizes, naming the sample', () => {
    const logits = [[1, 2, 3], [0, 0, 0]];
    expect(() => softmaxCrossEntropy(logits, [0, 1.5])).toThrow(new RangeError('softmaxCrossEntropy: expected labels[1] to be an integer class in [0, 2], got 1.5'));
    expect(() => softmaxCrossEntropy(logits, [-1, 0])).toThrow(new RangeError('softmaxCrossEntropy: expected labels[0] to be an integer class in [0, 2], got -1'));
    expect(() => softmaxCrossEntropy(logits, [0, 3])).toThrow(new RangeError('softmaxCrossEntropy: expected labels[1] to be an integer class in [0, 2], got 3'));
    expect(() => softmaxCrossEntropy([[1, 2], [1, 2, 3]], [0, 0])).toThrow(new RangeError('softmaxCrossEntropy: expected logits[1] to have 2 classes like logits[0], got 3'));
    expect(() => softmaxCrossEntropy([1, 2] as unknown as number[][], [0, 0])).toThrow(TypeError);
    expect(() => softmaxCrossEntropy([[]], [0])).toThrow(RangeError);
  });
});

describe('bceWithLogits and softmaxCrossEntropy read no value, so they compile', () => {
  // A compiled step would refuse a loss that reads .data (TraceError); here they compile and give the eager numbers.
  it('gives the eager loss and gradients', () => {
    const rng = new Rng(4);
    const w = values([0, 0, 0, 0, 0, 0].map(() => rng.normal()));
    const logits = (x: Value[]): Value[] => [0, 1, 2].map((k) => x[0]!.mul(w[2 * k]!).add(w[2 * k + 1]!));
    const X = [[0.5], [-1.2], [2.1], [0.3]], y = [2, 0, 1, 1];
    const cases = [
      { loss: (o: Value[][], t: number[]) => softmaxCrossEntropy(o, t), labels: y },
      { loss: (o: Value[][], t: number[]) => bceWithLogits(o.map((r) => [r[0]!]), t), labels: y.map((v) => (v === 1 ? 1 : 0)) },
    ];
    for (const { loss, labels } of cases) {
      const step = compileStep({ params: w, inputs: 1, labels: true, sample: (x, [t]) => loss([logits(x)], [t!]) });
      for (const p of w) p.grad = 0;
      const compiled = step.step(X, labels);
      const compiledGrads = grads(w);
      for (const p of w) p.grad = 0;
      const eager = loss(X.map((x) => logits(x.map((v) => new Value(v)))), labels);
      eager.backward();
      expect(compiled).toBe(eager.data);
      compiledGrads.forEach((g, i) => expectClose(g, w[i]!.grad, 1e-12));
    }
  });
});

describe('l2', () => {
  it('is the sum of squares, with gradient 2p', () => {
    const p = values([1, -2, 3]);
    const loss = l2(p);
    expect(loss.data).toBe(14);
    loss.backward();
    expect(grads(p)).toEqual([2, -4, 6]);
    expect(l2([]).data).toBe(0);
    expect(() => l2([new Value(1), 'x' as unknown as number])).toThrow(new TypeError('l2: expected params[1] to be a Value or a number, got string "x"'));
  });
});

describe('accuracy', () => {
  it('scores binary outputs by sign, for ±1 and for 0/1 labels', () => {
    expect(accuracy([2, -1, 0.5, -0.1], [1, -1, -1, 1])).toBe(0.5);
    expect(accuracy([[new Value(2)], [new Value(-1)], [0.5]], [1, 0, 1])).toBe(1);
    expect(accuracy([0], [-1])).toBe(1); // a score of exactly 0 is a negative prediction
  });

  it('scores multi-class rows by argmax (first on ties)', () => {
    expect(accuracy([[0.1, 0.7, 0.2], [1, 1, 0], [0, 0, 5], [3, 2, 1]], [1, 0, 1, 0])).toBe(0.75);
  });

  it('validates labels and shapes', () => {
    expect(() => accuracy([1, 2], [1, 2])).toThrow(new RangeError('accuracy: expected labels[1] to be -1 or 1 (or every label 0 or 1), got 2'));
    expect(() => accuracy([1, 2], [-1, 0])).toThrow(new RangeError('accuracy: expected labels[1] to be -1 or 1 (or every label 0 or 1), got 0'));
    expect(() => accuracy([[1, 2], [1, 2]], [0, 2])).toThrow(new RangeError('accuracy: expected labels[1] to be a class index in [0, 1], got 2'));
    expect(() => accuracy([[1, 2], [1]], [0, 0])).toThrow(new RangeError('accuracy: expected outputs[1] to have 2 scores like outputs[0], got 1'));
    expect(() => accuracy([], [])).toThrow(RangeError);
  });
});

describe('l1 and huber', () => {
  it('match their definitions and central differences, away from the kinks', () => {
    const preds = [new Value(0.3), new Value(-2.2), new Value(1.6)];
    const targets = [0.1, 0.4, -0.5];
    expect(l1(preds, targets).data).toBeCloseTo((0.2 + 2.6 + 2.1) / 3, 15);
    // delta 1: ½z² for |z| < 1, |z| − ½ beyond
    expect(huber(preds, targets).data).toBeCloseTo((0.5 * 0.2 ** 2 + (2.6 - 0.5) + (2.1 - 0.5)) / 3, 15);
    expect(huber(preds, targets, { delta: 3 }).data).toBeCloseTo(0.5 * (0.2 ** 2 + 2.6 ** 2 + 2.1 ** 2) / 3, 15);
    for (const f of [() => l1(preds, targets), () => huber(preds, targets), () => huber(preds, targets, { delta: 0.5 })]) {
      expect(gradCheck(preds, f, { h: 1e-6 }).maxError).toBeLessThan(1e-8);
    }
  });

  it('check their arguments', () => {
    expect(() => huber([1], [1], { delta: 0 })).toThrow(new RangeError('huber: expected options.delta to be finite and > 0, got 0'));
    expect(() => huber([1], [1], { d: 1 } as never)).toThrow(TypeError);
    expect(() => l1([1, 2], [1])).toThrow(new RangeError('l1: expected as many targets as preds (2), got 1'));
  });

  it('train compiled under fit, as the loss table says', () => {
    const data = sine({ n: 40, noise: 0.05, seed: 3 });
    for (const loss of ['l1', 'huber'] as const) {
      const losses = (compile: boolean) => {
        const t = new Trainer(new MLP(1, [8, 1], { hidden: 'tanh', seed: 3 }), data, { loss, lr: 0.1, steps: 30, compile });
        while (!t.done) t.step();
        return t;
      };
      const [c, e] = [losses(true), losses(false)];
      expect(c.mode).toBe('compiled');
      expect(c.history.steps[0]!.loss).toBe(e.history.steps[0]!.loss);
      expect(c.history.steps.at(-1)!.loss).toBeLessThan(c.history.steps[0]!.loss);
      c.history.steps.forEach((s, i) => expect(Math.abs(s.loss - e.history.steps[i]!.loss)).toBeLessThan(1e-12));
    }
  });
});
