import { describe, expect, it } from 'vitest';
import { Value } from '@ugrad/engine';
import { gradCheck } from '../src/gradcheck.js';
import { Module } from '../src/module.js';
import { Layer, MLP } from '../src/layers.js';
import { Rng } from '../src/random.js';

// A layer whose forward is right but whose gradient is not: the backward pass
// sees `scale` as a constant, so its gradient stays 0 while the loss depends on it.
class Detached extends Module<readonly number[], Value[]> {
  scale = new Value(1.5);
  inner = new Layer(2, 2, { activation: 'tanh', rng: new Rng(1) });
  forward(x: readonly number[]): Value[] {
    return this.inner.forward(x).map((v) => v.mul(this.scale.data));
  }
}

describe('gradCheck', () => {
  it('agrees with backward() on an MLP to ~1e-9', () => {
    const model = new MLP(2, [4, 1], { hidden: 'tanh', seed: 3 });
    const check = gradCheck(model, () => model.forward([0.3, -0.7])[0]!.pow(2));
    expect(check.checked).toBe(17);
    expect(check.maxError).toBeLessThan(1e-8);
  });

  it('finds a parameter whose gradient is wrong, by name', () => {
    const model = new Detached();
    const check = gradCheck(model, () => model.forward([0.5, -1])[0]!.add(model.forward([0.5, -1])[1]!));
    expect(check.worst).toBe('scale');
    expect(check.maxError).toBeGreaterThan(0.1);
  });

  it('takes an array of Values, naming them by index, and restores their data', () => {
    const a = new Value(0.8), b = new Value(-1.3);
    const check = gradCheck([a, b], () => a.mul(b).exp());
    expect(check).toMatchObject({ checked: 2 });
    expect(check.maxError).toBeLessThan(1e-9);
    expect(['[0]', '[1]']).toContain(check.worst);
    expect([a.data, b.data]).toEqual([0.8, -1.3]);
    // analytic gradients are left in place: d e^(ab)/da = b e^(ab)
    expect(a.grad).toBeCloseTo(-1.3 * Math.exp(0.8 * -1.3), 14);
  });

  it('rejects what it cannot check', () => {
    expect(() => gradCheck(5 as unknown as Value[], () => new Value(1))).toThrow(new TypeError('gradCheck: expected params to be a Module or an array of Values, got number 5'));
    expect(() => gradCheck([new Value(1)], 'x' as unknown as () => Value)).toThrow(new TypeError('gradCheck: expected loss to be a function, got string "x"'));
    expect(() => gradCheck([new Value(1)], () => new Value(1), { h: 0 })).toThrow(new RangeError('gradCheck: expected options.h to be finite and > 0, got 0'));
    // A module without parameters has nothing to check: said as such, not as a wrong kind of argument.
    class Empty extends Module<readonly number[], Value[]> {
      forward(x: readonly number[]): Value[] { return x.map((v) => new Value(v)); }
    }
    expect(() => gradCheck(new Empty(), () => new Value(1))).toThrow(new RangeError('gradCheck: expected at least one parameter to check, got an Empty with none'));
    // Array entries must be parameters: leaf Values.
    const a = new Value(1);
    expect(() => gradCheck([a, 2 as unknown as Value], () => a)).toThrow(new TypeError('gradCheck: expected params[1] to be a Value, got number 2'));
    expect(() => gradCheck([a, a.mul(2)], () => a)).toThrow(new TypeError("gradCheck: expected params[1] to be a leaf Value (a parameter), got a Value made by '*'"));
    // A loss that does not return a Value is named as such.
    expect(() => gradCheck([a], () => 5 as unknown as Value)).toThrow(new TypeError('gradCheck: expected loss() to be a Value, got number 5'));
  });

  it('restores every parameter when the loss throws midway', () => {
    const a = new Value(0.5), b = new Value(2);
    let calls = 0;
    const loss = () => {
      if (++calls === 3) throw new Error('boom'); // the backward pass, then a's upward nudge; throws on a's downward one
      return a.mul(b);
    };
    expect(() => gradCheck([a, b], loss)).toThrow('boom');
    expect([a.data, b.data]).toEqual([0.5, 2]);
  });
});
