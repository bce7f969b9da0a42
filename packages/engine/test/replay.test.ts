import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Value } from '@ugrad/engine';
import { REPLAY, literal } from '../src/replay.js';

// The replay table must give exactly the engine's numbers — value and local
// derivatives, bit for bit — for every primitive op, or a compiled step would
// drift from eager training. Every method of Value that builds nodes is listed
// here; a new method fails the coverage test until it is added.

const special = [0, -0, 1, -1, 0.5, -0.5, 2, -2, 1e-300, -1e-300, 700, -700, 1000, -1000, Infinity, -Infinity, NaN];
const inputs = (): number[] => [...special, ...fc.sample(fc.double({ min: -1e3, max: 1e3, noNaN: true }), { seed: 5, numRuns: 200 })];

// Method name → how to call it on `a` with a second number `b`.
const methods: Record<string, (a: Value, b: number) => Value> = {
  add: (a, b) => a.add(new Value(b)),
  sub: (a, b) => a.sub(new Value(b)),
  mul: (a, b) => a.mul(new Value(b)),
  div: (a, b) => a.div(new Value(b)),
  pow: (a, b) => a.pow(new Value(b)),
  neg: (a) => a.neg(),
  exp: (a) => a.exp(),
  log: (a) => a.log(),
  tanh: (a) => a.tanh(),
  sigmoid: (a) => a.sigmoid(),
  relu: (a) => a.relu(),
  leakyRelu: (a, b) => a.leakyRelu(b),
  abs: (a) => a.abs(),
  sqrt: (a) => a.sqrt(),
  logAddExp: (a, b) => a.logAddExp(new Value(b)),
  softplus: (a) => a.softplus(),
};
// A number exponent is a different node (unary, exponent held as the op's constant).
const powNumber = (a: Value, b: number): Value => a.pow(b);
const notOps = new Set(['constructor', 'backward', 'zeroGrad', 'toString', 'data', 'label', 'op', 'children']);

// Evaluates a formula from the table as a function of numbers.
const compiled = new Map<string, (a: number, b: number, out: number) => number>();
function evaluate(code: string): (a: number, b: number, out: number) => number {
  let f = compiled.get(code);
  if (!f) compiled.set(code, (f = new Function('a', 'b', 'out', `return ${code};`) as (a: number, b: number, out: number) => number));
  return f;
}

// Every node of `root`'s graph against the table: the differences, in words.
function mismatches(root: Value): string[] {
  const out: string[] = [];
  const stack = [root];
  while (stack.length) {
    const v = stack.pop()!;
    if (v._a === null) continue;
    stack.push(...v.children);
    const R = REPLAY[v._op];
    if (!R) { out.push(`op '${v._op}' has no replay formula`); continue; }
    const a = v._a._data, b = v._b === null ? v._db : v._b._data;
    const got = [evaluate(R.out('a', 'b'))(a, b, NaN), evaluate(R.da('a', 'b', 'out'))(a, b, v._data)];
    const want = [v._data, v._da];
    if (v._b !== null) { got.push(evaluate(R.db!('a', 'b', 'out'))(a, b, v._data)); want.push(v._db); }
    if (!got.every((g, i) => Object.is(g, want[i]))) out.push(`${v._op}(${a}, ${b}): replay gives [${got}], the engine [${want}]`);
  }
  return out;
}

describe('REPLAY', () => {
  it('knows every method of Value that builds a node', () => {
    const names = Object.getOwnPropertyNames(Value.prototype).filter((n) => !notOps.has(n));
    expect(names.sort()).toEqual(Object.keys(methods).sort());
  });

  for (const [name, call] of [...Object.entries(methods), ['pow with a number exponent', powNumber] as const]) {
    it(`replays ${name} bit for bit: value and local derivatives`, () => {
      const xs = inputs();
      const bad: string[] = [];
      for (const a of xs) for (const b of xs) bad.push(...mismatches(call(new Value(a), b)));
      expect(bad.slice(0, 5)).toEqual([]);
    });
  }

  it('has a formula for each op the engine records, and no others', () => {
    const seen = new Set<string>();
    for (const call of [...Object.values(methods), powNumber]) {
      const stack = [call(new Value(0.5), 1.5)];
      while (stack.length) { const v = stack.pop()!; if (v._op) { seen.add(v._op); stack.push(...v.children); } }
    }
    expect([...seen].sort()).toEqual(Object.keys(REPLAY).sort());
  });
});

describe('literal', () => {
  it('writes numbers that read back as the same double', () => {
    for (const x of inputs()) expect(Object.is(evaluate(literal(x))(0, 0, 0), x), `${x}`).toBe(true);
    expect(literal(-0)).toBe('(-0)');
    expect(literal(-2)).toBe('(-2)');
  });
});
