import { describe, expect, it } from 'vitest';
import { THROWN, badValues, walkExports, type ExportSpec } from './exports.js';

// The export walker must catch each way an export can break the rule; a
// walker that passes everything would make the packages' tests meaningless.

class Good {
  #x = 1;
  constructor(x: number) {
    if (typeof x !== 'number') throw new TypeError(`new Good: expected x to be a number, got ${typeof x}`);
    this.#x = x;
  }
  get x(): number { return this.#x; }
  set x(v: number) {
    if (typeof v !== 'number') throw new TypeError('Good.x: expected a number');
    this.#x = v;
  }
  twice(): number { return 2 * this.#x; }
}

describe('walkExports', () => {
  it('passes an entry that keeps the rule, and lets an argument’s own error through', async () => {
    const entry = {
      Good,
      callMe: (f: unknown) => { if (typeof f !== 'function') throw new TypeError('callMe: expected f to be a function'); return f(); },
      LIMIT: 3,
    };
    const specs: Record<string, ExportSpec> = {
      Good: { construct: { args: () => [1] }, members: { x: { args: () => [2] }, twice: { args: () => [] } }, state: (g: Good) => g.x },
      callMe: { args: () => [() => 1] },
      LIMIT: { value: true },
    };
    const { problems, calls } = await walkExports('good', entry, specs);
    expect(problems).toEqual([]);
    expect(calls).toBeGreaterThan(3 * badValues().length);
  });

  it('reports internal errors, wrong prefixes, missing specs, state changed before a throw, accepted unknown options, and failing good arguments', async () => {
    class Leaky {
      n = 0;
      bump(k: number): void {
        this.n++; // a side effect before the check
        if (typeof k !== 'number') throw new TypeError('Leaky.bump: expected k to be a number');
      }
      hidden(): void {}
    }
    const entry = {
      crash: (o: { a: { b: number } }) => o.a.b,
      wrongName: (x: unknown) => { if (typeof x !== 'number') throw new TypeError('somethingElse: no'); },
      plainError: (x: unknown) => { if (typeof x !== 'number') throw new Error('plainError: no'); },
      lenient: (options: { n?: number } = {}) => options.n ?? 1,
      broken: () => { throw new RangeError('broken: always'); },
      unlisted: () => 1,
      Leaky,
    };
    const specs: Record<string, ExportSpec> = {
      crash: { args: () => [{ a: { b: 1 } }] },
      wrongName: { args: () => [1] },
      plainError: { args: () => [1] },
      lenient: { args: () => [{ n: 2 }], options: [0] },
      broken: { args: () => [] },
      Leaky: { construct: { args: () => [] }, members: { bump: { args: () => [1] } }, state: (l: Leaky) => l.n },
      notThere: { args: () => [] },
    };
    const { problems } = await walkExports('bad', entry, specs);
    const has = (re: RegExp) => expect(problems.some((p) => re.test(p)), `${re}:\n${problems.slice(0, 5).join('\n')}`).toBe(true);
    has(/^crash with argument 0 = undefined: threw TypeError "Cannot read properties of undefined/);
    has(/^wrongName with argument 0 = 'x': threw TypeError "somethingElse: no"/);
    has(/^plainError with argument 0 = null: threw Error "plainError: no"; expected a TypeError or RangeError/);
    has(/^lenient: accepted an unknown key notAnOption/);
    has(/^broken: the good arguments of its spec fail/);
    has(/^bad: export unlisted has no entry/);
    has(/^bad: the specs name notThere/);
    has(/^Leaky: member hidden has no entry/);
    has(/^Leaky.bump with argument 0 = 'x': threw, but changed the object's state first/);
  });

  it('reports a slow call', async () => {
    const entry = { slow: (x: unknown) => { if (x === 0) { const end = Date.now() + 30; while (Date.now() < end); } } };
    const { problems } = await walkExports('slow', entry, { slow: { args: () => [1] } }, { slow: 20 });
    expect(problems.some((p) => /^slow with argument 0 = 0: took \d+ ms/.test(p))).toBe(true);
  });

  it('has a battery with the usual suspects, and THROWN is what its traps throw', () => {
    const labels = badValues().map(([l]) => l);
    for (const l of ['undefined', 'NaN', '-0', 'Infinity', 'Symbol()', '10n', '[[1], [1, 2]] (ragged)', 'a Proxy whose traps throw']) expect(labels).toContain(l);
    const trap = badValues().find(([l]) => l === 'a Proxy whose traps throw')![1] as Record<string, unknown>;
    expect(() => trap.x).toThrow(THROWN);
  });
});
