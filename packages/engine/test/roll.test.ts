import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { roll } from '../src/roll.js';

// Rolling must not change what the statements compute: every test runs the
// statements and their rolled form on the same array and compares bit for bit.

const run = (statements: readonly string[], A: Float64Array): Float64Array => {
  const out = A.slice();
  new Function('A', statements.join('\n'))(out);
  return out;
};
const start = () => Float64Array.from({ length: 64 }, (_, i) => Math.sin(i + 1) * 3);
const same = (a: Float64Array, b: Float64Array) => a.every((v, i) => Object.is(v, b[i]));

describe('roll', () => {
  it('rolls a repeated block whose numbers advance by fixed steps into one loop', () => {
    const statements = Array.from({ length: 5 }, (_, j) => [`A[${10 + j}] = A[${40 - 3 * j}] * 0.5 + A[2];`, `A[${20 + j}] = A[${10 + j}] < 0 ? 0 : A[${10 + j}];`]).flat();
    const rolled = roll(statements);
    expect(rolled).toEqual(['for (let j = 0; j < 5; j++) { A[(10 + j)] = A[(40 - 3 * j)] * 0.5 + A[2]; A[(20 + j)] = A[(10 + j)] < 0 ? 0 : A[(10 + j)]; }']);
    expect(same(run(rolled, start()), run(statements, start()))).toBe(true);
  });

  it('leaves fewer than three repeats, and statements whose other numbers differ, as they are', () => {
    expect(roll(['A[1] = 2;', 'A[2] = 2;'])).toEqual(['A[1] = 2;', 'A[2] = 2;']);
    const fractions = ['A[1] = 0.5;', 'A[2] = 1.5;', 'A[3] = 2.5;', 'A[4] = 3.5;'];
    expect(roll(fractions)).toEqual(fractions);
    // a step that changes midway ends the loop there
    expect(roll(['A[1] = 0;', 'A[2] = 0;', 'A[3] = 0;', 'A[5] = 0;'])).toEqual(['for (let j = 0; j < 3; j++) { A[(1 + j)] = 0; }', 'A[5] = 0;']);
  });

  it('does not take digits out of names or exponents', () => {
    const statements = ['A[1] = f2(1e-7);', 'A[2] = f2(1e-7);', 'A[3] = f2(1e-7);'];
    expect(roll(statements)).toEqual(['for (let j = 0; j < 3; j++) { A[(1 + j)] = f2(1e-7); }']);
  });

  it('computes what the statements compute, for any mix of repeats (property)', () => {
    // Blocks of one to three statement shapes, repeated with random steps, between single statements.
    const shapes = [
      (a: number, b: number, c: number) => `A[${a}] = A[${b}] * ${c} - A[${a}];`,
      (a: number, b: number, c: number) => `A[${a}] += A[${b}] < ${c} ? -0 : A[${c}] / 3;`,
      (a: number, b: number, c: number) => `{ let s = A[${b}]; s += A[${c}] * 1e-3; A[${a}] = s; }`,
    ];
    const index = fc.integer({ min: 0, max: 63 });
    const block = fc.record({
      parts: fc.array(fc.record({ shape: fc.integer({ min: 0, max: 2 }), at: fc.tuple(index, index, index), step: fc.tuple(fc.integer({ min: -3, max: 3 }), fc.integer({ min: -3, max: 3 }), fc.integer({ min: -3, max: 3 })) }), { minLength: 1, maxLength: 3 }),
      repeats: fc.integer({ min: 1, max: 6 }),
    });
    fc.assert(fc.property(fc.array(block, { maxLength: 6 }), (blocks) => {
      const statements: string[] = [];
      for (const { parts, repeats } of blocks) {
        for (let j = 0; j < repeats; j++) {
          for (const { shape, at, step } of parts) {
            const [a, b, c] = at.map((v, k) => (((v + step[k]! * j) % 64) + 64) % 64) as [number, number, number];
            statements.push(shapes[shape]!(a, b, c));
          }
        }
      }
      expect(same(run(roll(statements), start()), run(statements, start()))).toBe(true);
    }), { numRuns: 300 });
  });
});
