import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { CompiledStep, MAX_LABELS, TraceError, Value, compileStep, dot, logSumExp, mean, noGrad, sum, type ValueTargetsSpec } from '@ugrad/engine';

// Specs whose sample returns a bare loss, so the eager reference can call it.
type Spec = Omit<ValueTargetsSpec, 'sample'> & { sample: (x: Value[], y: Value[]) => Value };

// A compiled step must give what the eager graph gives: the same loss and the
// same gradients (to 1e-12 relative; forward values are in fact bit-identical),
// and must refuse, with a clear error, code it cannot follow.

// A small seeded generator (mulberry32), so every test sees the same numbers.
function rng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const uniform = (r: () => number, lo = -1, hi = 1) => lo + (hi - lo) * r();

type Batch = { X: number[][]; Y: number[][] };
function batch(r: () => number, n: number, nx: number, ny: number, label = false): Batch {
  const X = Array.from({ length: n }, () => Array.from({ length: nx }, () => uniform(r, -2, 2)));
  const Y = Array.from({ length: n }, () => Array.from({ length: ny }, () => (label ? (r() < 0.5 ? -1 : 1) : uniform(r))));
  return { X, Y };
}

// The reference: the whole batch as one eager graph, then backward().
function eager(spec: Spec, { X, Y }: Batch): { loss: number; grads: number[] } {
  for (const p of spec.params) p.grad = 0;
  const losses = X.map((x, s) => spec.sample(x.map((v) => new Value(v)), Y[s]!.map((v) => new Value(v))));
  let loss = spec.reduce === 'sum' ? sum(losses) : mean(losses);
  if (spec.extra) loss = loss.add(spec.extra());
  loss.backward();
  return { loss: loss.data, grads: spec.params.map((p) => p.grad) };
}
function compiled(step: CompiledStep, params: readonly Value[], { X, Y }: Batch): { loss: number; grads: number[] } {
  for (const p of params) p.grad = 0;
  const loss = step.step(X, Y);
  return { loss, grads: params.map((p) => p.grad) };
}

// |a - b| ≤ 1e-12 · max(|a|, |b|), with NaN equal to NaN and infinities to themselves.
function expectClose(got: number[], want: number[], what: string): void {
  expect(got.length).toBe(want.length);
  const bad = got.flatMap((g, i) => {
    const w = want[i]!;
    const ok = Object.is(g, w) || g === w || Math.abs(g - w) <= 1e-12 * Math.max(Math.abs(g), Math.abs(w));
    return ok ? [] : [`${what}[${i}]: compiled ${g}, eager ${w}`];
  });
  expect(bad.slice(0, 5)).toEqual([]);
}
function expectSame(spec: Spec, data: Batch): void {
  const step = compileStep(spec);
  const e = eager(spec, data);
  const c = compiled(step, spec.params, data);
  expect(Object.is(c.loss, e.loss) || Math.abs(c.loss - e.loss) <= 1e-12 * Math.abs(e.loss), `loss: compiled ${c.loss}, eager ${e.loss}`).toBe(true);
  expectClose(c.grads, e.grads, 'grad');
}

// micrograd's MLP from bare Values: relu hidden layers, linear output;
// parameters in micrograd's order (layer by layer, neuron by neuron, weights then bias).
function mlp(sizes: number[], r: () => number) {
  const layers = sizes.slice(1).map((nout, l) =>
    Array.from({ length: nout }, () => ({ w: Array.from({ length: sizes[l]! }, () => new Value(uniform(r))), b: new Value(uniform(r, -0.1, 0.1)) })));
  const params = layers.flatMap((l) => l.flatMap((n) => [...n.w, n.b]));
  const forward = (x: Value[]): Value[] => {
    let h = x;
    layers.forEach((layer, l) => {
      const last = l === layers.length - 1;
      h = layer.map((n) => { const act = dot(n.w, h).add(n.b); return last ? act : act.relu(); });
    });
    return h;
  };
  return { params, forward };
}
const hinge = (out: Value, y: Value) => out.mul(y.neg()).add(1).relu();
const l2 = (params: Value[]) => () => sum(params.map((p) => p.mul(p))).mul(1e-4);

describe('compileStep on an MLP', () => {
  it("matches the eager graph on micrograd's moons step (2-16-16-1, hinge + 1e-4·L2)", () => {
    const r = rng(1);
    const { params, forward } = mlp([2, 16, 16, 1], r);
    expectSame({ params, inputs: 2, sample: (x, [y]) => hinge(forward(x)[0]!, y!), extra: l2(params) }, batch(r, 100, 2, 1, true));
  });

  it('matches on a wide MLP, whose dot products become loops (2-64-64-1 on 64 samples)', () => {
    const r = rng(2);
    const { params, forward } = mlp([2, 64, 64, 1], r);
    expectSame({ params, inputs: 2, sample: (x, [y]) => hinge(forward(x)[0]!, y!), extra: l2(params) }, batch(r, 64, 2, 1, true));
  });

  it('matches with several outputs and targets, summed, without an extra term', () => {
    const r = rng(3);
    const { params, forward } = mlp([3, 5, 4, 2], r);
    const mse = (x: Value[], y: Value[]) => sum(forward(x).map((o, i) => o.sub(y[i]!).pow(2)));
    expectSame({ params, inputs: 3, targets: 2, reduce: 'sum', sample: mse }, batch(r, 17, 3, 2));
  });

  it('trains like eager: 20 SGD steps give the same losses and weights', () => {
    const r = rng(4);
    const a = mlp([2, 8, 8, 1], r), b = mlp([2, 8, 8, 1], rng(99));
    b.params.forEach((p, i) => { p.data = a.params[i]!.data; });
    const data = batch(r, 30, 2, 1, true);
    const specOf = (m: typeof a): Spec => ({ params: m.params, inputs: 2, sample: (x, [y]) => hinge(m.forward(x)[0]!, y!), extra: l2(m.params) });
    const step = compileStep(specOf(a));
    for (let k = 0; k < 20; k++) {
      const c = compiled(step, a.params, data), e = eager(specOf(b), data);
      expectClose([c.loss], [e.loss], `loss at step ${k}`);
      for (const m of [a, b]) for (const p of m.params) p.data -= 0.1 * p.grad;
    }
    expectClose(a.params.map((p) => p.data), b.params.map((p) => p.data), 'weight');
  });

  it('adds to grad like backward() does, reads data afresh on every call, and leaves data alone', () => {
    const w = new Value(2), b = new Value(0.5);
    const step = compileStep({ params: [w, b], inputs: 1, sample: ([x], [y]) => x!.mul(w).add(b).sub(y!).pow(2) });
    w.grad = 10;
    // (2·1 + 0.5 - 1)² = 2.25; d/dw = 2·1.5·1 = 3
    expect(step.step([[1]], [1])).toBe(2.25);
    expect(w.grad).toBe(13);
    expect(w.data).toBe(2);
    w.data = 1; // (1 + 0.5 - 1)² = 0.25
    expect(step.step([[1]], [1])).toBe(0.25);
    expect(step.evaluate([[1], [2]], [1, 1])).toBe((0.25 + 2.25) / 2);
  });

  it('handles any batch size with one compilation', () => {
    const r = rng(5);
    const { params, forward } = mlp([2, 4, 1], r);
    const spec: Spec = { params, inputs: 2, sample: (x, [y]) => hinge(forward(x)[0]!, y!) };
    const step = compileStep(spec);
    for (const n of [1, 7, 33]) {
      const data = batch(r, n, 2, 1, true);
      const e = eager(spec, data), c = compiled(step, params, data);
      expectClose([c.loss, ...c.grads], [e.loss, ...e.grads], `n = ${n}`);
    }
  });
});

describe('compileStep on other graphs', () => {
  it('matches on a custom residual block with tanh, sigmoid, exp, log, pow, sqrt, abs and leakyRelu', () => {
    const r = rng(6);
    const n = 3;
    const W1 = Array.from({ length: n }, () => Array.from({ length: n }, () => new Value(uniform(r))));
    const W2 = Array.from({ length: n }, () => Array.from({ length: n }, () => new Value(uniform(r))));
    const gate = Array.from({ length: n }, () => new Value(uniform(r)));
    const scale = new Value(1.5), p = new Value(1.3);
    const params = [...W1.flat(), ...W2.flat(), ...gate, scale, p];
    // h = x + σ(g) ⊙ W2·tanh(W1·x); normalised by an RMS; softplus and a |·|^p penalty on top.
    const block = (x: Value[]): Value[] => {
      const inner = W1.map((w) => dot(w, x).tanh());
      return x.map((xi, i) => xi.add(gate[i]!.sigmoid().mul(dot(W2[i]!, inner))));
    };
    const sample = (x: Value[], y: Value[]): Value => {
      const h = block(x);
      const rms = mean(h.map((v) => v.pow(2))).add(1e-6).sqrt();
      const z = h.map((v) => v.div(rms).mul(scale));
      const softplus = z.map((v) => v.exp().add(1).log());
      const err = softplus.map((v, i) => v.sub(y[i]!).abs().pow(p));
      return sum(err).add(z[0]!.leakyRelu(0.1).mul(0.01));
    };
    expectSame({ params, inputs: n, targets: n, sample, extra: () => scale.pow(2).mul(1e-3) }, batch(r, 25, n, n));
  });

  it('matches on softplus and logSumExp: bce and cross-entropy over an MLP, at ordinary and at huge logits', () => {
    const r = rng(8);
    const { params, forward } = mlp([2, 6, 3], r);
    // cross-entropy with a one-hot target row (Values), and bce on the first logit against y[0]
    const sample = (x: Value[], y: Value[]): Value => {
      const z = forward(x);
      const ce = logSumExp(z).sub(dot(y, z));
      const bce = z[0]!.softplus().sub(z[0]!.mul(y[0]!));
      return ce.add(bce);
    };
    const oneHot = (n: number) => Array.from({ length: n }, () => { const row = [0, 0, 0]; row[Math.floor(r() * 3)] = 1; return row; });
    const X = batch(r, 12, 2, 0).X;
    expectSame({ params, inputs: 2, targets: 3, sample }, { X, Y: oneHot(12) });
    // inputs ×1000 drive the logits far into the tails, where a naive log(Σ e^z) overflows
    const huge = { X: X.map((x) => x.map((v) => v * 1000)), Y: oneHot(12) };
    expectSame({ params, inputs: 2, targets: 3, sample }, huge);
    const loss = compileStep({ params, inputs: 2, targets: 3, sample }).evaluate(huge.X, huge.Y);
    expect(loss).toBeGreaterThan(100);
    expect(loss).toBeLessThan(Infinity);
  });

  it('matches on random graphs over every op, with reuse (fast-check)', () => {
    type Instr = { op: number; i: number; j: number; c: number };
    // The last op builds a small layer, so that runs of products become loops in the generated code.
    const layer = (a: Value, b: Value, ps: Value[]): Value => {
      const v = [a.tanh(), b.relu(), a.mul(b), a.add(b), b.sigmoid()];
      return dot(v.map((_, k) => ps[k % ps.length]!), v).add(dot(v, v.map((u) => u.abs())));
    };
    const ops: ((a: Value, b: Value, c: number, ps: Value[]) => Value)[] = [
      (a, b) => a.add(b), (a, b) => a.mul(b), (a, b) => a.sub(b), (a, b) => a.div(b.abs().add(0.5)),
      (a, b) => a.abs().add(0.1).pow(b.tanh()), (a, _, c) => a.pow(Math.round(c * 3)), (a, _, c) => a.abs().add(0.2).pow(c),
      (a) => a.tanh().exp(), (a) => a.abs().add(0.1).log(), (a) => a.tanh(), (a) => a.sigmoid(), (a) => a.relu(),
      (a, _, c) => a.leakyRelu(c), (a) => a.abs(), (a) => a.abs().sqrt(), (a) => a.neg(), (a, b, c) => dot([a, b, a, b], [b, a, c, a]),
      (a, b) => sum([a, b, a, b, b]), (a, _, c) => a.mul(c), (a, b, _, ps) => layer(a, b, ps),
      (a, b) => a.logAddExp(b), (a) => a.softplus(), (a, b, c) => logSumExp([a, b, c]),
    ];
    const program = fc.record({
      inputs: fc.integer({ min: 1, max: 3 }),
      params: fc.integer({ min: 1, max: 6 }),
      values: fc.array(fc.double({ min: -2, max: 2, noNaN: true }), { minLength: 40, maxLength: 40 }),
      instrs: fc.array(fc.record({ op: fc.nat(ops.length - 1), i: fc.nat(), j: fc.nat(), c: fc.double({ min: -2, max: 2, noNaN: true }) }), { minLength: 1, maxLength: 30 }),
    });
    fc.assert(fc.property(program, ({ inputs, params: np, values, instrs }) => {
      const params = values.slice(0, np).map((v) => new Value(v));
      const sample = (x: Value[], y: Value[]): Value => {
        const pool: Value[] = [...x, ...y, ...params];
        for (const { op, i, j, c } of instrs as Instr[]) pool.push(ops[op]!(pool[i % pool.length]!, pool[j % pool.length]!, c, params));
        // every value made feeds the loss, so unused branches are exercised too
        return sum(pool.slice(x.length + y.length).map((v, k) => v.mul(1 + k / 10)));
      };
      const n = 5;
      const X = Array.from({ length: n }, (_, s) => values.slice(10 + s * 3, 10 + s * 3 + inputs));
      const Y = Array.from({ length: n }, (_, s) => [values[30 + s]!]);
      expectSame({ params, inputs, sample }, { X, Y });
    }), { seed: 20261129, numRuns: 150 });
  });

  it('recomputes relu, abs and leakyRelu kinks on replay from the new data', () => {
    const w = new Value(1);
    const spec: Spec = { params: [w], inputs: 1, reduce: 'sum', sample: ([x]) => sum([x!.mul(w).relu(), x!.mul(w).abs(), x!.mul(w).leakyRelu(0.25)]) };
    const step = compileStep(spec);
    // The trace saw positive inputs; here each side of the kink, and the kink itself.
    const cases: [number, number][] = [[2, 2 + 2 + 2], [-3, 0 + 3 + 0.25 * -3], [0, 0]];
    for (const [x, grad] of cases) {
      w.grad = 0;
      step.step([[x]], [0]);
      expect(w.grad, `x = ${x}`).toBe(grad);
    }
    expectSame(spec, { X: [[2], [-3], [0], [0.5], [-0.5]], Y: [[0], [0], [0], [0], [0]] });
  });

  it('gives leaves from outside the traced code their gradients, like eager, and reads them on every call', () => {
    const w = new Value(3), outside = new Value(2);
    const spec: Spec = { params: [w], inputs: 1, sample: ([x]) => x!.mul(w).mul(outside) };
    const step = compileStep(spec);
    expect(step.step([[1]], [0])).toBe(6);
    expect(outside.grad).toBe(3);
    outside.data = 5;
    expect(step.step([[1]], [0])).toBe(15);
  });
});

describe('compileStep with outputs and labels', () => {
  it("reports each sample's outputs, even values folded into a sum", () => {
    const r = rng(7);
    const { params, forward } = mlp([2, 6, 2], r);
    const step = compileStep({
      params, inputs: 2,
      sample: (x, [y]) => { const out = forward(x); return { loss: out[0]!.add(out[1]!).sub(y!).pow(2), outputs: [out[0]!, out[1]!, x[1]!] }; },
    });
    const { X, Y } = batch(r, 9, 2, 1);
    const O = new Float64Array(9 * 3);
    step.evaluate(X, Y, O);
    X.forEach((x, s) => {
      const out = forward(x.map((v) => new Value(v)));
      expect([...O.subarray(3 * s, 3 * s + 3)]).toEqual([out[0]!.data, out[1]!.data, x[1]]);
    });
    expect(() => step.step(X, Y, new Float64Array(26))).toThrow(new RangeError('CompiledStep.step: expected outputs to have room for 27 numbers (3 per row), got 26'));
  });

  it('compiles a program per label when targets are numbers, and matches eager (hinge with ±1 labels)', () => {
    const r = rng(8);
    const { params, forward } = mlp([2, 8, 1], r);
    // As @ugrad/nn's hinge writes it: the label is a number in the graph, `mul(-y)`.
    const step = compileStep({ params, inputs: 2, labels: true, sample: (x, [y]) => forward(x)[0]!.mul(-y!).add(1).relu(), extra: l2(params) });
    const data = batch(r, 40, 2, 1, true);
    const e = eager({ params, inputs: 2, sample: (x, [y]) => hinge(forward(x)[0]!, y!), extra: l2(params) }, data);
    const c = compiled(step, params, data);
    expect(c.loss).toBe(e.loss);
    expectClose(c.grads, e.grads, 'grad');
  });

  it('picks class logits by label (softmax cross-entropy), a graph that depends on the label', () => {
    const r = rng(9);
    const { params, forward } = mlp([2, 5, 3], r);
    const ce = (x: Value[], label: number) => { const z = forward(x); return sum(z.map((v) => v.exp())).log().sub(z[label]!); };
    const step = compileStep({ params, inputs: 2, labels: true, sample: (x, [label]) => ce(x, label!) });
    const { X } = batch(r, 30, 2, 1);
    const labels = X.map((_, s) => s % 3);
    for (const p of params) p.grad = 0;
    const loss = mean(X.map((x, s) => ce(x.map((v) => new Value(v)), labels[s]!)));
    loss.backward();
    const want = params.map((p) => p.grad);
    for (const p of params) p.grad = 0;
    expect(step.step(X, labels)).toBe(loss.data);
    expectClose(params.map((p) => p.grad), want, 'grad');
  });

  it(`refuses more than ${MAX_LABELS} distinct labels`, () => {
    const w = new Value(1);
    const step = compileStep({ params: [w], inputs: 1, labels: true, sample: ([x], [y]) => x!.mul(w).mul(y!) });
    const X = Array.from({ length: 70 }, () => [1]);
    expect(() => step.step(X, X.map((_, i) => i))).toThrow(new TraceError(`compileStep: more than ${MAX_LABELS} distinct targets; with labels: true a program is compiled per target, so pass continuous targets as Values (labels: false)`));
  });
});

describe('compileStep refuses what it cannot replay', () => {
  const w = new Value(0.5);
  const base = { params: [w], inputs: 1 };
  const dataMessage = "compileStep: the sample function used .data of a Value (a leaf) while being traced; a compiled replay does not re-run your code, so nothing may depend on data values: use Value ops (relu, abs, …) instead of branching on .data, or train eagerly";

  it('stops code that branches on .data', () => {
    const sample = ([x]: Value[]) => (x!.data > 0 ? x!.mul(w) : x!.mul(w).neg());
    expect(() => compileStep({ ...base, sample })).toThrow(new TraceError(dataMessage));
  });

  it('stops code that uses a .data value as a constant, names the op, and says so even if the error is caught', () => {
    expect(() => compileStep({ ...base, sample: ([x]) => x!.mul(w.data) })).toThrow(TraceError);
    const sample = ([x]: Value[]) => { const h = x!.mul(w).tanh(); try { return h.mul(h.data); } catch { return h; } };
    expect(() => compileStep({ ...base, sample })).toThrow("compileStep: the sample function used .data of a Value (made by 'tanh') while being traced");
  });

  it('stops code that writes .data, and an extra term that reads it', () => {
    expect(() => compileStep({ ...base, sample: ([x]) => { w.data = 1; return x!.mul(w); } })).toThrow(TraceError);
    expect(() => compileStep({ ...base, sample: ([x]) => x!.mul(w), extra: () => w.mul(w.data) }))
      .toThrow('compileStep: the extra function used .data of a Value (a leaf) while being traced');
  });

  it('stops a graph that changes from call to call', () => {
    let calls = 0;
    const sample = ([x]: Value[]) => (++calls % 2 ? x!.mul(w).relu() : x!.mul(w).tanh());
    expect(() => compileStep({ ...base, sample })).toThrow(new TraceError("compileStep: the sample function built a different graph when traced again (node 3 is 'tanh' instead of 'relu'); a compiled replay needs a graph that depends only on its arguments and the parameters, not on randomness or state that changes between calls"));
  });

  it('stops constants computed from data: under noGrad, from parameters, or random', () => {
    const frozen = ([x]: Value[]) => x!.mul(noGrad(() => w.mul(2)));
    expect(() => compileStep({ ...base, sample: frozen })).toThrow(new TraceError('compileStep: a constant in the graph of the sample function changed between two traces (1, then 2.25): it was computed from data outside the graph (under noGrad, from Math.random, …), which a replay would freeze; compute it with Value ops'));
    expect(() => compileStep({ ...base, sample: ([x]) => x!.mul(w).mul(Math.random()) })).toThrow(TraceError);
    expect(() => compileStep({ ...base, sample: ([x]) => x!.mul(noGrad(() => x!.mul(3))) })).toThrow(TraceError);
  });

  it('check() reports a model whose graph changed after compiling', () => {
    let training = true;
    const step = compileStep({ ...base, sample: ([x]) => (training ? x!.mul(w).mul(0.5) : x!.mul(w)) });
    expect(() => step.check()).not.toThrow();
    training = false;
    expect(() => step.check()).toThrow(new TraceError("compileStep: the sample function now builds a different graph than the one compiled (it has 3 nodes instead of 5); compile again"));
  });

  it('check() reports parameters that were replaced by new Values', () => {
    const layer = { w: new Value(0.5) };
    const step = compileStep({ params: [layer.w], inputs: 1, sample: ([x]) => x!.mul(layer.w) });
    layer.w = new Value(0.5);
    expect(() => step.check()).toThrow(new TraceError("compileStep: the sample function now builds a different graph than the one compiled (node 1 is parameter 1 instead of parameter 0); compile again"));
  });

  it('refuses to trace inside noGrad', () => {
    expect(() => noGrad(() => compileStep({ ...base, sample: ([x]) => x!.mul(w) }))).toThrow(new TraceError('compileStep: called inside noGrad, where no graph is recorded'));
  });

  it('checks its options', () => {
    const sample = ([x]: Value[]) => x!.mul(w);
    expect(() => compileStep({ ...base, params: 'w' as unknown as Value[], sample })).toThrow(new TypeError('compileStep: expected spec.params to be an array, got string "w"'));
    expect(() => compileStep({ ...base, params: [w, 2 as unknown as Value], sample })).toThrow(new TypeError('compileStep: expected spec.params[1] to be a Value, got number 2'));
    expect(() => compileStep({ ...base, params: [w.mul(2)], sample })).toThrow(new TypeError("compileStep: expected spec.params[0] to be a leaf, got a Value made by '*'"));
    expect(() => compileStep({ ...base, params: [w, w], sample })).toThrow(new RangeError('compileStep: expected spec.params to hold each Value once, got params[1] the same as params[0]'));
    expect(() => compileStep({ ...base, inputs: 1.5, sample })).toThrow(new RangeError('compileStep: expected spec.inputs to be an integer in [0, 1000000], got 1.5'));
    expect(() => compileStep({ ...base, reduce: 'max' as 'sum', sample })).toThrow(new RangeError(`compileStep: expected spec.reduce to be one of 'mean', 'sum', got "max"`));
    expect(() => compileStep({ ...base, sample: (() => 1) as unknown as Spec['sample'] })).toThrow(new TypeError('compileStep: expected the sample function to return a Value or { loss, outputs }, got number 1'));
  });

  it('refuses code that uses a Value as a number (a * b), even if the code catches the TypeError', () => {
    const message = "compileStep: the sample function used a Value (a leaf) as a number (a + b, a * 2, a < b) while being traced; a compiled replay does not re-run your code: use Value ops (add, mul, max, …), or train eagerly";
    const product = ([x]: Value[]) => w.mul((x as unknown as number) * 2);
    expect(() => compileStep({ ...base, sample: product })).toThrow(new TraceError(message));
    const sneaky = ([x]: Value[]) => { try { return w.mul((x as unknown as number) * 2); } catch { return w.mul(x!); } };
    expect(() => compileStep({ ...base, sample: sneaky })).toThrow(new TraceError(message));
    // outside a trace the same code is a plain TypeError
    expect(() => product([new Value(1)])).toThrow(TypeError);
  });

  it('refuses unknown keys in its spec, and widths beyond a million', () => {
    const sample = ([x]: Value[]) => x!.mul(w);
    expect(() => compileStep({ ...base, sample, lables: true } as never)).toThrow(new TypeError('compileStep: unknown key "lables" in spec (expected one of params, inputs, targets, sample, reduce, extra, labels)'));
    expect(() => compileStep({ ...base, inputs: 2 ** 40, sample })).toThrow(new RangeError('compileStep: expected spec.inputs to be an integer in [0, 1000000], got 1099511627776'));
    expect(() => compileStep(null as never)).toThrow(new TypeError('compileStep: expected spec to be an object, got null'));
  });

  it('compiles a graph whose loss is −0, and returns −0 as eager does (the cross-check takes −0 = +0)', () => {
    const step = compileStep({ ...base, sample: ([x]) => x!.mul(w).mul(-0) });
    const loss = step.step([[1], [2]], [0, 0]);
    expect(Object.is(loss, -0)).toBe(true);
  });

  it('checks the batch it is given', () => {
    const step = compileStep({ ...base, targets: 2, sample: ([x], [y, z]) => x!.mul(w).sub(y!).mul(z!) });
    expect(() => step.step([[1, 2]], [[1, 1]])).toThrow(new RangeError('CompiledStep.step: expected X[0] to have 1 entry (the inputs per sample it was compiled for), got 2'));
    expect(() => step.step([[1], [2]], [[1, 1], [1]])).toThrow(new RangeError('CompiledStep.step: expected Y[1] to have 2 entries (the targets per sample it was compiled for), got 1'));
    expect(() => step.step([[1]], [1])).toThrow(new TypeError('CompiledStep.step: expected Y[0] to be an array of 2 numbers, got number 1'));
    expect(() => step.step([[1], [2]], [[1, 1]])).toThrow(new RangeError('CompiledStep.step: expected one target per row, got 2 rows and 1 targets'));
    expect(() => step.evaluate([], [])).toThrow(new RangeError('CompiledStep.evaluate: expected at least one row, got an empty batch'));
    expect(() => step.step([['1']] as unknown as number[][], [[1, 1]])).toThrow(new TypeError('CompiledStep.step: expected X[0][0] to be a number, got string "1"'));
    expect(() => step.step(undefined as unknown as number[][], [])).toThrow(new TypeError('CompiledStep.step: expected X to be an array of rows, got undefined'));
    expect(() => step.step('ab' as unknown as number[][], [1, 2])).toThrow(new TypeError('CompiledStep.step: expected X to be an array of rows, got string "ab"'));
    expect(() => step.step([[1]], [[1, 1]], [0] as unknown as Float64Array)).toThrow(new TypeError('CompiledStep.step: expected outputs to be a Float64Array, got an array of length 1'));
    // a sparse batch claiming 2³² − 1 rows is refused at its first hole, before anything is allocated
    const sparse: number[][] = [];
    sparse.length = 2 ** 32 - 1;
    const t0 = performance.now();
    expect(() => step.step(sparse, sparse)).toThrow(new TypeError('CompiledStep.step: expected X[0] to be a number or an array of 1 number, got undefined'));
    expect(performance.now() - t0).toBeLessThan(1000);
    // typed arrays are rows too
    expect(step.step([Float64Array.of(1)], [Float64Array.of(1, 2)])).toBeTypeOf('number');
  });
});

describe('frozen parameters (requiresGrad false)', () => {
  it('get no gradient code; freezing or unfreezing later regenerates the code', () => {
    const w = [new Value(0.5), new Value(-1.5), new Value(0.25)];
    const step = compileStep({ params: w, inputs: 2, sample: (x, [t]) => w[0]!.mul(x[0]!).add(w[1]!.mul(x[1]!)).add(w[2]!).sub(t!).pow(2) });
    const X = [[1, 2], [3, -1]], Y = [0.5, -2];
    const grads = () => { for (const p of w) p.grad = 0; const loss = step.step(X, Y); return [loss, ...w.map((p) => p.grad)]; };
    const all = grads();
    w[1]!.requiresGrad = false;
    const some = grads();
    expect(some[0]).toBe(all[0]); // the same loss
    expect(some.slice(1)).toEqual([all[1], 0, all[3]]); // no gradient for the frozen one
    w[1]!.requiresGrad = true;
    expect(grads()).toEqual(all);
    // Eager agrees: the same gradients for the trainable ones.
    for (const p of w) p.grad = 0;
    const eager = X.map((x, i) => w[0]!.mul(x[0]!).add(w[1]!.mul(x[1]!)).add(w[2]!).sub(Y[i]!).pow(2));
    eager[0]!.add(eager[1]!).mul(0.5).backward();
    expect(Math.abs(w[0]!.grad - (all[1] as number))).toBeLessThan(1e-15);
  });

  it('only a leaf can be frozen; the flag is a boolean', () => {
    const a = new Value(1);
    expect(a.requiresGrad).toBe(true);
    a.requiresGrad = false;
    expect(a.requiresGrad).toBe(false);
    expect(() => { a.mul(2).requiresGrad = false; }).toThrow(new RangeError("Value.requiresGrad: only a leaf can be frozen, got a Value made by '*'"));
    expect(() => { a.requiresGrad = 0 as never; }).toThrow(new TypeError('Value.requiresGrad: expected the new flag to be a boolean, got number 0'));
  });
});
