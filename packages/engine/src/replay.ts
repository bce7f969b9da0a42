/**
 * How to replay one primitive op without the `Value` that recorded it: its
 * value and its local derivatives as JavaScript expression text, in terms of
 * `a` (the first input's value), `b` (the second input's value, or the op's
 * constant for unary ops: pow's exponent, leakyRelu's slope) and `out` (the
 * op's own value). The arguments are code, e.g. `'T[4]'`.
 */
export interface OpReplay {
  /** the op's value */
  out: (a: string, b: string) => string;
  /** d(out)/da */
  da: (a: string, b: string, out: string) => string;
  /** d(out)/db, for ops whose second input is a `Value` */
  db?: (a: string, b: string, out: string) => string;
}

/**
 * Replay formulas for every primitive op in value.ts, keyed by `Value.op`.
 * Each copies the engine's expression exactly (same operations in the same
 * order), so a replay reproduces eager results bit for bit; test/replay.test.ts
 * checks every op against the engine over random inputs, so the two cannot drift.
 */
export const REPLAY: Readonly<Record<string, OpReplay>> = {
  '+': { out: (a, b) => `${a} + ${b}`, da: () => '1', db: () => '1' },
  '*': { out: (a, b) => `${a} * ${b}`, da: (_a, b) => b, db: (a) => a },
  '**': {
    out: (a, b) => `${a} ** ${b}`,
    da: (a, b) => `${b} === 0 ? 0 : ${b} * ${a} ** (${b} - 1)`,
    db: (a, b, out) => `${a} === 0 && ${b} >= 0 ? 0 : ${out} * Math.log(${a})`,
  },
  exp: { out: (a) => `Math.exp(${a})`, da: (_a, _b, out) => out },
  log: { out: (a) => `Math.log(${a})`, da: (a) => `1 / ${a}` },
  tanh: { out: (a) => `Math.tanh(${a})`, da: (_a, _b, out) => `1 - ${out} * ${out}` },
  // value.ts computes e = exp(-|a|) once; here it is written twice, which gives the same bits.
  sigmoid: {
    out: (a) => `${a} >= 0 ? 1 / (1 + Math.exp(-Math.abs(${a}))) : Math.exp(-Math.abs(${a})) / (1 + Math.exp(-Math.abs(${a})))`,
    da: (_a, _b, out) => `${out} * (1 - ${out})`,
  },
  relu: { out: (a) => `${a} <= 0 ? 0 : ${a}`, da: (a) => `${a} > 0 ? 1 : 0` },
  leakyRelu: { out: (a, b) => `${a} > 0 ? ${a} : ${b} * ${a}`, da: (a, b) => `${a} > 0 ? 1 : ${b}` },
  abs: { out: (a) => `Math.abs(${a})`, da: (a) => `${a} > 0 ? 1 : ${a} < 0 ? -1 : 0` },
  // value.ts computes e once; here it is written out where it is used, which gives the same bits.
  logAddExp: {
    out: (a, b) => `Math.max(${a}, ${b}) + Math.log1p(${expGap(a, b)})`,
    da: (a, b) => `${a} >= ${b} ? 1 / (1 + ${expGap(a, b)}) : ${expGap(a, b)} / (1 + ${expGap(a, b)})`,
    db: (a, b) => `${a} >= ${b} ? ${expGap(a, b)} / (1 + ${expGap(a, b)}) : 1 / (1 + ${expGap(a, b)})`,
  },
};

// logAddExp's e^−|a−b|
function expGap(a: string, b: string): string {
  return `(${a} === ${b} ? 1 : Math.exp(-Math.abs(${a} - ${b})))`;
}

/** A number as JavaScript source that evaluates to exactly the same double (`-0` and `NaN` included). */
export function literal(x: number): string {
  if (Object.is(x, -0)) return '(-0)';
  return x < 0 ? `(${x})` : String(x);
}
