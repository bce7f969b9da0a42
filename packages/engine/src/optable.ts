import { str, typeError } from './check.js';

/**
 * The name of every primitive op a `Value` can record, as `Value.op` gives it.
 * Derived ops (`sub`, `neg`, `sqrt`, `softplus`, `clamp`) record the
 * primitives they are made of. `'**'` has a number exponent (PyTorch's
 * `pow(Tensor, Scalar)`), `'pow'` a `Value` exponent (`pow(Tensor, Tensor)`);
 * the two compute differently at IEEE edges, as PyTorch's do.
 */
export type OpName =
  | '+' | '*' | '/' | '**' | 'pow' | 'exp' | 'log' | 'sin' | 'cos' | 'tanh' | 'sigmoid'
  | 'relu' | 'leakyRelu' | 'abs' | 'min' | 'max' | 'clampMin' | 'clampMax' | 'logAddExp';

/**
 * A rule as text, from the text of the op's operands: `a` (the first input),
 * `b` (the second input, or a unary op's constant) and `out` (the op's value).
 * @example OPS.tanh.math.da('n', '', 'o') // '1 − o²'
 */
export type Rule = (a: string, b: string, out: string) => string;

/** An op's value and its local derivatives, each as a {@link Rule}. */
export interface Rules {
  /** the op's value (`out` is not used) */
  readonly out: Rule;
  /** d(out)/da */
  readonly da: Rule;
  /** d(out)/db for ops with two inputs; null for unary ops */
  readonly db: Rule | null;
}

/** Everything ugrad knows about one primitive op, besides the code in value.ts that computes it. */
export interface OpEntry {
  /** How many `Value`s go in: 1 (perhaps with a number constant) or 2. */
  readonly arity: 1 | 2;
  /** The name of a unary op's number constant (`'k'` for `**`, `'slope'` for `leakyRelu`), or null if it has none. */
  readonly constant: string | null;
  /** How the op reads in a picture, given its constant (null if it has none): `+`, `tanh`, `**2`. */
  readonly text: (k: number | null) => string;
  /**
   * JavaScript expression text that recomputes the value and the local
   * derivatives from the operands' code (e.g. `'T[4]'`), bit for bit as
   * value.ts does; it may call `powk`, `powc` and `logaddexp` (value.ts's
   * IEEE helpers, exported as `replayHelpers` from `@ugrad/engine/internal`).
   */
  readonly replay: Rules;
  /** The value and the local derivatives as math for people, e.g. `tanh a` and `1 − out²`. */
  readonly math: Rules;
}

/**
 * The op table: for each primitive op, its replay code, its display text and
 * its math. value.ts computes each op's value and local derivatives in one
 * line; this table says the same things as text, for the compiled step
 * (codegen), for pictures (`toDot`, `opText`) and for explanations
 * (`explain`). test/optable.test.ts checks every replay rule against the
 * engine bit for bit, and that every op a `Value` method records is here.
 *
 * @example
 * OPS.tanh.math.da('n', '', 'o') // '1 − o²'
 * OPS.logAddExp.math.db('a', 'b', 'out') // 'σ(b − a)'
 */
export const OPS: Readonly<Record<OpName, OpEntry>> = checked({
  '+': {
    arity: 2, constant: null, text: () => '+',
    replay: { out: (a, b) => `${a} + ${b}`, da: () => '1', db: () => '1' },
    math: { out: (a, b) => `${a} + ${b}`, da: () => '1', db: () => '1' },
  },
  '*': {
    arity: 2, constant: null, text: () => '*',
    replay: { out: (a, b) => `${a} * ${b}`, da: (_a, b) => b, db: (a) => a },
    math: { out: (a, b) => `${a} · ${b}`, da: (_a, b) => b, db: (a) => a },
  },
  '/': {
    arity: 2, constant: null, text: () => '/',
    replay: { out: (a, b) => `${a} / ${b}`, da: (_a, b) => `1 / ${b}`, db: (_a, b, out) => `-${out} / ${b}` },
    math: { out: (a, b) => `${a} / ${b}`, da: (_a, b) => `1/${b}`, db: (a, b) => `−${a}/${b}²` },
  },
  '**': {
    arity: 1, constant: 'k', text: (k) => `**${k}`,
    replay: { out: (a, k) => `powk(${a}, ${k})`, da: (a, k) => `${k} === 0 ? 0 : ${k} * powk(${a}, ${k} - 1)`, db: null },
    math: { out: (a, k) => `${a}^${k}`, da: (a, k) => `${k}·${a}^(${k}−1)`, db: null },
  },
  pow: {
    arity: 2, constant: null, text: () => '**',
    replay: {
      out: (a, b) => `powc(${a}, ${b})`,
      da: (a, b) => `${b} === 0 ? 0 : ${b} * powc(${a}, ${b} - 1)`,
      db: (a, b, out) => `${a} === 0 && ${b} >= 0 ? 0 : ${out} * Math.log(${a})`,
    },
    math: { out: (a, b) => `${a}^${b}`, da: (a, b) => `${b}·${a}^(${b}−1)`, db: (a, _b, out) => `${out}·ln ${a}` },
  },
  exp: {
    arity: 1, constant: null, text: () => 'exp',
    replay: { out: (a) => `Math.exp(${a})`, da: (_a, _b, out) => out, db: null },
    math: { out: (a) => `e^${a}`, da: (a) => `e^${a}`, db: null },
  },
  log: {
    arity: 1, constant: null, text: () => 'log',
    replay: { out: (a) => `Math.log(${a})`, da: (a) => `1 / ${a}`, db: null },
    math: { out: (a) => `ln ${a}`, da: (a) => `1/${a}`, db: null },
  },
  sin: {
    arity: 1, constant: null, text: () => 'sin',
    replay: { out: (a) => `Math.sin(${a})`, da: (a) => `Math.cos(${a})`, db: null },
    math: { out: (a) => `sin ${a}`, da: (a) => `cos ${a}`, db: null },
  },
  cos: {
    arity: 1, constant: null, text: () => 'cos',
    replay: { out: (a) => `Math.cos(${a})`, da: (a) => `-Math.sin(${a})`, db: null },
    math: { out: (a) => `cos ${a}`, da: (a) => `−sin ${a}`, db: null },
  },
  tanh: {
    arity: 1, constant: null, text: () => 'tanh',
    replay: { out: (a) => `Math.tanh(${a})`, da: (_a, _b, out) => `1 - ${out} * ${out}`, db: null },
    math: { out: (a) => `tanh ${a}`, da: (_a, _b, out) => `1 − ${out}²`, db: null },
  },
  sigmoid: {
    arity: 1, constant: null, text: () => 'sigmoid',
    replay: { out: (a) => `1 / (1 + Math.exp(-${a}))`, da: (_a, _b, out) => `${out} * (1 - ${out})`, db: null },
    math: { out: (a) => `σ(${a})`, da: (_a, _b, out) => `${out}·(1 − ${out})`, db: null },
  },
  relu: {
    arity: 1, constant: null, text: () => 'relu',
    replay: { out: (a) => `${a} < 0 ? 0 : ${a}`, da: (a) => `${a} <= 0 ? 0 : 1`, db: null },
    math: { out: (a) => `max(0, ${a})`, da: (a) => `0 if ${a} ≤ 0, else 1`, db: null },
  },
  leakyRelu: {
    arity: 1, constant: 'slope', text: () => 'leakyRelu',
    replay: { out: (a, s) => `${a} > 0 ? ${a} : ${a} * ${s}`, da: (a, s) => `${a} > 0 ? 1 : ${s}`, db: null },
    math: { out: (a, s) => `${a} if ${a} > 0, else ${s}·${a}`, da: (a, s) => `1 if ${a} > 0, else ${s}`, db: null },
  },
  abs: {
    arity: 1, constant: null, text: () => 'abs',
    replay: { out: (a) => `Math.abs(${a})`, da: (a) => `${a} > 0 ? 1 : ${a} < 0 ? -1 : 0`, db: null },
    math: { out: (a) => `|${a}|`, da: (a) => `sign(${a})`, db: null },
  },
  min: {
    arity: 2, constant: null, text: () => 'min',
    replay: {
      out: (a, b) => `${a} !== ${a} || ${b} !== ${b} ? NaN : ${b} < ${a} ? ${b} : ${a}`,
      da: (a, b) => `${a} > ${b} ? 0 : ${a} === ${b} ? 0.5 : 1`,
      db: (a, b) => `${a} < ${b} ? 0 : ${a} === ${b} ? 0.5 : 1`,
    },
    math: {
      out: (a, b) => `min(${a}, ${b})`,
      da: (a, b) => `0 if ${a} > ${b}, ½ if ${a} = ${b}, else 1`,
      db: (a, b) => `0 if ${a} < ${b}, ½ if ${a} = ${b}, else 1`,
    },
  },
  max: {
    arity: 2, constant: null, text: () => 'max',
    replay: {
      out: (a, b) => `${a} !== ${a} || ${b} !== ${b} ? NaN : ${a} < ${b} ? ${b} : ${a}`,
      da: (a, b) => `${a} < ${b} ? 0 : ${a} === ${b} ? 0.5 : 1`,
      db: (a, b) => `${a} > ${b} ? 0 : ${a} === ${b} ? 0.5 : 1`,
    },
    math: {
      out: (a, b) => `max(${a}, ${b})`,
      da: (a, b) => `0 if ${a} < ${b}, ½ if ${a} = ${b}, else 1`,
      db: (a, b) => `0 if ${a} > ${b}, ½ if ${a} = ${b}, else 1`,
    },
  },
  clampMin: {
    arity: 1, constant: 'lo', text: (lo) => `clampMin(${lo})`,
    replay: { out: (a, lo) => `${a} < ${lo} ? ${lo} : ${a}`, da: (a, lo) => `${a} >= ${lo} ? 1 : 0`, db: null },
    math: { out: (a, lo) => `max(${a}, ${lo})`, da: (a, lo) => `1 if ${a} ≥ ${lo}, else 0`, db: null },
  },
  clampMax: {
    arity: 1, constant: 'hi', text: (hi) => `clampMax(${hi})`,
    replay: { out: (a, hi) => `${a} > ${hi} ? ${hi} : ${a}`, da: (a, hi) => `${a} <= ${hi} ? 1 : 0`, db: null },
    math: { out: (a, hi) => `min(${a}, ${hi})`, da: (a, hi) => `1 if ${a} ≤ ${hi}, else 0`, db: null },
  },
  logAddExp: {
    arity: 2, constant: null, text: () => 'logAddExp',
    replay: {
      out: (a, b) => `logaddexp(${a}, ${b})`,
      da: (a, b) => `1 / (1 + Math.exp(${b} - ${a}))`,
      db: (a, b) => `1 / (1 + Math.exp(${a} - ${b}))`,
    },
    math: { out: (a, b) => `ln(e^${a} + e^${b})`, da: (a, b) => `σ(${a} − ${b})`, db: (a, b) => `σ(${b} − ${a})` },
  },
});

// The table as exported: frozen, and each function checks what it is given
// (text for a rule, a number or null for `text`), as every export does.
function checked(table: Record<OpName, OpEntry>): Readonly<Record<OpName, OpEntry>> {
  const out = {} as Record<OpName, OpEntry>;
  for (const [name, e] of Object.entries(table) as [OpName, OpEntry][]) {
    const rules = (part: 'replay' | 'math'): Rules => {
      const wrap = (rule: Rule | null, key: string): Rule | null => rule && ((a, b, o) => {
        const where = `OPS['${name}'].${part}.${key}`;
        return rule(str(a, where, 'a'), str(b, where, 'b'), str(o, where, 'out'));
      });
      return Object.freeze({ out: wrap(e[part].out, 'out')!, da: wrap(e[part].da, 'da')!, db: wrap(e[part].db, 'db') });
    };
    const text = (k: number | null): string => {
      if (k !== null && typeof k !== 'number') throw typeError(`OPS['${name}'].text`, 'k', 'a number or null', k);
      return e.text(k);
    };
    out[name] = Object.freeze({ arity: e.arity, constant: e.constant, text, replay: rules('replay'), math: rules('math') });
  }
  return Object.freeze(out);
}

/** A number as JavaScript source that evaluates to exactly the same double (`-0` and `NaN` included). */
export function literal(x: number): string {
  if (Object.is(x, -0)) return '(-0)';
  return x < 0 ? `(${x})` : String(x);
}
