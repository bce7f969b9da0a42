import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { OPS, Value, explain, opText, type OpName } from '@ugrad/engine';
import { literal } from '../src/optable.js';
import { evaluate, replayMismatches as mismatches } from './replay.js';

// The op table must give exactly the engine's numbers — value and local
// derivatives, bit for bit — for every primitive op, or a compiled step would
// drift from eager training; and every op must have every entry. Every method
// of Value that builds nodes is listed here; a new method fails the coverage
// test until it is added.

const special = [0, -0, 1, -1, 0.5, -0.5, 2, -2, 3, 1e-300, -1e-300, 5e-324, 700, -700, 1000, -1000, 1e308, Infinity, -Infinity, NaN];
const inputs = (): number[] => [...special, ...fc.sample(fc.double({ min: -1e3, max: 1e3, noNaN: true }), { seed: 5, numRuns: 120 })];

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
  sin: (a) => a.sin(),
  cos: (a) => a.cos(),
  tanh: (a) => a.tanh(),
  sigmoid: (a) => a.sigmoid(),
  relu: (a) => a.relu(),
  leakyRelu: (a, b) => a.leakyRelu(Number.isFinite(b) ? b : 0.01),
  abs: (a) => a.abs(),
  min: (a, b) => a.min(new Value(b)),
  max: (a, b) => a.max(new Value(b)),
  clampMin: (a, b) => a.clampMin(Number.isNaN(b) ? 0 : b),
  clampMax: (a, b) => a.clampMax(Number.isNaN(b) ? 0 : b),
  clamp: (a, b) => a.clamp(Number.isNaN(b) ? -1 : b, 1),
  sqrt: (a) => a.sqrt(),
  logAddExp: (a, b) => a.logAddExp(new Value(b)),
  softplus: (a) => a.softplus(),
};
// A number exponent is a different node (unary, exponent held as the op's constant).
const powNumber = (a: Value, b: number): Value => a.pow(b);
const notOps = new Set(['constructor', 'backward', 'zeroGrad', 'toString', 'toJSON', 'data', 'grad', 'label', 'requiresGrad', 'op', 'children', 'localGrads', 'constant']);

describe('OPS, the op table', () => {
  it('knows every method of Value that builds a node', () => {
    const names = Object.getOwnPropertyNames(Value.prototype).filter((n) => !notOps.has(n));
    expect(names.sort()).toEqual(Object.keys(methods).sort());
  });

  it('has an entry for each op the engine records, and no others', () => {
    const seen = new Set<string>();
    for (const call of [...Object.values(methods), powNumber]) {
      const stack = [call(new Value(0.5), 1.5)];
      while (stack.length) { const v = stack.pop()!; if (v.op) { seen.add(v.op); stack.push(...v.children); } }
    }
    expect([...seen].sort()).toEqual(Object.keys(OPS).sort());
  });

  it('has every field for every op, of the right kind, giving text with the names filled in', () => {
    for (const [name, e] of Object.entries(OPS)) {
      const where = `OPS['${name}']`;
      expect([1, 2], `${where}.arity`).toContain(e.arity);
      expect(e.constant === null || typeof e.constant === 'string', `${where}.constant`).toBe(true);
      if (e.constant !== null) expect(e.arity, `${where}: only unary ops carry a constant`).toBe(1);
      const k = e.constant === null ? null : 0.25;
      expect(typeof e.text(k) === 'string' && e.text(k) !== '', `${where}.text`).toBe(true);
      if (e.constant !== null) expect(e.text(k), `${where}.text shows its constant or its name`).toMatch(/0\.25|[a-z]/i);
      for (const part of ['replay', 'math'] as const) {
        const rules = e[part];
        expect(rules.db === null, `${where}.${part}.db is null exactly for unary ops`).toBe(e.arity === 1);
        const second = e.arity === 2 ? 'QQ' : e.constant === null ? '' : '0.25';
        for (const rule of [rules.out, rules.da, ...(rules.db ? [rules.db] : [])]) {
          const t = rule('PP', second, 'RR');
          expect(typeof t === 'string' && t !== '' && !t.includes('undefined'), `${where}.${part}: ${t}`).toBe(true);
        }
        // the value names its operands, in both forms
        expect(rules.out('PP', second, 'RR'), `${where}.${part}.out names a`).toContain('PP');
        if (e.arity === 2) expect(rules.out('PP', second, 'RR'), `${where}.${part}.out names b`).toContain('QQ');
      }
    }
  });

  for (const [name, call] of [...Object.entries(methods), ['pow with a number exponent', powNumber] as const]) {
    it(`replays ${name} bit for bit: value and local derivatives`, () => {
      const xs = inputs();
      const bad: string[] = [];
      for (const a of xs) for (const b of xs) bad.push(...mismatches(call(new Value(a), b)));
      expect(bad.slice(0, 5)).toEqual([]);
    });
  }
});

describe('how ops read: opText, explain, localGrads, constant', () => {
  const x = new Value(0.8, 'x'), w = new Value(-2, 'w');

  it('opText shows a constant exponent and a clamp bound, and nothing for a leaf', () => {
    expect([x.add(w), x.mul(w), x.pow(2), x.pow(-1), x.pow(w), x.tanh(), x.leakyRelu(0.2), x.clampMin(-1), x.clampMax(1), x].map(opText))
      .toEqual(['+', '*', '**2', '**-1', '**', 'tanh', 'leakyRelu', 'clampMin(-1)', 'clampMax(1)', '']);
  });

  it('localGrads are d(node)/d(child) in the order of children; constant is the number a unary op carries', () => {
    const p = x.mul(w);
    expect(p.localGrads).toEqual([-2, 0.8]);
    const t = x.tanh();
    expect(t.localGrads).toEqual([1 - t.data * t.data]);
    expect(x.localGrads).toEqual([]);
    expect([x.pow(3).constant, x.leakyRelu(0.3).constant, x.clampMin(-1).constant, x.clampMax(2).constant]).toEqual([3, 0.3, -1, 2]);
    expect([x.constant, p.constant, t.constant, x.pow(w).constant, x.exp().constant]).toEqual([null, null, null, null, null]);
  });

  it('explain gives the formula and each local derivative as math with names, next to the number', () => {
    const o = x.tanh();
    o.label = 'o';
    const e = explain(o)!;
    expect(e).toEqual({ op: 'tanh', text: 'tanh', formula: 'tanh x', locals: [{ input: 'x', rule: '1 − o²', value: o.localGrads[0] }] });
    expect(`d(o)/dx = ${e.locals[0]!.rule} = ${e.locals[0]!.value.toFixed(2)}`).toBe('d(o)/dx = 1 − o² = 0.56');
    const m = x.max(w);
    expect(explain(m)!.locals.map((l) => [l.input, l.rule, l.value])).toEqual([
      ['x', '0 if x < w, ½ if x = w, else 1', 1], ['w', '0 if x > w, ½ if x = w, else 1', 0],
    ]);
    const q = x.pow(2);
    expect(explain(q, { a: 'h', out: 'q' })).toEqual({ op: '**', text: '**2', formula: 'h^2', locals: [{ input: 'h', rule: '2·h^(2−1)', value: 1.6 }] });
    const l = new Value(1).logAddExp(new Value(2));
    expect(explain(l)!.formula).toBe('ln(e^a + e^b)');
    expect(explain(l)!.locals.map((r) => r.rule)).toEqual(['σ(a − b)', 'σ(b − a)']);
    expect(explain(x)).toBeNull();
  });

  it('every op explains itself', () => {
    const names = new Set<OpName>();
    for (const call of [...Object.values(methods), powNumber]) {
      const v = call(new Value(0.5, 'u'), 1.5);
      const e = explain(v)!;
      names.add(e.op);
      expect(e.locals.length).toBe(v.children.length);
      if (v.children[0]!.label === 'u') expect(e.formula).toContain('u');
      else expect(e.formula).toContain('a'); // a derived op: its last node's input has no label
    }
    expect(names.size).toBeGreaterThan(10);
  });
});

describe('literal', () => {
  it('writes numbers that read back as the same double', () => {
    for (const x of inputs()) expect(Object.is(evaluate(literal(x))(0, 0, 0), x), `${x}`).toBe(true);
    expect(literal(-0)).toBe('(-0)');
    expect(literal(-2)).toBe('(-2)');
  });
});
