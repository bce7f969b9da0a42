// Loop rolling for generated code. A layer of neurons compiles to the same
// statements over and over, each with its own slot and weight numbers:
//
//   T[42] = dotRun(P, 0, 1, X, xo + 0, 1, 64, P[64]);
//   T[10] = T[42] < 0 ? 0 : T[42];
//   T[43] = dotRun(P, 65, 1, X, xo + 0, 1, 64, P[129]);
//   T[11] = T[43] < 0 ? 0 : T[43];
//   …
//
// Where a block of statements repeats with every number advancing by a fixed
// step, the repeats become one loop that writes the numbers as `first + step·j`:
//
//   for (let j = 0; j < 32; j++) { T[(42 + j)] = dotRun(P, (65 * j), 1, X, xo + 0, 1, 64, P[(64 + 65 * j)]); T[(10 + j)] = … }
//
// Each iteration is the statement it replaces, in the same order, so the
// results are the same bit for bit. Code then grows with the layers rather
// than the neurons: V8 optimizes it sooner and compiles it faster, and the
// interpreter that runs it until then gets the type feedback of every
// iteration at once.

// Rolled only when a block repeats at least this often, and blocks are at most this many statements.
const MIN_REPEATS = 3;
const MAX_PERIOD = 4;
// A number literal, not part of a name. Only small whole numbers (indices,
// counts) may vary between repeats: anything else must be written the same.
const NUMBER = /(?<![\w.$])\d+(?:\.\d+)?(?:[eE][+-]?\d+)?(?![\w.$])/g;
const WHOLE = /^\d{1,9}$/;

interface Parsed { shape: string; nums: number[] }

function parse(statement: string): Parsed {
  const nums: number[] = [];
  const shape = statement.replace(NUMBER, (t) => {
    if (!WHOLE.test(t)) return t;
    nums.push(Number(t));
    return '#';
  });
  return { shape, nums };
}

/**
 * Statements with repeated blocks rolled into `for (let j …)` loops, in order.
 * The statements must not use the name `j`.
 */
export function roll(statements: readonly string[]): string[] {
  const parsed = statements.map(parse);
  const out: string[] = [];
  for (let i = 0; i < statements.length;) {
    let best = { period: 0, repeats: 0 };
    for (let period = 1; period <= MAX_PERIOD && i + MIN_REPEATS * period <= statements.length; period++) {
      const repeats = countRepeats(parsed, i, period);
      if (repeats >= MIN_REPEATS && repeats * period > best.repeats * best.period) best = { period, repeats };
    }
    if (best.repeats === 0) { out.push(statements[i]!); i++; continue; }
    out.push(loop(parsed, i, best.period, best.repeats));
    i += best.period * best.repeats;
  }
  return out;
}

// How many times the block of `period` statements at `i` repeats from there,
// with the same shapes and each number advancing by the same step every time.
function countRepeats(parsed: Parsed[], i: number, period: number): number {
  const steps: number[] = [];
  for (let q = 0; q < period; q++) {
    const a = parsed[i + q]!, b = parsed[i + period + q];
    if (!b || a.shape !== b.shape) return 1;
    a.nums.forEach((v, k) => steps.push(b.nums[k]! - v));
  }
  let repeats = 2;
  for (; i + (repeats + 1) * period <= parsed.length; repeats++) {
    let s = 0, same = true;
    for (let q = 0; q < period && same; q++) {
      const prev = parsed[i + (repeats - 1) * period + q]!, next = parsed[i + repeats * period + q]!;
      if (next.shape !== prev.shape) { same = false; break; }
      for (let k = 0; k < next.nums.length; k++) if (next.nums[k]! - prev.nums[k]! !== steps[s++]) { same = false; break; }
    }
    if (!same) break;
  }
  return repeats;
}

// The loop that replaces `repeats` blocks of `period` statements from `i`.
function loop(parsed: Parsed[], i: number, period: number, repeats: number): string {
  const body: string[] = [];
  for (let q = 0; q < period; q++) {
    const first = parsed[i + q]!, second = parsed[i + period + q]!;
    let k = 0;
    body.push(first.shape.replace(/#/g, () => {
      const v = first.nums[k]!, step = second.nums[k]! - v;
      k++;
      if (step === 0) return String(v);
      const times = Math.abs(step) === 1 ? 'j' : `${Math.abs(step)} * j`;
      return step < 0 ? `(${v} - ${times})` : v === 0 ? (step === 1 ? 'j' : `(${times})`) : `(${v} + ${times})`;
    }));
  }
  return `for (let j = 0; j < ${repeats}; j++) { ${body.join(' ')} }`;
}
