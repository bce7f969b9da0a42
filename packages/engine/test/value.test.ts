import { describe, expect, it } from 'vitest';
import { Value, add, div, isGradEnabled, mul, noGrad } from '@ugrad/engine';
import { toValue } from '@ugrad/engine/internal';
import { badInputs, reachable, thrown } from '../../../test/helpers.js';

// ---- helpers (plain numbers only: nothing here runs ugrad) ----

/** Asserts |actual - expected| <= rel·|expected| + abs; equal infinities and NaN/NaN also pass. */
function close(actual: number, expected: number, rel: number, abs = 0, what = ''): void {
  if (Number.isNaN(expected) || !Number.isFinite(expected)) {
    expect(actual, what).toBe(expected);
    return;
  }
  const err = Math.abs(actual - expected);
  expect(err, `${what}: got ${actual}, expected ${expected}`).toBeLessThanOrEqual(rel * Math.abs(expected) + abs);
}

/**
 * Central difference, Richardson-extrapolated: (4·D(h/2) − D(h)) / 3 has error O(h⁴).
 * The step is relative to x so that large and tiny inputs both get a sensible one,
 * and small enough that log/sqrt near 0 never step across 0.
 */
function numericalDerivative(f: (x: number) => number, x: number, step?: number): number {
  const h = step ?? 1e-4 * (x === 0 ? 1 : Math.abs(x));
  const d = (s: number): number => (f(x + s) - f(x - s)) / (2 * s);
  return (4 * d(h / 2) - d(h)) / 3;
}


function expectError(fn: () => unknown, kind: typeof TypeError | typeof RangeError, message: string): void {
  const error = thrown(fn);
  expect(error).toBeInstanceOf(kind);
  expect((error as Error).message).toBe(message);
}


// ---- every op: value and gradient ----

interface UnaryCase {
  name: string;
  op: (v: Value) => Value;
  f: (x: number) => number; // reference value, plain Math
  df: (x: number) => number; // derivative, by hand
  xs: number[]; // negative, zero where defined and smooth, large
}

const sigma = (x: number): number => (x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x)));

const unaryCases: UnaryCase[] = [
  { name: 'neg', op: (v) => v.neg(), f: (x) => -x, df: () => -1, xs: [-1e6, -3.5, -1, 0, 0.1, 2, 1e8] },
  { name: 'exp', op: (v) => v.exp(), f: Math.exp, df: Math.exp, xs: [-50, -1, 0, 0.5, 1, 20, 700] },
  { name: 'log', op: (v) => v.log(), f: Math.log, df: (x) => 1 / x, xs: [1e-10, 0.01, 0.5, 1, 2, 1e10, 1e300] },
  { name: 'tanh', op: (v) => v.tanh(), f: Math.tanh, df: (x) => 1 / Math.cosh(x) ** 2, xs: [-20, -3, -1, -0.01, 0, 0.5, 2, 20] },
  { name: 'sigmoid', op: (v) => v.sigmoid(), f: sigma, df: (x) => Math.exp(-Math.abs(x)) / (1 + Math.exp(-Math.abs(x))) ** 2, xs: [-40, -5, -1, 0, 1, 5, 40] },
  { name: 'relu', op: (v) => v.relu(), f: (x) => Math.max(0, x), df: (x) => (x > 0 ? 1 : 0), xs: [-1e6, -2, -0.5, 0.5, 3, 1e6] },
  { name: 'leakyRelu()', op: (v) => v.leakyRelu(), f: (x) => (x > 0 ? x : 0.01 * x), df: (x) => (x > 0 ? 1 : 0.01), xs: [-1e6, -2, -0.5, 0.5, 3, 1e6] },
  { name: 'leakyRelu(0.2)', op: (v) => v.leakyRelu(0.2), f: (x) => (x > 0 ? x : 0.2 * x), df: (x) => (x > 0 ? 1 : 0.2), xs: [-1e6, -2, -0.5, 0.5, 3, 1e6] },
  { name: 'abs', op: (v) => v.abs(), f: Math.abs, df: Math.sign, xs: [-1e6, -2, -0.5, 0.5, 3, 1e6] },
  { name: 'sqrt', op: (v) => v.sqrt(), f: Math.sqrt, df: (x) => 0.5 / Math.sqrt(x), xs: [1e-8, 0.25, 1, 2, 1e8] },
  { name: 'pow(2)', op: (v) => v.pow(2), f: (x) => x * x, df: (x) => 2 * x, xs: [-1e6, -3, -0.5, 0, 0.5, 4, 1e6] },
  { name: 'pow(3)', op: (v) => v.pow(3), f: (x) => x * x * x, df: (x) => 3 * x * x, xs: [-1e3, -3, -0.5, 0, 0.5, 4, 1e3] },
  { name: 'pow(-1)', op: (v) => v.pow(-1), f: (x) => 1 / x, df: (x) => -1 / (x * x), xs: [-1e6, -3, -0.5, 0.5, 4, 1e6] },
  { name: 'pow(-2.5)', op: (v) => v.pow(-2.5), f: (x) => x ** -2.5, df: (x) => -2.5 * x ** -3.5, xs: [1e-3, 0.5, 1, 4, 1e6] },
  { name: 'pow(0)', op: (v) => v.pow(0), f: () => 1, df: () => 0, xs: [-3, -0.5, 0.5, 4, 1e6] },
  // log(1 + e^x) straight from the definition is fine where e^x neither overflows nor rounds 1 + e^x away
  { name: 'softplus', op: (v) => v.softplus(), f: (x) => Math.log1p(Math.exp(x)), df: sigma, xs: [-30, -5, -1, -1e-3, 0, 0.5, 3, 30, 700] },
  { name: 'sin', op: (v) => v.sin(), f: Math.sin, df: Math.cos, xs: [-30, -3, -1, -0.01, 0, 0.5, 2, 30] },
  { name: 'cos', op: (v) => v.cos(), f: Math.cos, df: (x) => -Math.sin(x), xs: [-30, -3, -1, -0.01, 0, 0.5, 2, 30] },
  // away from the bounds (where the derivative jumps) finite differences see the slope: 1 inside, 0 outside
  { name: 'clamp(-1, 2)', op: (v) => v.clamp(-1, 2), f: (x) => Math.min(Math.max(x, -1), 2), df: (x) => (x >= -1 && x <= 2 ? 1 : 0), xs: [-1e6, -3, -1.5, -0.5, 0, 1.5, 3, 1e6] },
  { name: 'clampMin(0.5)', op: (v) => v.clampMin(0.5), f: (x) => Math.max(x, 0.5), df: (x) => (x >= 0.5 ? 1 : 0), xs: [-3, 0, 0.25, 0.75, 4] },
  { name: 'clampMax(0.5)', op: (v) => v.clampMax(0.5), f: (x) => Math.min(x, 0.5), df: (x) => (x <= 0.5 ? 1 : 0), xs: [-3, 0, 0.25, 0.75, 4] },
  { name: 'max(x, 1)', op: (v) => v.max(1), f: (x) => Math.max(x, 1), df: (x) => (x > 1 ? 1 : 0), xs: [-3, 0, 0.5, 1.5, 40] },
  { name: 'min(x, 1)', op: (v) => v.min(1), f: (x) => Math.min(x, 1), df: (x) => (x < 1 ? 1 : 0), xs: [-3, 0, 0.5, 1.5, 40] },
];

describe('unary ops: value and gradient', () => {
  for (const c of unaryCases) {
    it(`${c.name}: value matches Math, gradient matches the hand derivative and central differences`, () => {
      for (const x0 of c.xs) {
        const x = new Value(x0);
        const y = c.op(x);
        close(y.data, c.f(x0), 1e-15, 0, `${c.name}(${x0}) value`);
        y.backward();
        close(x.grad, c.df(x0), 1e-12, 1e-15, `${c.name}'(${x0}) vs hand derivative`);
        close(x.grad, numericalDerivative(c.f, x0), 1e-7, 1e-9, `${c.name}'(${x0}) vs finite differences`);
      }
    });
  }
});

interface BinaryCase {
  name: string;
  op: (a: Value, b: Value) => Value;
  f: (x: number, y: number) => number;
  da: (x: number, y: number) => number;
  db: (x: number, y: number) => number;
  points: [number, number][];
  /** FD step for both operands; add and sub need one relative to the larger operand, or rounding swamps it */
  step?: (x: number, y: number) => number;
}

const anyPairs: [number, number][] = [[-3, 2], [0, 5], [2.5, -0.5], [1e6, -1e6], [1e-3, 7], [-1e8, 3e-2], [0, 0]];
const largerOperand = (x: number, y: number): number => 1e-4 * Math.max(1, Math.abs(x), Math.abs(y));
const binaryCases: BinaryCase[] = [
  { name: 'add', op: (a, b) => a.add(b), f: (x, y) => x + y, da: () => 1, db: () => 1, points: anyPairs, step: largerOperand },
  { name: 'sub', op: (a, b) => a.sub(b), f: (x, y) => x - y, da: () => 1, db: () => -1, points: anyPairs, step: largerOperand },
  { name: 'mul', op: (a, b) => a.mul(b), f: (x, y) => x * y, da: (_, y) => y, db: (x) => x, points: anyPairs },
  {
    name: 'div', op: (a, b) => a.div(b), f: (x, y) => x / y, da: (_, y) => 1 / y, db: (x, y) => -x / (y * y),
    points: [[-3, 2], [0, 5], [2.5, -0.5], [1e6, -1e6], [1e-3, 7], [-1e8, 3e-2]],
  },
  {
    // d(a^b)/da = b·a^(b-1), d(a^b)/db = a^b·ln a (a > 0 here; a <= 0 has its own tests)
    name: 'pow(Value)', op: (a, b) => a.pow(b), f: (x, y) => x ** y,
    da: (x, y) => y * x ** (y - 1), db: (x, y) => x ** y * Math.log(x),
    points: [[2, 3], [0.5, -1.5], [10, 0.3], [1e3, 2], [3, 0], [1e-3, 0.5], [7, -2]],
  },
  {
    name: 'max', op: (a, b) => a.max(b), f: Math.max, da: (x, y) => (x > y ? 1 : 0), db: (x, y) => (y > x ? 1 : 0),
    points: [[-3, 2], [0, 5], [2.5, -0.5], [1e6, -1e6], [1e-3, 7], [-1e8, 3e-2]],
  },
  {
    name: 'min', op: (a, b) => a.min(b), f: Math.min, da: (x, y) => (x < y ? 1 : 0), db: (x, y) => (y < x ? 1 : 0),
    points: [[-3, 2], [0, 5], [2.5, -0.5], [1e6, -1e6], [1e-3, 7], [-1e8, 3e-2]],
  },
  {
    // log(e^a + e^b) from the definition (no overflow at these points); d/da = σ(a − b), d/db = σ(b − a)
    name: 'logAddExp', op: (a, b) => a.logAddExp(b), f: (x, y) => Math.log(Math.exp(x) + Math.exp(y)),
    da: (x, y) => sigma(x - y), db: (x, y) => sigma(y - x),
    points: [[-3, 2], [0, 0], [2.5, -0.5], [1e-3, 7], [0.5, 0.5], [-20, -21], [30, 1], [-600, -601]], step: largerOperand,
  },
];

describe('binary ops: value and gradient', () => {
  for (const c of binaryCases) {
    it(`${c.name}: value, and the gradient to each operand, match hand derivatives and central differences`, () => {
      for (const [x0, y0] of c.points) {
        const a = new Value(x0), b = new Value(y0);
        const out = c.op(a, b);
        close(out.data, c.f(x0, y0), 1e-15, 0, `${c.name}(${x0}, ${y0}) value`);
        out.backward();
        const at = `${c.name} at (${x0}, ${y0})`;
        close(a.grad, c.da(x0, y0), 1e-12, 1e-15, `${at}: d/da vs hand`);
        close(b.grad, c.db(x0, y0), 1e-12, 1e-15, `${at}: d/db vs hand`);
        const h = c.step?.(x0, y0);
        close(a.grad, numericalDerivative((x) => c.f(x, y0), x0, h), 1e-7, 1e-9, `${at}: d/da vs finite differences`);
        close(b.grad, numericalDerivative((y) => c.f(x0, y), y0, h), 1e-7, 1e-9, `${at}: d/db vs finite differences`);
      }
    });
  }

  it('accepts a plain number as the operand: it becomes a constant leaf that also gets a gradient', () => {
    const x = new Value(3);
    const cases: [Value, number, number][] = [
      [x.add(2), 5, 1], [x.sub(2), 1, 1], [x.mul(2), 6, 2], [x.div(2), 1.5, 0.5], [x.pow(2), 9, 6],
    ];
    for (const [out, data, grad] of cases) {
      x.grad = 0;
      out.backward();
      expect(out.data).toBe(data);
      expect(x.grad).toBe(grad);
    }
    const y = x.mul(2);
    y.backward();
    expect(y.children[1]!.data).toBe(2);
    expect(y.children[1]!.grad).toBe(3); // d(x·c)/dc = x
  });
});

// ---- numerics and PyTorch's conventions ----

describe('numerics', () => {
  function at(op: (v: Value) => Value, x0: number): [number, number] {
    const x = new Value(x0);
    const y = op(x);
    y.backward();
    return [y.data, x.grad];
  }

  it('tanh saturates to ±1 with gradient 0, never NaN', () => {
    expect(at((v) => v.tanh(), 1000)).toEqual([1, 0]);
    expect(at((v) => v.tanh(), -1000)).toEqual([-1, 0]);
    expect(at((v) => v.tanh(), 1e300)).toEqual([1, 0]);
  });

  it('sigmoid saturates to 0 and 1 with gradient 0, never NaN', () => {
    expect(at((v) => v.sigmoid(), -1000)).toEqual([0, 0]);
    expect(at((v) => v.sigmoid(), 1000)).toEqual([1, 0]);
    expect(at((v) => v.sigmoid(), -1e300)).toEqual([0, 0]);
    expect(at((v) => v.sigmoid(), 0)).toEqual([0.5, 0.25]);
    // far in the left tail the value is tiny but not flushed to 0: e^-700 / (1 + e^-700)
    close(at((v) => v.sigmoid(), -700)[0], Math.exp(-700), 1e-15);
  });

  it('softplus is finite at ±1000 and beyond, never NaN, and keeps log1p’s precision in the left tail', () => {
    expect(at((v) => v.softplus(), 1000)).toEqual([1000, 1]);
    expect(at((v) => v.softplus(), -1000)).toEqual([0, 0]);
    expect(at((v) => v.softplus(), 1e300)).toEqual([1e300, 1]);
    expect(at((v) => v.softplus(), 0)).toEqual([Math.LN2, 0.5]);
    // log(1 + e^-40) would round to 0 if formed as log(1 + x); log1p keeps it
    expect(at((v) => v.softplus(), -40)[0]).toBe(Math.log1p(Math.exp(-40)));
    close(at((v) => v.softplus(), -700)[0], Math.exp(-700), 1e-15);
    expect(at((v) => v.softplus(), Infinity)).toEqual([Infinity, 1]);
    expect(at((v) => v.softplus(), -Infinity)).toEqual([0, 0]);
  });

  it('logAddExp is finite at ±1000 and at the largest doubles, and never NaN for numbers that are not', () => {
    const lae = (x0: number, y0: number): [number, number, number] => {
      const a = new Value(x0), b = new Value(y0);
      const out = a.logAddExp(b);
      out.backward();
      return [out.data, a.grad, b.grad];
    };
    expect(lae(1000, -1000)).toEqual([1000, 1, 0]);
    expect(lae(-1000, 1000)).toEqual([1000, 0, 1]);
    expect(lae(1000, 1000)).toEqual([1000 + Math.LN2, 0.5, 0.5]);
    expect(lae(-1000, -1000)).toEqual([-1000 + Math.LN2, 0.5, 0.5]);
    expect(lae(1e308, 1e308)).toEqual([1e308, 0.5, 0.5]);
    // a − b overflows to Infinity: e^−∞ = 0, still no NaN
    expect(lae(1.7e308, -1.7e308)).toEqual([1.7e308, 1, 0]);
    // PyTorch: logaddexp(-inf, -inf) = -inf and (inf, inf) = inf, and its gradient there is NaN
    // (1 / (1 + e^(b − a)) with b − a = NaN): so here too.
    expect(lae(-Infinity, -Infinity)).toEqual([-Infinity, NaN, NaN]);
    expect(lae(Infinity, Infinity)).toEqual([Infinity, NaN, NaN]);
    expect(lae(Infinity, -Infinity)).toEqual([Infinity, 1, 0]);
    expect(lae(-Infinity, 3)).toEqual([3, 0, 1]);
    expect(lae(2, Infinity)).toEqual([Infinity, 0, 1]);
    expect(lae(NaN, 1).map(Number.isNaN)).toEqual([true, true, true]);
  });

  it('follows IEEE arithmetic at the edges of the domain, as PyTorch does', () => {
    expect(at((v) => v.log(), 0)).toEqual([-Infinity, Infinity]); // d(ln a)/da = 1/a
    expect(at((v) => v.log(), -1).map(Number.isNaN)).toEqual([true, false]); // log(-1) is NaN, its local slope -1
    expect(at((v) => v.exp(), 1000)).toEqual([Infinity, Infinity]);
    expect(at((v) => v.exp(), -1000)).toEqual([0, 0]);
    expect(at((v) => v.sqrt(), 0)).toEqual([0, Infinity]);
    expect(Number.isNaN(at((v) => v.sqrt(), -1)[0])).toBe(true);
  });

  it('uses PyTorch’s derivatives at kinks', () => {
    expect(at((v) => v.relu(), 0)).toEqual([0, 0]); // relu'(0) = 0
    expect(at((v) => v.abs(), 0)).toEqual([0, 0]); // abs'(0) = sgn(0) = 0
    expect(at((v) => v.leakyRelu(), 0)).toEqual([0, 0.01]); // leaky_relu'(0) = slope
    expect(at((v) => v.leakyRelu(0.3), 0)).toEqual([0, 0.3]);
    expect(at((v) => v.pow(0), 0)).toEqual([1, 0]); // d(x^0)/dx = 0, even at 0 (not 0·0^-1 = NaN)
    expect(at((v) => v.pow(1), 0)).toEqual([0, 1]);
    expect(at((v) => v.pow(2), 0)).toEqual([0, 0]);
  });

  it('relu passes NaN through', () => {
    expect(Number.isNaN(new Value(NaN).relu().data)).toBe(true);
  });

  it('pow with a Value exponent follows PyTorch where the base is 0 or negative', () => {
    const grads = (x0: number, y0: number): [number, number, number] => {
      const a = new Value(x0), b = new Value(y0);
      const out = a.pow(b);
      out.backward();
      return [out.data, a.grad, b.grad];
    };
    // d(a^b)/db = a^b·ln a is set to 0 where a = 0 and b >= 0 (instead of 0·-∞ = NaN)
    expect(grads(0, 2)).toEqual([0, 0, 0]);
    expect(grads(0, 1)).toEqual([0, 1, 0]);
    expect(grads(0, 0.5)).toEqual([0, Infinity, 0]);
    expect(grads(0, 0)).toEqual([1, 0, 0]); // and d/da = 0 where b = 0
    expect(grads(5, 0)).toEqual([1, 0, Math.log(5)]);
    // b < 0 at a = 0: ∞ · ln 0 = -∞, as in PyTorch
    expect(grads(0, -1)).toEqual([Infinity, -Infinity, -Infinity]);
    // negative base, integer exponent: value and d/da are finite, d/db = (-8)·ln(-2) is NaN
    const [v, da, db] = grads(-2, 3);
    expect([v, da]).toEqual([-8, 12]);
    expect(Number.isNaN(db)).toBe(true);
  });
});

describe('min, max and clamp at ties and bounds, as PyTorch', () => {
  const two = (f: (a: Value, b: Value) => Value, x0: number, y0: number): number[] => {
    const a = new Value(x0), b = new Value(y0);
    const out = f(a, b);
    out.backward();
    return [out.data, a.grad, b.grad];
  };
  const one = (f: (a: Value) => Value, x0: number): number[] => {
    const a = new Value(x0);
    const out = f(a);
    out.backward();
    return [out.data, a.grad];
  };

  it('torch.maximum and torch.minimum split the gradient half and half on a tie, and give NaN (with full gradients) at NaN', () => {
    expect(two((a, b) => a.max(b), 2, 2)).toEqual([2, 0.5, 0.5]);
    expect(two((a, b) => a.min(b), 2, 2)).toEqual([2, 0.5, 0.5]);
    expect(two((a, b) => a.max(b), -0, 0)).toEqual([-0, 0.5, 0.5]); // a tie too; std::max keeps the first
    expect(two((a, b) => a.max(b), Infinity, Infinity)).toEqual([Infinity, 0.5, 0.5]);
    expect(two((a, b) => a.max(b), NaN, 1)).toEqual([NaN, 1, 1]);
    expect(two((a, b) => a.min(b), 1, NaN)).toEqual([NaN, 1, 1]);
  });

  it('torch.clamp passes the gradient where lo ≤ x ≤ hi, bounds included; lo > hi gives hi with gradient 0', () => {
    expect(one((a) => a.clamp(-1, 1), -1)).toEqual([-1, 1]);
    expect(one((a) => a.clamp(-1, 1), 1)).toEqual([1, 1]);
    expect(one((a) => a.clamp(-1, 1), 1.5)).toEqual([1, 0]);
    expect(one((a) => a.clamp(-1, 1), NaN)).toEqual([NaN, 0]);
    expect(one((a) => a.clamp(1, -1), 0)).toEqual([-1, 0]);
    expect(one((a) => a.clamp(0, Infinity), -2)).toEqual([0, 0]);
    expect(one((a) => a.clamp(-Infinity, Infinity), 7)).toEqual([7, 1]);
  });

  it('refuses NaN bounds and non-numbers, naming the method', () => {
    expectError(() => new Value(1).clamp(NaN, 1), RangeError, 'Value.clamp: expected lo to be a number, not NaN, got NaN');
    expectError(() => new Value(1).clamp(0, '1' as never), TypeError, 'Value.clamp: expected hi to be a number, not NaN, got string "1"');
    expectError(() => new Value(1).clampMin(undefined as never), TypeError, 'Value.clampMin: expected lo to be a number, not NaN, got undefined');
    expectError(() => new Value(1).max('1' as never), TypeError, 'Value.max: expected other to be a Value or a number, got string "1"');
  });
});

describe('IEEE edges where JavaScript and PyTorch differ', () => {
  it('pow follows C: 1^NaN = 1, 1^±∞ = 1, (−1)^±∞ = 1, with a number or a Value exponent', () => {
    for (const e of [NaN, Infinity, -Infinity]) {
      expect(new Value(1).pow(e).data).toBe(1);
      expect(new Value(1).pow(new Value(e)).data).toBe(1);
    }
    expect(new Value(-1).pow(Infinity).data).toBe(1);
    expect(new Value(-1).pow(new Value(-Infinity)).data).toBe(1);
    expect(1 ** Infinity).toBeNaN(); // what JavaScript says
  });

  it('sqrt and pow(0.5) are torch.sqrt: sqrt(−0) = −0 with gradient −∞, sqrt(−∞) = NaN', () => {
    const x = new Value(-0);
    const y = x.sqrt();
    y.backward();
    expect([y.data, x.grad]).toEqual([-0, -Infinity]);
    expect(new Value(-Infinity).sqrt().data).toBeNaN();
    expect((-Infinity) ** 0.5).toBe(Infinity); // what JavaScript says
  });

  it('relu is torch.relu: relu(−0) = −0, relu(NaN) = NaN with gradient 1 (threshold_backward lets it through)', () => {
    const x = new Value(NaN);
    x.relu().backward();
    expect(x.grad).toBe(1);
    expect(new Value(-0).relu().data).toBe(-0);
  });

  it('sigmoid is PyTorch’s 1/(1 + e^−x): exactly 0 once e^−x overflows, never NaN', () => {
    expect(new Value(-710).sigmoid().data).toBe(0);
    expect(new Value(-Infinity).sigmoid().data).toBe(0);
    expect(new Value(Infinity).sigmoid().data).toBe(1);
  });
});

// ---- micrograd's examples, with expected numbers derived by hand ----

describe("micrograd's examples", () => {
  // micrograd README and test_more_ops (a = -4, b = 2):
  //   c = 3a + 4b + 3 = -1;  d = 4(3(ab + b³) + relu(a+b)) + relu(b-a) = 12ab + 12b³ + (b - a) = 6
  //   (relu(a+b) = relu(-2) = 0 with slope 0, relu(b-a) = relu(6) with slope 1)
  //   e = c - d = 4a + 3b + 3 - 12ab - 12b³ = -7;  f = e² = 49;  g = f/2 + 10/f
  //   dg/de = (1/2 - 10/f²)·2e = -7 + 140/2401
  //   de/da = 4 - 12b = -20;  de/db = 3 - 12a - 36b² = -93
  function moreOps(): { a: Value; b: Value; g: Value } {
    const a = new Value(-4), b = new Value(2);
    let c = a.add(b);
    let d = a.mul(b).add(b.pow(3));
    c = c.add(c.add(1)); // c += c + 1
    c = c.add(add(1, c).add(a.neg())); // c += 1 + c + (-a)
    d = d.add(d.mul(2).add(b.add(a).relu())); // d += d * 2 + (b + a).relu()
    d = d.add(mul(3, d).add(b.sub(a).relu())); // d += 3 * d + (b - a).relu()
    const e = c.sub(d);
    const f = e.pow(2);
    let g = f.div(2);
    g = g.add(div(10, f)); // g += 10.0 / f
    g.backward();
    return { a, b, g };
  }

  it("README example prints micrograd's numbers", () => {
    const { a, b, g } = moreOps();
    expect(g.data.toFixed(4)).toBe('24.7041');
    expect(a.grad.toFixed(4)).toBe('138.8338');
    expect(b.grad.toFixed(4)).toBe('645.5773');
  });

  it('test_more_ops agrees with the hand derivation to 1e-12', () => {
    const { a, b, g } = moreOps();
    const dgde = -7 + 140 / 2401;
    close(g.data, 24.5 + 10 / 49, 1e-12);
    close(a.grad, dgde * -20, 1e-12);
    close(b.grad, dgde * -93, 1e-12);
  });

  it('test_sanity_check agrees with the hand derivation', () => {
    // x = -4: z = 3x + 2 = -10 (so relu(z) = 0, slope 0); q = zx = 40; h = relu(z²) = z² = 100
    // y = h + q + qx = -20;  dy/dx = 6z + (1 + x)(dq/dx) + q with dq/dx = 3x + z = -22:  -60 + 66 + 40 = 46
    const x = new Value(-4);
    const z = mul(2, x).add(2).add(x);
    const q = z.relu().add(z.mul(x));
    const h = z.mul(z).relu();
    const y = h.add(q).add(q.mul(x));
    y.backward();
    expect(y.data).toBe(-20);
    expect(x.grad).toBe(46);
  });
});

// ---- accumulation through reused nodes ----

describe('gradient accumulation', () => {
  it('x·x gives 2x', () => {
    const x = new Value(3);
    const y = x.mul(x);
    y.backward();
    expect(y.data).toBe(9);
    expect(x.grad).toBe(6);
  });

  it('a diamond sums both paths', () => {
    // x → b = tanh x → (c = 2b, d = e^b) → out = c + d;  d out/dx = (2 + e^b)(1 - b²)
    const x = new Value(0.7);
    const b = x.tanh();
    const out = b.mul(2).add(b.exp());
    out.backward();
    const t = Math.tanh(0.7);
    close(b.grad, 2 + Math.exp(t), 1e-15);
    close(x.grad, (2 + Math.exp(t)) * (1 - t * t), 1e-14);
  });

  it('a node used three times receives three contributions', () => {
    const x = new Value(2);
    const s = x.add(x).add(x);
    s.backward();
    expect(x.grad).toBe(3);
    const y = new Value(-1.5);
    const cube = y.mul(y).mul(y);
    cube.backward();
    expect(y.grad).toBe(3 * 1.5 * 1.5); // 3y²
  });

  it('shared weights sum their gradients over every use', () => {
    // L = (w·x1 + b)² + (w·x2 + b)², w = 0.5, b = 1, x1 = 2, x2 = -3 → u1 = 2, u2 = -0.5
    // dL/dw = 2·u1·x1 + 2·u2·x2 = 8 + 3;  dL/db = 2u1 + 2u2 = 3;  dL/dx1 = 2u1w = 2;  dL/dx2 = 2u2w = -0.5
    const w = new Value(0.5), b = new Value(1), x1 = new Value(2), x2 = new Value(-3);
    const loss = w.mul(x1).add(b).pow(2).add(w.mul(x2).add(b).pow(2));
    loss.backward();
    expect(loss.data).toBe(4.25);
    expect([w.grad, b.grad, x1.grad, x2.grad]).toEqual([11, 3, 2, -0.5]);
  });

  it('backward() twice doubles the leaf gradients of a one-op graph', () => {
    const a = new Value(2), b = new Value(-3);
    const c = a.mul(b);
    c.backward();
    c.backward();
    expect([a.grad, b.grad]).toEqual([-6, 4]);
  });

  it('backward() twice keeps accumulating through intermediates, as micrograd does; zeroGrad() resets', () => {
    // y = (x·2)·3. Pass 1: m = x·2 gets 3, x gets 2·3 = 6. Pass 2: m accumulates to 6 and
    // pushes 2·6 = 12 more into x, so x.grad = 18 — which is why zeroGrad() walks the whole graph.
    const x = new Value(1);
    const m = x.mul(2);
    const y = m.mul(3);
    y.backward();
    expect([x.grad, m.grad]).toEqual([6, 3]);
    y.backward();
    expect([x.grad, m.grad]).toEqual([18, 6]);
    y.zeroGrad();
    y.backward();
    expect([x.grad, m.grad]).toEqual([6, 3]);
  });

  it('backward() on a leaf sets its grad to 1', () => {
    const x = new Value(5);
    x.backward();
    expect(x.grad).toBe(1);
  });
});

describe('zeroGrad', () => {
  it('zeroes every node of the graph, intermediates and leaves (constants too)', () => {
    const a = new Value(1.5), b = new Value(-2);
    const h = a.mul(b).tanh();
    const out = h.add(h.mul(a)).add(3).sigmoid();
    out.backward();
    const nodes = reachable(out);
    expect(nodes.length).toBe(9);
    expect(nodes.filter((v) => v.grad !== 0).length).toBeGreaterThan(5); // backward did fill them
    out.zeroGrad();
    expect(nodes.map((v) => v.grad)).toEqual(nodes.map(() => 0));
  });

  it('after zeroGrad, backward gives the same gradients as the first time', () => {
    const x = new Value(0.3);
    const y = x.mul(2).exp().mul(3);
    y.backward();
    const first = x.grad;
    y.zeroGrad();
    y.backward();
    expect(x.grad).toBe(first);
  });

  it('on a leaf zeroes just the leaf', () => {
    const x = new Value(1);
    x.grad = 4;
    x.zeroGrad();
    expect(x.grad).toBe(0);
  });
});

// ---- depth ----

describe('a 10-million-node chain', () => {
  it('backpropagates without a stack overflow and with the right gradient, and zeroGrad walks it too', () => {
    // v = x + c + c + … (10⁷ times, one shared constant leaf c): dv/dx = 1, dv/dc = 10⁷.
    const n = 10_000_000;
    const x = new Value(0.5), c = new Value(1);
    let v = x;
    for (let i = 0; i < n; i++) v = v.add(c);
    expect(v.data).toBe(n + 0.5);
    v.backward();
    expect(x.grad).toBe(1);
    expect(c.grad).toBe(n);
    v.zeroGrad();
    expect([x.grad, c.grad, v.grad, v.children[0]!.grad]).toEqual([0, 0, 0, 0]);
  });
});

// ---- no-grad mode ----

describe('noGrad', () => {
  it('computes values without recording a graph: results are leaves', () => {
    const a = new Value(2), b = new Value(-3);
    const [s, p, t] = noGrad(() => [a.add(b), a.mul(b).add(1), a.tanh()] as const);
    expect([s.data, p.data, t.data]).toEqual([-1, -5, Math.tanh(2)]);
    for (const v of [s, p, t]) {
      expect(v.op).toBe('');
      expect(v.children).toEqual([]);
    }
    p.backward();
    expect([p.grad, a.grad, b.grad]).toEqual([1, 0, 0]);
  });

  it('reports its state, nests, and restores the state on the way out', () => {
    expect(isGradEnabled()).toBe(true);
    const result = noGrad(() => {
      expect(isGradEnabled()).toBe(false);
      noGrad(() => expect(isGradEnabled()).toBe(false));
      expect(isGradEnabled()).toBe(false); // the inner one restored "disabled", not "enabled"
      return 42;
    });
    expect(result).toBe(42);
    expect(isGradEnabled()).toBe(true);
    expect(new Value(1).add(1).op).toBe('+');
  });

  it('restores the state after a throw, and lets the error through', () => {
    const boom = new Error('boom');
    expect(thrown(() => noGrad(() => { throw boom; }))).toBe(boom);
    expect(isGradEnabled()).toBe(true);
    noGrad(() => {
      expect(thrown(() => noGrad(() => { throw boom; }))).toBe(boom);
      expect(isGradEnabled()).toBe(false);
    });
    expect(isGradEnabled()).toBe(true);
  });

  it('still rejects bad input', () => {
    expectError(() => noGrad(() => new Value(1).add('1' as never)), TypeError, 'Value.add: expected other to be a Value or a number, got string "1"');
    expect(isGradEnabled()).toBe(true);
  });
});

// ---- label, op, children, toString ----

describe('label, op, children, toString', () => {
  it('label is empty unless given, and can be set', () => {
    const a = new Value(2, 'a');
    const b = new Value(3);
    expect(a.label).toBe('a');
    expect(b.label).toBe('');
    b.label = 'b';
    expect(b.label).toBe('b');
    expect(a.add(b).label).toBe('');
  });

  it('op names the op that made the node; derived ops show the primitives they are made of', () => {
    const x = new Value(0.5), y = new Value(2);
    const ops: [Value, string][] = [
      [x, ''], [x.add(y), '+'], [x.mul(y), '*'], [x.pow(2), '**'], [x.pow(y), 'pow'], [x.exp(), 'exp'],
      [x.log(), 'log'], [x.tanh(), 'tanh'], [x.sigmoid(), 'sigmoid'], [x.relu(), 'relu'],
      [x.leakyRelu(), 'leakyRelu'], [x.abs(), 'abs'], [x.logAddExp(y), 'logAddExp'], [x.sin(), 'sin'], [x.cos(), 'cos'],
      [x.min(y), 'min'], [x.max(y), 'max'], [x.clampMin(0), 'clampMin'], [x.clampMax(1), 'clampMax'], [x.clamp(0, 1), 'clampMax'],
      [x.neg(), '*'], [x.sub(y), '+'], [x.div(y), '/'], [x.sqrt(), '**'], [x.softplus(), 'logAddExp'],
    ];
    for (const [v, op] of ops) expect(v.op).toBe(op);
  });

  it('children are the inputs, in order; a number operand appears as a constant leaf', () => {
    const x = new Value(0.5), y = new Value(2);
    expect(x.children).toEqual([]);
    const s = x.add(y);
    expect(s.children.length).toBe(2);
    expect(s.children[0]).toBe(x);
    expect(s.children[1]).toBe(y);
    const t = x.tanh();
    expect(t.children.length).toBe(1);
    expect(t.children[0]).toBe(x);
    const m = x.mul(7);
    expect(m.children[0]).toBe(x);
    expect(m.children[1]).toBeInstanceOf(Value);
    expect(m.children[1]!.data).toBe(7);
    expect(m.children[1]!.op).toBe('');
    // x - y is x + (y·-1)
    const d = x.sub(y);
    expect(d.children[0]).toBe(x);
    expect(d.children[1]!.op).toBe('*');
    expect(d.children[1]!.children[0]).toBe(y);
    expect(d.children[1]!.children[1]!.data).toBe(-1);
  });

  it('toString shows data, grad and the label when there is one', () => {
    const a = new Value(2, 'a');
    expect(a.toString()).toBe('Value(data=2, grad=0, label=a)');
    const b = a.mul(-1.5);
    b.backward();
    expect(b.toString()).toBe('Value(data=-3, grad=1)');
    expect(String(a)).toBe('Value(data=2, grad=-1.5, label=a)');
  });
});

// ---- a Value is not a number ----

describe('conversions: text yes, arithmetic no', () => {
  const coercion = 'Value: a Value is not a number: use a.add(b), a.mul(b), … to compute with Values, a.data for the number, or String(a) for text';

  it('a + b, a * 2, a < b and +a throw a TypeError pointing to .add() and .data', () => {
    const a = new Value(1), b = new Value(2);
    const tries: (() => unknown)[] = [
      () => (a as unknown as number) + (b as unknown as number),
      () => (a as unknown as number) * 2,
      () => (a as unknown as number) < (b as unknown as number),
      () => +(a as unknown as number),
      () => Math.exp(a as unknown as number),
      () => (a as unknown as number) == 1, // eslint-disable-line eqeqeq
    ];
    for (const t of tries) expectError(t, TypeError, coercion);
  });

  it('template strings and String() still give toString()', () => {
    const a = new Value(1.5, 'a');
    expect(`${a}`).toBe('Value(data=1.5, grad=0, label=a)');
    expect(String(a)).toBe('Value(data=1.5, grad=0, label=a)');
    expect([a].join()).toBe('Value(data=1.5, grad=0, label=a)');
  });

  it('JSON.stringify gives { data, grad, label, op }, never the graph, even 10⁴ deep', () => {
    const x = new Value(2, 'x');
    const y = x.mul(3).tanh();
    y.backward();
    expect(JSON.parse(JSON.stringify(y))).toEqual({ data: Math.tanh(6), grad: 1, label: '', op: 'tanh' });
    expect(JSON.parse(JSON.stringify([x]))).toEqual([{ data: 2, grad: 3 * (1 - Math.tanh(6) ** 2), label: 'x', op: '' }]);
    let deep = x;
    for (let i = 0; i < 10_000; i++) deep = deep.add(1);
    expect(JSON.stringify({ loss: deep })).toBe('{"loss":{"data":10002,"grad":0,"label":"","op":"+"}}');
    // IEEE values become null, as JSON.stringify writes any non-finite number
    expect(JSON.stringify(new Value(NaN))).toBe('{"data":null,"grad":0,"label":"","op":""}');
  });

  it("vitest's messages and diffs show Values through toJSON", () => {
    const v = new Value(1, 'x').mul(new Value(2)).tanh();
    const message = (thrown(() => expect(v).toEqual(new Value(0))) as Error).message;
    expect(message).toMatch(/^expected .* to deeply equal Value/);
    expect(v).toMatchObject({ data: Math.tanh(2), op: 'tanh' });
  });
});

describe('data and grad take numbers only', () => {
  it("v.data = '0.5' and v.grad = '1' are TypeErrors that leave the Value as it was", () => {
    const v = new Value(1);
    v.grad = 0.25;
    expectError(() => { v.data = '0.5' as never; }, TypeError, 'Value.data: expected the new data to be a number, got string "0.5"');
    expectError(() => { v.grad = '1' as never; }, TypeError, 'Value.grad: expected the new grad to be a number, got string "1"');
    expectError(() => { v.data = 1n as never; }, TypeError, 'Value.data: expected the new data to be a number, got bigint 1n');
    expect([v.data, v.grad]).toEqual([1, 0.25]);
    v.data = NaN; // any number: IEEE values are data too
    v.grad = -Infinity;
    expect([v.data, v.grad]).toEqual([NaN, -Infinity]);
  });

  it('an optimizer-style update keeps numbers numbers', () => {
    const p = new Value(0.5);
    p.grad = 0.1;
    p.data -= 0.1 * p.grad;
    expect(p.data).toBe(0.5 - 0.1 * 0.1);
  });
});

// ---- bad input ----


describe('bad input', () => {
  const methods = ['add', 'sub', 'mul', 'div', 'pow', 'logAddExp'] as const;
  for (const method of methods) {
    it(`Value.${method} rejects a non-number operand with a TypeError naming the method and the argument`, () => {
      const x = new Value(1);
      for (const [bad, described] of badInputs) {
        expectError(() => x[method](bad as never), TypeError, `Value.${method}: expected ${method === 'pow' ? 'exponent' : 'other'} to be a Value or a number, got ${described}`);
      }
    });
  }

  it('new Value rejects non-number data', () => {
    for (const [bad, described] of badInputs) {
      expectError(() => new Value(bad as never), TypeError, `new Value: expected data to be a number, got ${described}`);
    }
    expectError(() => Reflect.construct(Value, []), TypeError, 'new Value: expected data to be a number, got undefined');
  });

  it('label rejects a non-string', () => {
    expectError(() => { new Value(1).label = 5 as never; }, TypeError, 'Value.label: expected the label to be a string, got number 5');
    expectError(() => new Value(1, null as never), TypeError, 'new Value: expected label to be a string, got null');
  });

  it("leakyRelu rejects a non-number slope; undefined means the default slope, as for any JS default", () => {
    const x = new Value(-2);
    for (const [bad, described] of badInputs) {
      if (bad === undefined) continue;
      expectError(() => x.leakyRelu(bad as never), TypeError, `Value.leakyRelu: expected slope to be a finite number, got ${described}`);
    }
    expect(x.leakyRelu(undefined).data).toBe(-0.02);
  });

  it('toValue names the caller it is given', () => {
    expectError(() => toValue('x' as never, 'Layer.forward'), TypeError, 'Layer.forward: expected the argument to be a Value or a number, got string "x"');
    expectError(() => toValue('x' as never, 'Layer.forward', 'input 3'), TypeError, 'Layer.forward: expected input 3 to be a Value or a number, got string "x"');
    const v = new Value(1);
    expect(toValue(v, 'here')).toBe(v);
    expect(toValue(2, 'here').data).toBe(2);
  });
});
