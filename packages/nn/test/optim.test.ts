import { describe, expect, it } from 'vitest';
import { Value } from '@ugrad/engine';
import { MLP } from '../src/layers.js';
import { mse } from '../src/losses.js';
import { Optimizer, clipGradNorm } from '../src/optim.js';
import { Adam, AdamW, SGD, type AdamOptions, type SGDOptions } from '../src/optimizers.js';

// Runs `opt` over a fixed sequence of gradients and records the parameters after each step.
function run(make: (ps: Value[]) => Optimizer, start: number[], gradSeq: number[][]): number[][] {
  const ps = start.map((x) => new Value(x));
  const opt = make(ps);
  return gradSeq.map((gs) => {
    ps.forEach((p, i) => (p.grad = gs[i]!));
    opt.step();
    return ps.map((p) => p.data);
  });
}

describe('SGD', () => {
  // Dyadic numbers keep every step exact, so the hand computations in the comments are the expected values.
  const sgd = (options: SGDOptions) => (ps: Value[]) => new SGD(ps, options);
  const grads = [[1], [0.5], [-1]];

  it("plain: p − lr·g, micrograd's update", () => {
    expect(run(sgd({ lr: 0.25 }), [1], [[0.5], [2], [-4]])).toEqual([[0.875], [0.375], [1.375]]);
  });

  it('momentum: the buffer starts as the gradient, then b = m·b + g', () => {
    // b = 1, p = 1 − 0.5; b = 0.5 + 0.5 = 1, p = 0.5 − 0.5; b = 0.5 − 1 = −0.5, p = 0 + 0.25
    expect(run(sgd({ lr: 0.5, momentum: 0.5 }), [1], grads)).toEqual([[0.5], [0], [0.25]]);
  });

  it('dampening scales the gradient from the second step on', () => {
    // b = 1 (no dampening on the first step), p = 0.5; b = 0.5 + 0.5·0.5 = 0.75, p = 0.125; b = 0.375 − 0.5, p = 0.1875
    expect(run(sgd({ lr: 0.5, momentum: 0.5, dampening: 0.5 }), [1], grads)).toEqual([[0.5], [0.125], [0.1875]]);
  });

  it('nesterov: steps along g + m·b', () => {
    // b = 1, d = 1.5, p = 0.25; b = 1, d = 1, p = −0.25; b = −0.5, d = −1.25, p = 0.375
    expect(run(sgd({ lr: 0.5, momentum: 0.5, nesterov: true }), [1], grads)).toEqual([[0.25], [-0.25], [0.375]]);
  });

  it('weight decay adds wd·p to the gradient, before momentum', () => {
    // g = 1 + 0.5 = 1.5, p = 0.25; g = 0.5 + 0.125 = 0.625, p = −0.0625
    expect(run(sgd({ lr: 0.5, weightDecay: 0.5 }), [1], grads.slice(0, 2))).toEqual([[0.25], [-0.0625]]);
    // g = 1.5, b = 1.5, p = 0.25; g = 0.625, b = 0.75 + 0.625, p = 0.25 − 0.6875
    expect(run(sgd({ lr: 0.5, weightDecay: 0.5, momentum: 0.5 }), [1], grads.slice(0, 2))).toEqual([[0.25], [-0.4375]]);
  });

  it('keeps one buffer per parameter', () => {
    expect(run(sgd({ lr: 0.5, momentum: 0.5 }), [1, 2], [[1, -2], [1, -2]])).toEqual([[0.5, 3], [-0.25, 4.5]]);
  });

  it('zeroGrad clears the gradients, and lr can change between steps', () => {
    const p = new Value(1);
    const opt = new SGD([p], { lr: 0.5 });
    p.grad = 1;
    opt.lr = 0.25;
    opt.step();
    expect(p.data).toBe(0.75);
    opt.zeroGrad();
    expect(p.grad).toBe(0);
    expect(opt.stepCount).toBe(1);
  });

  it('validates its options', () => {
    const ps = [new Value(1)];
    expect(() => new SGD(ps, { lr: -1 })).toThrow(new RangeError('SGD: expected options.lr to be finite and ≥ 0, got -1'));
    expect(() => new SGD(ps, { momentum: -0.5 })).toThrow(new RangeError('SGD: expected options.momentum to be finite and ≥ 0, got -0.5'));
    expect(() => new SGD(ps, { weightDecay: NaN })).toThrow(RangeError);
    expect(() => new SGD(ps, { nesterov: true })).toThrow(new RangeError('SGD: Nesterov momentum needs momentum > 0 and dampening 0, got momentum 0 and dampening 0'));
    expect(() => new SGD(ps, { nesterov: true, momentum: 0.9, dampening: 0.1 })).toThrow(RangeError);
    expect(() => new SGD(ps, { nesterov: 1 as unknown as boolean })).toThrow(new TypeError('SGD: expected options.nesterov to be a boolean, got number 1'));
    expect(() => new SGD(ps, { learningRate: 1 } as SGDOptions)).toThrow(/SGD: unknown option "learningRate"/);
    expect(() => new SGD([], {})).toThrow(new RangeError('SGD: expected params to have at least 1 entry, got 0'));
    expect(() => new SGD([ps[0]!, ps[0]!])).toThrow(new RangeError('SGD: params[1] is the same Value as params[0]; list each parameter once'));
    expect(() => new SGD([1 as unknown as Value])).toThrow(new TypeError('SGD: expected params[0] to be a Value, got number 1'));
    const opt = new SGD(ps, { lr: 0.1 });
    expect(() => (opt.lr = -0.1)).toThrow(new RangeError('SGD.lr: expected lr to be finite and ≥ 0, got -0.1'));
    expect(() => (opt.lr = Infinity)).toThrow(RangeError);
    expect(opt.lr).toBe(0.1);
  });
});

describe('Adam and AdamW', () => {
  // Expected values: PyTorch's _single_tensor_adam replayed in float64 by hand (Python),
  // lerp for the first moment, addcmul for the second, addcdiv for the step.
  const start = [1, -2];
  const grads = [[0.5, -1], [0.25, 3], [-0.75, 0]];
  const base: AdamOptions = { lr: 0.1, betas: [0.9, 0.999], eps: 1e-8 };
  const adam = (options: AdamOptions) => (ps: Value[]) => new Adam(ps, { ...base, ...options });
  const adamw = (options: AdamOptions) => (ps: Value[]) => new AdamW(ps, { ...base, ...options });

  it("first step moves each parameter by lr·sign(g) (the bias corrections cancel)", () => {
    // m̂ = g, v̂ = g², so the step is lr·g/(|g| + eps): 0.1·0.5/(0.5 + 1e-8) = 0.1 − 2e-9
    const [first] = run(adam({}), start, grads);
    expect(first![0]).toBeCloseTo(0.9 + 2e-9, 15);
    expect(first![1]).toBeCloseTo(-1.9 - 1e-9, 15);
  });

  it('matches PyTorch over three steps', () => {
    expect(run(adam({}), start, grads)).toEqual([
      [0.900000002, -1.900000001],
      [0.8067820404774624, -1.9494189841087441],
      [0.814979720110778, -1.9876200012449847],
    ]);
  });

  it('with β1 < 0.5, where lerp switches to its other formula', () => {
    expect(run(adam({ betas: [0.3, 0.999] }), start, [[0.3, -1.1], [0.7, 2.9], [-0.45, 0.1]])).toEqual([
      [0.9000000033333332, -1.900000000909091],
      [0.7871738376840342, -1.9901230640943117],
      [0.8171759648933161, -2.025099694579499],
    ]);
  });

  it('with weight decay in the gradient (Adam)', () => {
    expect(run(adam({ weightDecay: 0.1 }), start, grads)).toEqual([
      [0.9000000016666666, -1.9000000008333333],
      [0.8050097658613199, -1.9421356457177317],
      [0.7968643300102946, -1.9705863757600388],
    ]);
  });

  it('with amsgrad: the running max of v differs only once v shrinks', () => {
    expect(run(adam({ amsgrad: true }), start, grads)).toEqual([
      [0.900000002, -1.900000001],
      [0.8067820404774624, -1.9494189841087441],
      [0.814979720110778, -1.987600895959005],
    ]);
  });

  it('AdamW decays the parameter itself, p·(1 − lr·wd), before the Adam step', () => {
    const steps = run(adamw({ weightDecay: 0.1 }), start, grads);
    // step 1: 1·(1 − 0.01) − (0.1 − 2e-9)
    expect(steps[0]![0]).toBeCloseTo(0.89 + 2e-9, 15);
    expect(steps).toEqual([
      [0.890000002, -1.880000001],
      [0.7878820404574624, -1.9106189840987442],
      [0.7882008996862033, -1.9297138113939973],
    ]);
  });

  it("AdamW uses PyTorch's default weight decay 1e-2, with amsgrad", () => {
    expect(new AdamW([new Value(0)]).options.weightDecay).toBe(0.01);
    expect(new Adam([new Value(0)]).options.weightDecay).toBe(0);
    expect(run(adamw({ amsgrad: true }), start, grads)).toEqual([
      [0.899000002, -1.898000001],
      [0.8048830404754623, -1.945520984107744],
      [0.8122758370683025, -1.9817573749738973],
    ]);
  });

  it('validates its options', () => {
    const ps = [new Value(1)];
    expect(() => new Adam(ps, { betas: [1, 0.999] })).toThrow(new RangeError('Adam: expected options.betas[0] to be in [0, 1), got 1'));
    expect(() => new AdamW(ps, { betas: [0.9, -0.1] })).toThrow(new RangeError('AdamW: expected options.betas[1] to be in [0, 1), got -0.1'));
    expect(() => new Adam(ps, { betas: [0.9] as unknown as [number, number] })).toThrow(new RangeError('Adam: expected options.betas to have 2 entries, got 1'));
    expect(() => new Adam(ps, { eps: -1e-8 })).toThrow(new RangeError('Adam: expected options.eps to be finite and ≥ 0, got -1e-8'));
    expect(() => new Adam(ps, { lr: -1 })).toThrow(RangeError);
    expect(() => new AdamW(ps, { weightDecay: -0.1 })).toThrow(RangeError);
    expect(() => new Adam(ps, { beta1: 0.9 } as AdamOptions)).toThrow(/Adam: unknown option "beta1"/);
  });
});

describe('optimizer state', () => {
  // A small regression problem whose gradients change every step.
  const xs = [[0.5, -1], [1.5, 0.2], [-0.3, 0.8], [0.9, 0.9]];
  const ys = [0.3, -0.5, 0.8, 0.1];
  const variants: [string, (ps: Value[]) => Optimizer][] = [
    ['SGD', (ps) => new SGD(ps, { lr: 0.05 })],
    ['SGD momentum', (ps) => new SGD(ps, { lr: 0.05, momentum: 0.9, dampening: 0.1, weightDecay: 1e-3 })],
    ['SGD nesterov', (ps) => new SGD(ps, { lr: 0.05, momentum: 0.9, nesterov: true })],
    ['Adam', (ps) => new Adam(ps, { lr: 0.01, weightDecay: 1e-3 })],
    ['Adam amsgrad', (ps) => new Adam(ps, { lr: 0.01, amsgrad: true })],
    ['AdamW', (ps) => new AdamW(ps, { lr: 0.01 })],
  ];

  function train(model: MLP, opt: Optimizer, steps: number): number[] {
    const losses: number[] = [];
    for (let k = 0; k < steps; k++) {
      const loss = mse(xs.map((x) => model.forward(x)), ys);
      opt.zeroGrad();
      loss.backward();
      opt.step();
      losses.push(loss.data);
    }
    return losses;
  }

  for (const [name, make] of variants) {
    it(`${name}: resuming from a JSON checkpoint is bit-identical`, () => {
      const whole = new MLP(2, [4, 1], { seed: 3, hidden: 'tanh' });
      const wholeOpt = make(whole.parameters());
      const losses = train(whole, wholeOpt, 20);

      const first = new MLP(2, [4, 1], { seed: 3, hidden: 'tanh' });
      const firstOpt = make(first.parameters());
      const before = train(first, firstOpt, 8);
      const saved = JSON.parse(JSON.stringify({ model: first.stateDict(), opt: firstOpt.stateDict() })) as {
        model: Record<string, number>;
        opt: ReturnType<Optimizer['stateDict']>;
      };

      const resumed = new MLP(2, [4, 1], { seed: 99, hidden: 'tanh' });
      const resumedOpt = make(resumed.parameters());
      resumedOpt.lr = 123; // overwritten by the load, as in PyTorch
      resumed.loadStateDict(saved.model);
      resumedOpt.loadStateDict(saved.opt);
      expect(resumedOpt.stepCount).toBe(8);
      const after = train(resumed, resumedOpt, 12);
      expect([...before, ...after]).toEqual(losses);
      expect(resumed.stateDict()).toEqual(whole.stateDict());
      expect(losses[19]!).toBeLessThan(losses[0]!);
    });
  }

  it('records what the checkpoint needs, as plain data', () => {
    const ps = [new Value(1), new Value(2)];
    const opt = new SGD(ps, { lr: 0.5, momentum: 0.5 });
    expect(opt.stateDict()).toEqual({ type: 'SGD', stepCount: 0, lr: 0.5, momentum: 0.5, dampening: 0, nesterov: false, weightDecay: 0, momentumBuffers: null });
    ps[0]!.grad = 1;
    ps[1]!.grad = -2;
    opt.step();
    expect(opt.stateDict().momentumBuffers).toEqual([1, -2]);
    const adam = new Adam(ps, { amsgrad: true });
    adam.step();
    const s = adam.stateDict();
    expect(Object.keys(s)).toEqual(['type', 'stepCount', 'lr', 'betas', 'eps', 'weightDecay', 'amsgrad', 'expAvg', 'expAvgSq', 'maxExpAvgSq']);
    expect(s.expAvg).toHaveLength(2);
    expect(s.maxExpAvgSq).toEqual(s.expAvgSq);
  });

  it('rejects a bad state and changes nothing', () => {
    const ps = [new Value(1), new Value(2)];
    const opt = new Adam(ps, { lr: 0.1 });
    ps[0]!.grad = 1;
    opt.step();
    const good = opt.stateDict();
    expect(() => opt.loadStateDict({ ...good, type: 'AdamW' })).toThrow(new RangeError('Adam.loadStateDict: expected a state of type "Adam", got "AdamW"'));
    expect(() => opt.loadStateDict({ ...good, expAvg: [0] })).toThrow(new RangeError('Adam.loadStateDict: expected expAvg to have 2 entries, got 1'));
    expect(() => opt.loadStateDict({ ...good, lr: 0.5, expAvgSq: [0, null as unknown as number] })).toThrow(new TypeError('Adam.loadStateDict: expected expAvgSq[1] to be a finite number, got null'));
    expect(() => opt.loadStateDict({ ...good, expAvg: [0, Infinity] })).toThrow(new RangeError('Adam.loadStateDict: expected expAvg[1] to be a finite number, got Infinity'));
    expect(() => opt.loadStateDict({ ...good, stepCount: 1.5 })).toThrow(RangeError);
    expect(() => opt.loadStateDict({ ...good, maxExpAvgSq: [0, 0] })).toThrow('Adam.loadStateDict: expected maxExpAvgSq to be null with these options, got an array');
    expect(() => opt.loadStateDict({ ...good, betas: [2, 0.999] })).toThrow(new RangeError('Adam.loadStateDict: expected betas[0] to be in [0, 1), got 2'));
    expect(() => opt.loadStateDict('x' as unknown as ReturnType<Adam['stateDict']>)).toThrow(TypeError);
    expect(opt.stateDict()).toEqual(good);
    const sgd = new SGD(ps, { lr: 0.1 });
    expect(() => sgd.loadStateDict({ ...sgd.stateDict(), momentumBuffers: [1, 2] })).toThrow(new RangeError('SGD.loadStateDict: expected momentumBuffers to be null with these options, got an array'));
  });
});

describe('Optimizer', () => {
  it('is a base a custom optimizer can extend', () => {
    // signSGD: p − lr·sign(g). The subclass declares its options and writes its update rule; the base saves, loads and checks.
    class SignSGD extends Optimizer {
      static override spec = { name: 'SignSGD', options: { lr: 0.01, clip: false } };
      protected update(): void {
        for (const p of this.params) p.data -= this.lr * Math.sign(p.grad);
      }
    }
    const ps = [new Value(1), new Value(-1)];
    const opt = new SignSGD(ps, { lr: 0.25 });
    ps[0]!.grad = 3;
    ps[1]!.grad = -0.001;
    opt.step();
    expect(ps.map((p) => p.data)).toEqual([0.75, -0.75]);
    expect(opt.stateDict()).toEqual({ type: 'SignSGD', stepCount: 1, lr: 0.25, clip: false });
    expect(new SignSGD(ps).lr).toBe(0.01);
    const other = new SignSGD(ps);
    other.loadStateDict(opt.stateDict());
    expect([other.lr, other.stepCount]).toEqual([0.25, 1]);
    expect(() => other.loadStateDict({ ...opt.stateDict(), clip: 1 })).toThrow(new TypeError('SignSGD.loadStateDict: expected clip to be a boolean, got number 1'));
    expect(() => new SignSGD([], {})).toThrow(new RangeError('SignSGD: expected params to have at least 1 entry, got 0'));
    expect(() => new SignSGD(ps, { lr: -1 })).toThrow(new RangeError('SignSGD: expected options.lr to be finite and ≥ 0, got -1'));
    expect(() => new SignSGD(ps, { momentum: 1 })).toThrow(new TypeError('SignSGD: unknown option "momentum" (expected one of lr, clip)'));
    expect(() => (opt.lr = -1)).toThrow(new RangeError('SignSGD.lr: expected lr to be finite and ≥ 0, got -1'));
  });

  it('refuses parameters that are not leaves: an update would write a computed value', () => {
    const a = new Value(1);
    expect(() => new SGD([a, a.mul(2)])).toThrow(new TypeError("SGD: expected params[1] to be a leaf Value (a parameter), got a Value made by '*'"));
  });
});

describe('clipGradNorm', () => {
  const withGrads = (gs: number[]): Value[] => gs.map((g) => Object.assign(new Value(0), { grad: g }));

  it("scales by maxNorm / (norm + 1e-6) and returns the norm, as PyTorch's clip_grad_norm_", () => {
    const ps = withGrads([3, 4]);
    expect(clipGradNorm(ps, 1)).toBe(5);
    const coef = 1 / (5 + 1e-6);
    expect(ps.map((p) => p.grad)).toEqual([3 * coef, 4 * coef]);
  });

  it('leaves gradients alone below the limit', () => {
    const ps = withGrads([3, -4, 0]);
    expect(clipGradNorm(ps, 10)).toBe(5);
    expect(ps.map((p) => p.grad)).toEqual([3, -4, 0]);
  });

  it('supports other norms', () => {
    expect(clipGradNorm(withGrads([3, -4]), 100, { normType: Infinity })).toBe(4);
    expect(clipGradNorm(withGrads([3, -4]), 100, { normType: 1 })).toBe(7);
    expect(clipGradNorm(withGrads([1, 2, 2]), 100, { normType: 3 })).toBeCloseTo(Math.cbrt(17), 14);
    expect(clipGradNorm([], 1)).toBe(0);
  });

  it('reports a non-finite norm when asked, else passes it through', () => {
    expect(() => clipGradNorm(withGrads([1, NaN]), 1, { errorIfNonfinite: true })).toThrow(
      new RangeError('clipGradNorm: the total norm of the gradients is NaN, so they cannot be clipped'),
    );
    expect(clipGradNorm(withGrads([1, Infinity]), 1)).toBe(Infinity);
    expect(() => clipGradNorm(withGrads([1]), -1)).toThrow(new RangeError('clipGradNorm: expected maxNorm to be finite and ≥ 0, got -1'));
    expect(() => clipGradNorm([new Value(1), 2 as unknown as Value], 1)).toThrow(new TypeError('clipGradNorm: expected params[1] to be a Value, got number 2'));
  });
});
