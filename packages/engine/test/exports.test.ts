import { describe, expect, it } from 'vitest';
import * as engine from '@ugrad/engine';
import * as internal from '@ugrad/engine/internal';
import { OPS, TraceError, Value, compileStep } from '@ugrad/engine';
import { walkExports, type Call, type ExportSpec } from '../../../test/exports.js';

// Every export of both entry points, called with the export walker's battery
// of bad arguments (test/exports.ts): each call works, or throws a TypeError,
// RangeError or TraceError naming the function, before any side effect. A new
// export fails here until it is listed, with arguments that work.

const args = (...a: unknown[]): Call => ({ args: () => a });
const leaf = () => new Value(0.5, 'x');
const vs = () => [new Value(1), 2, new Value(-3)];

// Value's members: a method's good arguments, [] for a getter, a setter's value.
const valueMembers: Record<string, Call> = {
  data: args(0.25), grad: args(0.25), label: args('y'), requiresGrad: args(true), op: args(), children: args(), localGrads: args(), constant: args(),
  add: args(2), mul: args(2), div: args(2), pow: args(2), exp: args(), log: args(), sin: args(), cos: args(), tanh: args(),
  sigmoid: args(), relu: args(), leakyRelu: args(0.1), abs: args(), min: args(1), max: args(1), clampMin: args(0),
  clampMax: args(1), logAddExp: args(1), clamp: args(-1, 1), softplus: args(), neg: args(), sub: args(1), sqrt: args(),
  backward: args(), zeroGrad: args(), toString: args(), toJSON: args(),
  // `${v}` works; `a + b` and `a * 2` throw a TypeError starting "Value:"
  '[Symbol.toPrimitive]': { args: () => ['string'], prefix: 'Value' },
};

// A compiled step's good spec and batch.
const stepSpec = () => {
  const w = new Value(0.5);
  // any number of inputs and targets works, so that varying them tests compileStep, not this function
  return { params: [w], inputs: 1, sample: ([x = new Value(1)]: Value[], [y = new Value(0)]: Value[]) => { const p = x.mul(w); return { loss: p.sub(y).pow(2), outputs: [p] }; } };
};
const step = () => compileStep(stepSpec());

// Every function inside OPS: a rule takes text (a, b, out); text takes the constant.
const opsNested: Record<string, Call> = {};
for (const [name, e] of Object.entries(OPS)) {
  opsNested[`${name}.text`] = { args: () => [e.constant === null ? null : 2], prefix: `OPS['${name}'].text` };
  for (const part of ['replay', 'math'] as const) {
    for (const rule of ['out', 'da', 'db'] as const) {
      if (e[part][rule] !== null) opsNested[`${name}.${part}.${rule}`] = { args: () => ['a', 'b', 'out'], prefix: `OPS['${name}'].${part}.${rule}` };
    }
  }
}

const engineSpecs: Record<keyof typeof engine, ExportSpec> = {
  Value: {
    construct: args(0.5, 'x'),
    instance: () => { const x = leaf(); const y = x.mul(new Value(2)).tanh(); y.label = 'y'; return y; },
    members: valueMembers,
    state: (v: Value) => [v.data, v.grad, v.label, v.op, v.children.map((c) => [c.data, c.grad])],
  },
  noGrad: args(() => 1), isGradEnabled: args(),
  topo: { args: () => [leaf().mul(2)] }, graphNodes: { args: () => [leaf().mul(2)] },
  add: args(1, 2), sub: args(1, 2), mul: args(1, 2), div: args(1, 2), pow: args(2, 3),
  sum: { args: () => [vs()] }, mean: { args: () => [vs()] }, dot: { args: () => [vs(), vs()] },
  logSumExp: { args: () => [vs()] }, softmax: { args: () => [vs()] },
  OPS: { value: true, nested: opsNested },
  toDot: { args: () => [leaf().tanh(), { rankdir: 'TB', digits: 2 }], options: [1] },
  opText: { args: () => [leaf().pow(2)] },
  explain: { args: () => [leaf().tanh(), { a: 'n', b: 'm', out: 'o' }], options: [1] },
  TraceError: { construct: args('message'), members: {} },
  compileStep: { args: () => [stepSpec()], options: [0] },
  CompiledStep: {
    construct: { args: () => [stepSpec()], options: [0], prefix: 'compileStep' },
    instance: step,
    members: {
      step: { args: () => [[[1], [2]], [3, 4], new Float64Array(2)] },
      evaluate: { args: () => [[[1], [2]], [[3], [4]]] },
      forward: { args: () => [[[1], [2]], new Float64Array(2)] },
      check: args(),
    },
    state: () => null,
  },
  MAX_LABELS: { value: true },
};

// Check<T> helpers take (x, where, what): `where` and `what` are the library's
// own text, so only x is varied; `where` is the helper's name, which the message starts with.
const check = (name: string, good: unknown): Call => ({ args: () => [good, name, 'x'], fuzz: [0] });
const internalSpecs: Record<keyof typeof internal, ExportSpec> = {
  toValue: { args: () => [1, 'toValue', 'x'], fuzz: [0] },
  describe: args(1), received: args(1, 'type'),
  typeError: args('typeError', 'x', 'a number', 'y'), rangeError: args('rangeError', 'x', 'a number', -1),
  num: { args: () => ['a number', (x: number) => x > 0] },
  number: check('number', 1), finite: check('finite', 1), count: check('count', 1), whole: check('whole', 0),
  rate: check('rate', 0.1), positive: check('positive', 0.1),
  atLeast: args(2), integer: args(0, 10), between: { args: () => [0, 1, { lo: true }], options: [2] },
  bool: check('bool', true), str: check('str', 's'), fn: check('fn', () => 1), object: check('object', {}),
  oneOf: { args: () => [['a', 'b']] }, instance: args(Map, 'a Map'),
  arrayOf: { args: () => [internal.finite, { min: 1 }], options: [1] },
  optional: { args: () => [internal.finite] }, withDefault: { args: () => [internal.finite, 1] }, nullable: { args: () => [internal.finite] },
  parseOptions: { args: () => ['parseOptions', { n: 2 }, { n: internal.count }, 'options'], fuzz: [1, 2], options: [1] },
  shape: { args: () => [{ n: internal.count }] },
  isPlainObject: args({}), withContext: args(new Error('x'), 'withContext: '),
  replayHelpers: {
    value: true,
    nested: { powk: args(2, 3), powc: args(2, 3), logaddexp: args(1, 2) },
  },
};

describe('every export keeps the rule on bad arguments', () => {
  it('@ugrad/engine', async () => {
    const { problems, calls } = await walkExports('@ugrad/engine', engine, engineSpecs, { errors: [TraceError], bad: () => [['a Value made by an op', new Value(1).mul(2)], ['a Proxy of a Value', new Proxy(new Value(1), {})], ['[a Value]', [new Value(1)]]] });
    expect(problems.slice(0, 20)).toEqual([]);
    console.log(`@ugrad/engine: ${calls} calls`);
    expect(calls).toBeGreaterThan(5000);
  });

  it('@ugrad/engine/internal', async () => {
    const { problems, calls } = await walkExports('@ugrad/engine/internal', internal, internalSpecs);
    console.log(`@ugrad/engine/internal: ${calls} calls`);
    expect(problems.slice(0, 20)).toEqual([]);
    expect(calls).toBeGreaterThan(1000);
  });
});
