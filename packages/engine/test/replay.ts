// Shared by the op-table tests (not a test file itself): every node of a graph
// checked against its op's replay rules, which must give the engine's numbers
// bit for bit.
import { OPS, type Value } from '@ugrad/engine';
import { replayHelpers } from '@ugrad/engine/internal';

const names = Object.keys(replayHelpers) as (keyof typeof replayHelpers)[];
const cache = new Map<string, (a: number, b: number, out: number) => number>();

/** A replay rule's code as a function of numbers, with the helpers it may call in scope. */
export function evaluate(code: string): (a: number, b: number, out: number) => number {
  let f = cache.get(code);
  if (!f) {
    const make = new Function(...names, `return (a, b, out) => ${code};`) as (...h: unknown[]) => (a: number, b: number, out: number) => number;
    cache.set(code, (f = make(...names.map((n) => replayHelpers[n]))));
  }
  return f;
}

/** Every node of `root`'s graph whose replay differs from the engine, in words. */
export function replayMismatches(root: Value): string[] {
  const out: string[] = [];
  const stack = [root];
  while (stack.length) {
    const v = stack.pop()!;
    if (v.op === '') continue;
    stack.push(...v.children);
    const R = OPS[v.op].replay;
    const [x, y] = v.children;
    const a = x!.data, b = y === undefined ? v.constant ?? NaN : y.data;
    const got = [evaluate(R.out('a', 'b', 'out'))(a, b, NaN), evaluate(R.da('a', 'b', 'out'))(a, b, v.data)];
    const want = [v.data, ...v.localGrads];
    if (y !== undefined) got.push(evaluate(R.db!('a', 'b', 'out'))(a, b, v.data));
    if (!got.every((g, i) => Object.is(g, want[i]))) out.push(`${v.op}(${a}, ${b}): replay gives [${got}], the engine [${want}]`);
  }
  return out;
}
