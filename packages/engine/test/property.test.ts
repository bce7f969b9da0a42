import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Value, div, dot, mean, pow, sub, topo } from '@ugrad/engine';
import { reachable } from '../../../test/helpers.js';

// Random expression graphs with node reuse. A program is a list of leaves and a list of
// instructions; each instruction applies an op to nodes made earlier (leaves or results),
// picked by index, so the same node often feeds several ops. The same program runs twice:
// on ugrad Values, and on plain numbers by a small interpreter below that never touches
// ugrad — the reference for values and, through finite differences, for gradients.

interface OpSpec {
  name: string;
  /** Whether the op reads its second input `y` (otherwise only `x` and maybe the constant `c`). */
  binary?: true;
  /** on plain numbers; `c` is the instruction's constant */
  plain: (x: number, y: number, c: number) => number;
  /** on ugrad Values */
  build: (a: Value, b: Value, c: number) => Value;
  /** The op is smooth on a neighbourhood of (x, y): the domain, with a margin. */
  ok?: (x: number, y: number, c: number) => boolean;
  /** For ops with a kink at x = 0: the side x is on (must not change under the finite-difference step). */
  side?: (x: number) => boolean;
}

const awayFromKink = (x: number): boolean => Math.abs(x) >= 1e-3;

const specs: OpSpec[] = [
  { name: 'add', binary: true, plain: (x, y) => x + y, build: (a, b) => a.add(b) },
  { name: 'sub', binary: true, plain: (x, y) => x - y, build: (a, b) => a.sub(b) },
  { name: 'mul', binary: true, plain: (x, y) => x * y, build: (a, b) => a.mul(b) },
  { name: 'div', binary: true, plain: (x, y) => x / y, build: (a, b) => a.div(b), ok: (_, y) => Math.abs(y) >= 0.25 },
  { name: 'pow', binary: true, plain: (x, y) => x ** y, build: (a, b) => a.pow(b), ok: (x, y) => x >= 0.25 && Math.abs(y) <= 4 },
  { name: 'dot', binary: true, plain: (x, y, c) => x * y + y * c, build: (a, b, c) => dot([a, b], [b, c]) },
  { name: 'mean', binary: true, plain: (x, y) => (x + y + x) / 3, build: (a, b) => mean([a, b, a]) },
  { name: 'add c', plain: (x, _, c) => x + c, build: (a, _, c) => a.add(c) },
  { name: 'mul c', plain: (x, _, c) => x * c, build: (a, _, c) => a.mul(c) },
  { name: 'c - x', plain: (x, _, c) => c - x, build: (a, _, c) => sub(c, a) },
  { name: 'c / x', plain: (x, _, c) => c / x, build: (a, _, c) => div(c, a), ok: (x) => Math.abs(x) >= 0.25 },
  { name: 'x ** c', plain: (x, _, c) => x ** c, build: (a, _, c) => a.pow(c), ok: (x) => x >= 0.25 },
  { name: '|c| ** x', plain: (x, _, c) => (Math.abs(c) + 0.25) ** x, build: (a, _, c) => pow(Math.abs(c) + 0.25, a), ok: (x) => Math.abs(x) <= 8 },
  { name: 'square', plain: (x) => x * x, build: (a) => a.pow(2) },
  { name: 'cube', plain: (x) => x * x * x, build: (a) => a.pow(3) },
  { name: 'neg', plain: (x) => -x, build: (a) => a.neg() },
  { name: 'exp', plain: Math.exp, build: (a) => a.exp(), ok: (x) => Math.abs(x) <= 10 },
  { name: 'log', plain: Math.log, build: (a) => a.log(), ok: (x) => x >= 0.25 },
  { name: 'sqrt', plain: Math.sqrt, build: (a) => a.sqrt(), ok: (x) => x >= 0.25 },
  { name: 'tanh', plain: Math.tanh, build: (a) => a.tanh() },
  { name: 'sigmoid', plain: (x) => 1 / (1 + Math.exp(-x)), build: (a) => a.sigmoid() },
  { name: 'relu', plain: (x) => (x > 0 ? x : 0), build: (a) => a.relu(), ok: awayFromKink, side: (x) => x > 0 },
  { name: 'leakyRelu', plain: (x) => (x > 0 ? x : 0.1 * x), build: (a) => a.leakyRelu(0.1), ok: awayFromKink, side: (x) => x > 0 },
  { name: 'abs', plain: Math.abs, build: (a) => a.abs(), ok: awayFromKink, side: (x) => x > 0 },
];
const tanh = specs.find((s) => s.name === 'tanh')!;
const unguarded = specs.filter((s) => !s.ok);

interface Instruction { spec: OpSpec; i: number; j: number; c: number }
interface Program { leaves: number[]; code: Instruction[] }

// fc.double spreads its samples over the bit patterns, so most would be tiny (1e-200);
// these are uniform over [lo, hi] instead, with the odd exact 0, 1 or -1 mixed in.
const uniform = (lo: number, hi: number): fc.Arbitrary<number> =>
  fc.oneof(
    { weight: 9, arbitrary: fc.integer({ min: 0, max: 2 ** 30 }).map((n) => lo + ((hi - lo) * n) / 2 ** 30) },
    { weight: 1, arbitrary: fc.constantFrom(0, 1, -1) },
  );

const genes = fc.record({
  leaves: fc.array(uniform(-3, 3), { minLength: 1, maxLength: 4 }),
  code: fc.array(
    fc.record({ op: fc.nat({ max: specs.length - 1 }), i: fc.nat(), j: fc.nat(), c: uniform(-2, 2) }),
    { minLength: 1, maxLength: 16 },
  ),
});

/**
 * Fixes the program's structure at its sample point: an op whose inputs fall outside its
 * smooth domain there, or whose result would be huge, is replaced by an op that is smooth
 * everywhere (picked by the gene, so replacements vary), and failing that by tanh.
 */
function resolve(g: { leaves: number[]; code: { op: number; i: number; j: number; c: number }[] }): Program {
  const values = [...g.leaves];
  const code: Instruction[] = [];
  for (const gene of g.code) {
    const n = values.length;
    const i = gene.i % n, j = gene.j % n, c = gene.c;
    const x = values[i]!, y = values[j]!;
    const spec = [specs[gene.op]!, unguarded[gene.op % unguarded.length]!, tanh].find(
      (s) => (s.ok?.(x, y, c) ?? true) && Math.abs(s.plain(x, y, c)) <= 1e4,
    )!;
    code.push({ spec, i, j, c });
    values.push(spec.plain(x, y, c));
  }
  return { leaves: g.leaves, code };
}

/** The plain-number interpreter: every node's value, and which side of its kink/domain each op was on. */
function runPlain(p: Program, leaves: readonly number[]): { values: number[]; signature: string } {
  const values = [...leaves];
  let signature = '';
  for (const { spec, i, j, c } of p.code) {
    const x = values[i]!, y = values[j]!;
    signature += (spec.ok?.(x, y, c) ?? true) ? (spec.side?.(x) ? 'R' : 'L') : 'x';
    values.push(spec.plain(x, y, c));
  }
  return { values, signature };
}

function runValues(p: Program): { leaves: Value[]; nodes: Value[] } {
  const leaves = p.leaves.map((x) => new Value(x));
  const nodes = [...leaves];
  for (const { spec, i, j, c } of p.code) nodes.push(spec.build(nodes[i]!, nodes[j]!, c));
  return { leaves, nodes };
}

describe('random expression graphs with node reuse', () => {
  it('the generator shares nodes: most programs use some node more than once', () => {
    const programs = fc.sample(genes.map(resolve), { seed: 7, numRuns: 200 });
    const shared = programs.filter((p) => {
      const uses = new Map<number, number>();
      for (const { spec, i, j } of p.code) {
        uses.set(i, (uses.get(i) ?? 0) + 1);
        if (spec.binary) uses.set(j, (uses.get(j) ?? 0) + 1);
      }
      return [...uses.values()].some((u) => u > 1);
    });
    expect(shared.length).toBeGreaterThan(100);
  });

  it('the value matches the plain interpreter and every leaf gradient matches central finite differences', () => {
    fc.assert(
      fc.property(genes.map(resolve), (p) => {
        const base = runPlain(p, p.leaves);
        const { leaves, nodes } = runValues(p);
        const root = nodes[nodes.length - 1]!;
        const scale = Math.max(...base.values.map(Math.abs), 1);
        const want = base.values[base.values.length - 1]!;
        expect(Math.abs(root.data - want)).toBeLessThanOrEqual(1e-12 * scale);
        root.backward();
        for (let k = 0; k < leaves.length; k++) {
          // Richardson-extrapolated central difference, (4·D(h/2) − D(h)) / 3: error O(h⁴).
          const h = 1e-4 * Math.max(1, Math.abs(p.leaves[k]!));
          const at = (s: number): number => {
            const moved = [...p.leaves];
            moved[k]! += s;
            const run = runPlain(p, moved);
            // the step must not cross a kink or leave a domain, or the difference measures something else
            fc.pre(run.signature === base.signature);
            return run.values[run.values.length - 1]!;
          };
          const d = (s: number): number => (at(s) - at(-s)) / (2 * s);
          const numeric = (4 * d(h / 2) - d(h)) / 3;
          const g = leaves[k]!.grad;
          // relative agreement, plus the rounding noise of differencing values as large as `scale`
          expect(Math.abs(g - numeric), `leaf ${k}: ugrad ${g}, finite differences ${numeric}`).toBeLessThanOrEqual(
            1e-8 * Math.max(Math.abs(g), Math.abs(numeric)) + 1e-13 * scale / h,
          );
        }
      }),
      { seed: 42, numRuns: 1000 },
    );
  });

  it('topo(root) lists every op node reachable from the root once, parents before children', () => {
    fc.assert(
      fc.property(genes.map(resolve), (p) => {
        const { nodes } = runValues(p);
        const root = nodes[nodes.length - 1]!;
        // the op nodes reachable from root, by an independent walk over `children`
        const opNodes = reachable(root).filter((v) => v.op !== '');

        const order = topo(root);
        const index = new Map(order.map((v, n) => [v, n]));
        expect(index.size).toBe(order.length); // no node twice
        expect(order.length).toBe(opNodes.length);
        for (const v of opNodes) expect(index.has(v)).toBe(true);
        expect(order[0]).toBe(root);
        for (const v of order) {
          for (const c of v.children) if (c.op !== '') expect(index.get(v)!).toBeLessThan(index.get(c)!);
        }
        // the walk leaves no state behind: a second walk gives the same order
        expect(topo(root)).toEqual(order);
      }),
      { seed: 42, numRuns: 500 },
    );
  });

  it('topo of a leaf is empty', () => {
    expect(topo(new Value(1))).toEqual([]);
  });
});
