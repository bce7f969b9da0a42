import { describe, expect, it } from 'vitest';
import { Value, compileStep, dot, sum, type ValueTargetsSpec } from '@ugrad/engine';
import { traceTwice } from '../src/trace.js';
import { generate } from '../src/codegen.js';

type Spec = Omit<ValueTargetsSpec, 'sample'> & { sample: (x: Value[], y: Value[]) => Value };

// The shape of the generated code (loops, bounded functions) and the corner
// cases of its adjoint bookkeeping, each checked against the eager graph.

const source = (spec: Spec) =>
  generate(traceTwice({ where: 'test', what: 'f', fn: spec.sample, params: new Map(spec.params.map((p, i) => [p, i])), inputs: spec.inputs, targets: spec.targets ?? 1 }, new Map())).source;

function mlp(sizes: number[]) {
  let k = 0;
  const layers = sizes.slice(1).map((nout, l) => Array.from({ length: nout }, () => ({
    w: Array.from({ length: sizes[l]! }, () => new Value(Math.sin(++k))), b: new Value(0.1),
  })));
  const params = layers.flatMap((l) => l.flatMap((n) => [...n.w, n.b]));
  const sample = (x: Value[], [y]: Value[]): Value => {
    let h = x;
    layers.forEach((layer, l) => { h = layer.map((n) => { const a = dot(n.w, h).add(n.b); return l < layers.length - 1 ? a.relu() : a; }); });
    return h[0]!.mul(y!.neg()).add(1).relu();
  };
  return { params, inputs: sizes[0]!, sample };
}

// Loss and gradients of one sample, compiled and eager.
function both(spec: Spec, x: number[]): { compiled: number[]; eager: number[] } {
  const step = compileStep(spec);
  for (const p of spec.params) p.grad = 0;
  const c = step.step([x], [0]);
  const compiled = [c, ...spec.params.map((p) => p.grad)];
  for (const p of spec.params) p.grad = 0;
  const loss = spec.sample(x.map((v) => new Value(v)), [new Value(0)]);
  loss.backward();
  return { compiled, eager: [loss.data, ...spec.params.map((p) => p.grad)] };
}

describe('generate', () => {
  it('writes each dot product as one call of a shared loop, and each layer as one loop, so code grows with layers, not neurons', () => {
    const code = source(mlp([2, 64, 64, 1]));
    // the second layer's 64 neurons: one loop over them, each a dotRun of its 64 weights
    expect(code).toMatch(/for \(let j = 0; j < 64; j\+\+\) \{ \{ let s = dotRun\(P, \(\d+ \+ 65 \* j\), 1, T, \d+, 1, 64, -0\);/);
    // and backward: one loop passes each neuron's g to its 64 weights' gradients through a kernel (all but
    // the first neuron reached, which assigns its inputs' adjoints where the others add)
    expect(code).toMatch(/for \(let j = 0; j < 63; j\+\+\) \{.*addRun\(G, \(\d+ - 65 \* j\), 1, T, \d+, 1, 64, g\);/);
    expect(code).not.toContain('for (let k');
    const wider = source(mlp([2, 128, 128, 1]));
    expect(code.length).toBeLessThan(4_000);
    expect(wider.length).toBeLessThan(code.length * 1.1);
  });

  // Statements that do not repeat (each adds its own fraction), so none is rolled into a loop.
  const distinct = (n: number) => {
    const ws = Array.from({ length: n }, (_, k) => new Value(Math.cos(k)));
    return { params: ws, inputs: 1, sample: ([x]: Value[]) => sum(ws.map((w, k) => x!.mul(w).add(k + 0.5).tanh())) };
  };

  it('splits the code into functions of bounded size', () => {
    const bodies = source(distinct(400)).split(/\nfunction [fb]\d+\(/).slice(1);
    expect(bodies.length).toBeGreaterThan(4);
    for (const body of bodies) expect(body.length).toBeLessThan(8_000);
  });

  it('splits even one long sum across functions, passing the running sum on', () => {
    const spec: Spec = distinct(3000);
    const bodies = source(spec).split(/\nfunction [fb]\d+\(/).slice(1);
    expect(bodies.length).toBeGreaterThan(10);
    for (const body of bodies) expect(body.length).toBeLessThan(8_000);
    const { compiled, eager } = both(spec, [0.7]);
    expect(compiled[0]).toBe(eager[0]);
    compiled.forEach((c, i) => expect(c).toBeCloseTo(eager[i]!, 12));
  });

  it('rolls a long sum of repeated terms into loops, with the same numbers', () => {
    const ws = Array.from({ length: 3000 }, (_, k) => new Value(Math.cos(k)));
    const spec: Spec = { params: ws, inputs: 1, sample: ([x]) => sum(ws.map((w) => x!.mul(w).tanh())) };
    const code = source(spec);
    expect(code).toContain('for (let j = 0; j < 3000; j++) { T[(2 * j)] = X[xo + 0] * P[j]; T[(1 + 2 * j)] = Math.tanh(T[(2 * j)]); }');
    expect(code.length).toBeLessThan(20_000); // written out: ~400k
    const { compiled, eager } = both(spec, [0.7]);
    expect(compiled[0]).toBe(eager[0]);
    compiled.forEach((c, i) => expect(c).toBeCloseTo(eager[i]!, 12));
  });

  it('skips a chain whose adjoint is 0 only while its value is finite, so infinities still give NaN like eager', () => {
    const w = new Value(-Infinity), v = new Value(2);
    const spec: Spec = { params: [w, v], inputs: 1, sample: ([x]) => w.mul(v).add(x!).relu() };
    expect(source(spec)).toContain('if (g !== 0 || T[');
    const { compiled, eager } = both(spec, [1]);
    expect(eager).toEqual([0, 0, NaN]); // relu'(-∞) = 0, then v.grad += -∞ · 0
    expect(compiled).toEqual(eager);
    w.data = -3; // now finite: skipped, and the same zeros as eager
    const again = both(spec, [1]);
    expect(again.compiled).toEqual(again.eager);
  });

  it('gives inputs and constants no gradient code, and writes constants as literals', () => {
    const w = new Value(2);
    const code = source({ params: [w], inputs: 1, sample: ([x], [y]) => x!.mul(-3).mul(w).sub(y!) });
    expect(code).toContain('X[xo + 0] * (-3)');
    expect(code).not.toMatch(/D\[\d+\] [+]?= .*X\[/); // no adjoint is ever computed for X
  });

  it('gets products of overlapping runs right (x[k] · x[k+1])', () => {
    const w = new Value(0.7);
    const sample = ([x]: Value[]): Value => {
      const v = [1, 2, 3, 4, 5, 6].map((k) => x!.mul(w).mul(k).tanh());
      return dot(v.slice(0, 5), v.slice(1));
    };
    // one loop over both sides, so each adjoint's additions keep their order
    expect(source({ params: [w], inputs: 1, sample })).toMatch(/for \(let k = 0; k < \d+; k\+\+\) \{ D\[(\d+ \+ )?k\] \+= /);
    const { compiled, eager } = both({ params: [w], inputs: 1, sample }, [0.3]);
    expect(compiled[0]).toBe(eager[0]);
    expect(compiled[1]).toBeCloseTo(eager[1]!, 12);
  });

  it('gets a run times itself right (x · x: both sides add to the same adjoints)', () => {
    const w = new Value(0.7);
    const sample = ([x]: Value[]): Value => {
      const v = [1, 2, 3, 4, 5].map((k) => x!.mul(w).mul(k).tanh());
      return dot(v, v);
    };
    expect(source({ params: [w], inputs: 1, sample })).toMatch(/addRun\(D, (\d+), 1, T, \1, 1, 5, g\); addRun\(D, \1, 1, T, \1, 1, 5, g\);/);
    const { compiled, eager } = both({ params: [w], inputs: 1, sample }, [0.3]);
    expect(compiled[0]).toBe(eager[0]);
    expect(compiled[1]).toBeCloseTo(eager[1]!, 12);
  });

  it('clears the adjoints a loop adds to when only some were written before', () => {
    const ws = [0.1, -0.2, 0.3, -0.4, 0.5].map((v) => new Value(v));
    const sample = ([x]: Value[]): Value => {
      const v = ws.map((w) => x!.mul(w).sigmoid());
      // v[2].tanh() is made after the dot product, so backward reaches it first
      return dot(ws, v).mul(v[2]!.tanh());
    };
    const code = source({ params: ws, inputs: 1, sample });
    expect(code).toMatch(/D\[\d+\] = 0;/);
    const { compiled, eager } = both({ params: ws, inputs: 1, sample }, [1.5]);
    compiled.forEach((c, i) => expect(c).toBeCloseTo(eager[i]!, 12));
  });
});
