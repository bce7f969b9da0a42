import { describe, expect, it } from 'vitest';
import { Value, add, compileStep, div, dot, logSumExp, mean, mul, pow, softmax, sub, sum } from '@ugrad/engine';
import { badInputs as allBadInputs } from '../../../test/helpers.js';

function close(actual: number, expected: number, rel: number, what = ''): void {
  expect(Math.abs(actual - expected), `${what}: got ${actual}, expected ${expected}`).toBeLessThanOrEqual(rel * Math.abs(expected));
}

/** Richardson-extrapolated central difference, step relative to x. */
function numericalDerivative(f: (x: number) => number, x: number): number {
  const h = 1e-4 * (x === 0 ? 1 : Math.abs(x));
  const d = (s: number): number => (f(x + s) - f(x - s)) / (2 * s);
  return (4 * d(h / 2) - d(h)) / 3;
}

function expectError(fn: () => unknown, kind: typeof TypeError | typeof RangeError, message: string): void {
  let error: unknown;
  try {
    fn();
  } catch (e) {
    error = e;
  }
  expect(error, 'expected the call to throw').toBeInstanceOf(kind);
  expect((error as Error).message).toBe(message);
}

describe('free functions put a number on the left', () => {
  const points = [-3, -0.5, 0.25, 2, 40];

  it('add(3, x) and mul(3, x): value, and gradient 1 and 3', () => {
    for (const x0 of points) {
      const x = new Value(x0);
      const s = add(3, x), m = mul(3, x);
      expect([s.data, m.data]).toEqual([3 + x0, 3 * x0]);
      s.backward();
      m.backward();
      expect(x.grad).toBe(4);
    }
  });

  it('sub(2, x) is 2 - x with gradient -1', () => {
    for (const x0 of points) {
      const x = new Value(x0);
      const y = sub(2, x);
      expect(y.data).toBe(2 - x0);
      y.backward();
      expect(x.grad).toBe(-1);
    }
  });

  it('div(1, x) is 1/x with gradient -1/x²', () => {
    for (const x0 of points) {
      const x = new Value(x0);
      const y = div(1, x);
      close(y.data, 1 / x0, 1e-15, `1/${x0}`);
      y.backward();
      close(x.grad, -1 / (x0 * x0), 1e-14, `d(1/x)/dx at ${x0}`);
      close(x.grad, numericalDerivative((t) => 1 / t, x0), 1e-7, `d(1/x)/dx at ${x0} vs finite differences`);
    }
  });

  it('pow(2, x) is 2^x and its gradient flows to the exponent: 2^x·ln 2', () => {
    for (const x0 of points) {
      const x = new Value(x0);
      const y = pow(2, x);
      close(y.data, 2 ** x0, 1e-15, `2^${x0}`);
      y.backward();
      close(x.grad, 2 ** x0 * Math.LN2, 1e-14, `d(2^x)/dx at ${x0}`);
      close(x.grad, numericalDerivative((t) => 2 ** t, x0), 1e-7, `d(2^x)/dx at ${x0} vs finite differences`);
    }
  });

  it('take two Values too, and give both their gradients', () => {
    const a = new Value(3), b = new Value(-2);
    const out = sub(a, b).mul(div(a, b)); // (a - b)·(a/b) = 5 · -1.5
    expect(out.data).toBe(-7.5);
    out.backward();
    // d/da = a/b + (a - b)/b = -1.5 - 2.5;  d/db = -a/b - (a - b)·a/b² = 1.5 - 3.75
    expect([a.grad, b.grad]).toEqual([-4, -2.25]);
    const p = new Value(2), q = new Value(3);
    const r = pow(p, q); // 8; d/dp = q·p² = 12; d/dq = 8·ln 2
    r.backward();
    expect(r.data).toBe(8);
    expect(p.grad).toBe(12);
    close(q.grad, 8 * Math.LN2, 1e-15);
  });

  it('numbers on both sides give a constant', () => {
    expect(add(2, 3).data).toBe(5);
    expect(sub(2, 3).data).toBe(-1);
    expect(mul(2, 3).data).toBe(6);
    expect(div(3, 2).data).toBe(1.5);
    expect(pow(2, 10).data).toBe(1024);
  });
});

describe('sum, mean, dot', () => {
  it('sum adds Values and numbers left to right; each term gets gradient 1', () => {
    const a = new Value(1.5), b = new Value(-4);
    const s = sum([a, b, 3]);
    expect(s.data).toBe(0.5);
    s.backward();
    expect([a.grad, b.grad]).toEqual([1, 1]);
    // ((a + b) + 3): the last op is the + with the constant
    expect(s.op).toBe('+');
    expect(s.children[1]!.data).toBe(3);
  });

  it('sum over a repeated Value counts each occurrence', () => {
    const a = new Value(2);
    const s = sum([a, a, a, 1]);
    expect(s.data).toBe(7);
    s.backward();
    expect(a.grad).toBe(3);
  });

  it('sum of one element, and of none', () => {
    const a = new Value(2);
    expect(sum([a]).data).toBe(2);
    expect(sum([5]).data).toBe(5);
    const empty = sum([]);
    expect(empty.data).toBe(0);
    expect(empty.op).toBe('');
  });

  it('mean is sum / n; each term gets gradient 1/n', () => {
    const xs = [new Value(1), new Value(2), new Value(6)];
    const m = mean([...xs, 3]);
    expect(m.data).toBe(3);
    m.backward();
    expect(xs.map((x) => x.grad)).toEqual([0.25, 0.25, 0.25]);
    expect(mean([1, 2, 3]).data).toBe(2);
  });

  it('dot is Σ a_i·b_i; d/da_i = b_i and d/db_i = a_i', () => {
    const a = [new Value(1), new Value(-2), new Value(0.5)];
    const b = [new Value(4), new Value(3), new Value(-6)];
    const d = dot(a, b);
    expect(d.data).toBe(4 - 6 - 3);
    d.backward();
    expect(a.map((v) => v.grad)).toEqual([4, 3, -6]);
    expect(b.map((v) => v.grad)).toEqual([1, -2, 0.5]);
  });

  it('dot takes numbers on either side, and sums shared entries', () => {
    const x = new Value(3), y = new Value(-1);
    const d = dot([x, 2], [5, x]); // 5x + 2x
    expect(d.data).toBe(21);
    d.backward();
    expect(x.grad).toBe(7);
    const e = dot([x, x], [x, y]); // x² + xy; d/dx = 2x + y = 5, d/dy = x = 3
    x.grad = 0;
    e.backward();
    expect(e.data).toBe(6);
    expect([x.grad, y.grad]).toEqual([5, 3]);
    expect(dot([], []).data).toBe(0);
  });

  it('sizes are checked with a RangeError', () => {
    expectError(() => dot([1, 2], [1]), RangeError, 'dot: expected b to have 2 entries (as many as a), got 1');
    expectError(() => dot([], [new Value(1)]), RangeError, 'dot: expected b to have 0 entries (as many as a), got 1');
    expectError(() => mean([]), RangeError, 'mean: expected values to have at least one entry, got an empty array');
  });
});

describe('logSumExp', () => {
  // log Σ e^v from the definition, and its gradient, the softmax; fine for moderate values
  const lse = (xs: number[]): number => Math.log(xs.reduce((a, x) => a + Math.exp(x), 0));
  const softmax = (xs: number[]): number[] => xs.map((x) => Math.exp(x) / xs.reduce((a, v) => a + Math.exp(v), 0));

  it('is log Σ e^v, with the softmax as its gradient (and finite differences agree)', () => {
    for (const xs of [[1, 2, 3], [0.5, -1, 0, 4, -2.5], [-30, -31, -29.5], [7, 7]]) {
      const vs = xs.map((x) => new Value(x));
      const out = logSumExp(vs);
      close(out.data, lse(xs), 1e-15, `logSumExp(${xs})`);
      out.backward();
      const p = softmax(xs);
      vs.forEach((v, i) => {
        close(v.grad, p[i]!, 1e-14, `d/dv${i} at ${xs}`);
        close(v.grad, numericalDerivative((t) => lse(xs.map((x, j) => (j === i ? t : x))), xs[i]!), 1e-7, `d/dv${i} at ${xs} vs finite differences`);
      });
    }
  });

  it('is a fold of logAddExp: nothing overflows at ±1000, and no value is read', () => {
    const big = [new Value(1000), new Value(1000), new Value(1000)];
    const out = logSumExp(big);
    close(out.data, 1000 + Math.log(3), 1e-15);
    out.backward();
    // The running total, 1000.69…, carries ulp(1000) ≈ 1e-13 of absolute error into the
    // next gap, so the gradient is good to ~1e-14 here: the softmax's own sensitivity
    // to rounding inputs of this size (a max-shift would need to read the values).
    for (const v of big) close(v.grad, 1 / 3, 1e-13);
    const mixed = [new Value(1000), new Value(0), new Value(-1000)];
    const m = logSumExp(mixed);
    m.backward();
    expect([m.data, ...mixed.map((v) => v.grad)]).toEqual([1000, 1, 0, 0]);
    expect(logSumExp([-1000, -1000]).data).toBe(-1000 + Math.LN2);
    expect(out.op).toBe('logAddExp');
  });

  it('of one value is that value; numbers are accepted; an empty array is a RangeError', () => {
    const a = new Value(2);
    expect(logSumExp([a])).toBe(a);
    expect(logSumExp([0, 0]).data).toBe(Math.LN2);
    expectError(() => logSumExp([]), RangeError, 'logSumExp: expected values to have at least one entry, got an empty array');
    for (const [bad, described] of badInputs) {
      expectError(() => logSumExp([1, bad as never]), TypeError, `logSumExp: expected values[1] to be a Value or a number, got ${described}`);
      expectError(() => logSumExp(bad as never), TypeError, `logSumExp: expected values to be an array of Values or numbers, got ${described}`);
    }
  });
});

describe('softmax', () => {
  const reference = (xs: number[]): number[] => { const m = Math.max(...xs); const e = xs.map((x) => Math.exp(x - m)); const t = e.reduce((a, b) => a + b); return e.map((x) => x / t); };

  it('is e^vᵢ / Σ e^vⱼ; its gradient (through Σ wᵢ·pᵢ) matches central differences', () => {
    for (const xs of [[1, 2, 3], [0.5, -1, 0, 4, -2.5], [-30, -31, -29.5], [7, 7], [3]]) {
      const vs = xs.map((x) => new Value(x));
      const p = softmax(vs);
      p.forEach((pi, i) => close(pi.data, reference(xs)[i]!, 1e-15, `softmax(${xs})[${i}]`));
      close(p.reduce((s, pi) => s + pi.data, 0), 1, 1e-15);
      const loss = (ys: number[]) => reference(ys).reduce((s, pi, i) => s + (i + 1) * pi, 0);
      p.reduce((s: Value, pi, i) => s.add(pi.mul(i + 1)), new Value(0)).backward();
      vs.forEach((v, i) => {
        const fd = numericalDerivative((t) => loss(xs.map((x, j) => (j === i ? t : x))), xs[i]!);
        expect(Math.abs(v.grad - fd), `d/dv${i} at ${xs}: ${v.grad} vs ${fd}`).toBeLessThanOrEqual(1e-8);
      });
    }
  });

  it('is stable for any input: huge, tiny and equal values, as PyTorch', () => {
    expect(softmax([1e17, 1e17]).map((p) => p.data)).toEqual([0.5, 0.5]);
    expect(softmax([Number.MAX_VALUE, Number.MAX_VALUE]).map((p) => p.data)).toEqual([0.5, 0.5]);
    expect(softmax([1000, 0, -1000]).map((p) => p.data)).toEqual([1, Math.exp(-1000), 0]);
    expect(softmax([-Infinity, 0]).map((p) => p.data)).toEqual([0, 1]);
    expect(softmax([Infinity, 0]).map((p) => p.data)).toEqual([NaN, NaN]); // PyTorch: inf − inf
    expect(softmax([])).toEqual([]);
    expect(softmax([2, new Value(2)]).map((p) => p.data)).toEqual([0.5, 0.5]);
  });

  it('reads no value, so a compiled step follows it bit for bit', () => {
    const w = [new Value(0.3), new Value(-0.2), new Value(0.9)];
    const sample = ([x]: Value[], [y]: Value[]) => softmax(w.map((wi) => wi.mul(x!))).reduce((s: Value, p, i) => s.add(p.mul(y!.add(i))), new Value(0));
    const step = compileStep({ params: w, inputs: 1, reduce: 'sum', sample });
    const X = [[0.5], [-2], [40]], Y = [1, 2, 3];
    const loss = step.step(X, Y);
    const compiled = w.map((p) => p.grad);
    w.forEach((p) => { p.grad = 0; });
    const eager = sum(X.map((x, s) => sample(x.map((v) => new Value(v)), [new Value(Y[s]!)])));
    eager.backward();
    expect(loss).toBe(eager.data);
    compiled.forEach((g, i) => close(g, w[i]!.grad, 1e-15, `grad ${i}`));
  });
});

// ---- bad input ----

// Arrays are left out: sum, mean, dot and logSumExp take them.
const badInputs = allBadInputs.filter(([x]) => !Array.isArray(x));


describe('bad input', () => {
  const fns = { add, sub, mul, div, pow } as const;

  it('add, sub, mul, div and pow reject a non-number first argument, naming themselves and the argument', () => {
    for (const [name, fn] of Object.entries(fns)) {
      for (const [bad, described] of badInputs) {
        expectError(() => fn(bad as never, 1), TypeError, `${name}: expected a to be a Value or a number, got ${described}`);
      }
    }
  });

  it('add, sub, mul, div and pow reject a non-number second argument, naming themselves (not Value.add …)', () => {
    for (const [name, fn] of Object.entries(fns)) {
      for (const [bad, described] of badInputs) {
        expectError(() => fn(1, bad as never), TypeError, `${name}: expected b to be a Value or a number, got ${described}`);
      }
    }
  });

  it('sum and mean reject a non-number element, naming themselves', () => {
    for (const [bad, described] of badInputs) {
      expectError(() => sum([1, bad as never]), TypeError, `sum: expected values[1] to be a Value or a number, got ${described}`);
      expectError(() => sum([bad as never]), TypeError, `sum: expected values[0] to be a Value or a number, got ${described}`);
      expectError(() => mean([new Value(1), bad as never]), TypeError, `mean: expected values[1] to be a Value or a number, got ${described}`);
    }
  });

  it('sum and mean reject a non-array, describing what they got', () => {
    for (const [bad, described] of badInputs) {
      expectError(() => sum(bad as never), TypeError, `sum: expected values to be an array of Values or numbers, got ${described}`);
      expectError(() => mean(bad as never), TypeError, `mean: expected values to be an array of Values or numbers, got ${described}`);
    }
    // an object without a prototype cannot be turned into a string by String(); the message must still say what it was
    expectError(() => sum(Object.create(null) as never), TypeError, 'sum: expected values to be an array of Values or numbers, got an object');
  });

  it('dot rejects a non-number element on either side, naming itself', () => {
    for (const [bad, described] of badInputs) {
      expectError(() => dot([bad as never], [1]), TypeError, `dot: expected a[0] to be a Value or a number, got ${described}`);
      expectError(() => dot([1], [bad as never]), TypeError, `dot: expected b[0] to be a Value or a number, got ${described}`);
    }
  });

  it('dot rejects a non-array, describing what it got', () => {
    for (const [bad, described] of badInputs) {
      expectError(() => dot(bad as never, [1]), TypeError, `dot: expected a to be an array of Values or numbers, got ${described}`);
      expectError(() => dot([1], bad as never), TypeError, `dot: expected b to be an array of Values or numbers, got ${described}`);
    }
  });
});
