import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Value, compileStep, softmax } from '@ugrad/engine';
import { replayMismatches } from './replay.js';

// A differential test against PyTorch: every op of the engine over a grid of
// inputs at the edges of IEEE arithmetic (kinks, ±0, ±∞, NaN, subnormals, the
// overflow edges of exp, every pair for binary ops), compared with the values
// and gradients PyTorch computes in float64. The fixture is made by
// scripts/torch-fixtures.py, once, with torch installed; this test only reads it.
//
// What must agree, and how closely:
// - The value bit for bit, and each local derivative (`localGrads`) bit for
//   bit, sign of zero included, for every op built from IEEE's exact
//   operations: + − · /, neg, relu, leakyRelu, abs, min, max, the clamps,
//   sqrt, and pow with the exponents PyTorch gives kernels of their own, for
//   the value and for k·a^(k−1) (0, ½, ±1, 2, 3; −½ and −2 have such values,
//   but their derivatives take C's pow).
// - Within 1e-12·max(1, |PyTorch's|) where the value comes from a libm
//   function (exp, log, sin, cos, tanh, sigmoid, logAddExp, pow with other
//   exponents): V8's Math is a port of fdlibm, PyTorch's CPU kernels use glibc
//   or Sleef, and the two round an ulp apart at many points. A derivative made
//   from such a value (1 − out² for tanh near ±1) inherits that ulp as an
//   absolute error, hence max(1, ·). Infinities and NaN must still agree
//   exactly, with one exception: PyTorch's exp (Sleef's) overflows to ∞ from
//   x = 709.7827111495576 on, ~2e-6 below ln(MAX), where the true value, and
//   C's and V8's exp, are finite (up to 1.79769e308): there the engine keeps
//   the finite number.
// - Where PyTorch's vectorised path (longer tensors) answers differently from
//   its scalar path (maximum(-0, 0), an ulp in pow), either answer is accepted.
// - A leaf's `grad` after `backward()` is the chain of local derivatives; it
//   starts at +0 and accumulates (micrograd's convention), while PyTorch's first
//   accumulation copies the incoming gradient, so a −0 gradient reads +0 here.
//   Leaf gradients are compared with −0 = +0; the local derivatives above keep
//   the sign.
// The op table's replay rules (and a compiled step) must give the engine's
// numbers bit for bit over the same grid.

type Enc = number | string;
interface Group { name: string; constants: Enc[]; cases: Enc[][]; alt?: Record<string, Enc[]> }
interface Fixture { torch: string; groups: Group[]; softmax: { x: Enc[]; y: Enc[]; grad: Enc[] }[] }

const fixture = JSON.parse(readFileSync(join(import.meta.dirname, 'fixtures', 'torch-ops.json'), 'utf8')) as Fixture;
const dec = (x: Enc): number => (typeof x === 'number' ? x : Number(x));
const show = (xs: readonly number[]): string => xs.map((x) => (Object.is(x, -0) ? '-0' : String(x))).join(', ');

// Each fixture group as engine calls on the input leaves, with its constants.
const calls: Record<string, (v: Value[], k: number[]) => Value> = {
  add: ([a, b]) => a!.add(b!), sub: ([a, b]) => a!.sub(b!), mul: ([a, b]) => a!.mul(b!), div: ([a, b]) => a!.div(b!),
  pow: ([a, b]) => a!.pow(b!), min: ([a, b]) => a!.min(b!), max: ([a, b]) => a!.max(b!), logAddExp: ([a, b]) => a!.logAddExp(b!),
  neg: ([a]) => a!.neg(), exp: ([a]) => a!.exp(), log: ([a]) => a!.log(), sin: ([a]) => a!.sin(), cos: ([a]) => a!.cos(),
  tanh: ([a]) => a!.tanh(), sigmoid: ([a]) => a!.sigmoid(), relu: ([a]) => a!.relu(), abs: ([a]) => a!.abs(), sqrt: ([a]) => a!.sqrt(),
  powk: ([a], [k]) => a!.pow(k!), leakyRelu: ([a], [s]) => a!.leakyRelu(s), clampMin: ([a], [lo]) => a!.clampMin(lo!),
  clampMax: ([a], [hi]) => a!.clampMax(hi!), clamp: ([a], [lo, hi]) => a!.clamp(lo!, hi!),
};
const binary = new Set(['add', 'sub', 'mul', 'div', 'pow', 'min', 'max', 'logAddExp']);
const exactOps = new Set(['add', 'sub', 'mul', 'div', 'neg', 'relu', 'leakyRelu', 'abs', 'min', 'max', 'clampMin', 'clampMax', 'clamp', 'sqrt']);
// exponents whose value and derivative k·a^(k−1) both use PyTorch's own kernels (−2 and −½ need C's pow for a^(k−1))
const ownKernels = new Set([0, 1, 2, 3, -1, 0.5]);
const isExact = (g: Group): boolean => exactOps.has(g.name) || (g.name === 'powk' && ownKernels.has(dec(g.constants[0]!)));
const SLEEF_EXP_OVERFLOW = 709.7827111495576;

function agree(got: number, want: number, exact: boolean, zeroSign = true): boolean {
  if (Object.is(got, want) || (!zeroSign && got === 0 && want === 0)) return true;
  if (exact || !Number.isFinite(want)) return false;
  return Math.abs(got - want) <= 1e-12 * Math.max(1, Math.abs(want));
}

describe(`the engine against PyTorch ${fixture.torch} (float64) at IEEE edges`, () => {
  it('has a fixture covering every op', () => {
    expect(new Set(fixture.groups.map((g) => g.name))).toEqual(new Set(Object.keys(calls)));
    expect(fixture.groups.reduce((n, g) => n + g.cases.length, 0)).toBeGreaterThan(8000);
  });

  for (const g of fixture.groups) {
    const k = g.constants.map(dec);
    const n = binary.has(g.name) ? 2 : 1;
    const exact = isExact(g);
    const title = `${g.name}${k.length ? `(${show(k)})` : ''}`;

    it(`${title}: value, local derivatives and gradients ${exact ? 'bit for bit' : 'to 1e-12'}, over ${g.cases.length} points`, () => {
      const bad: string[] = [];
      g.cases.forEach((c, i) => {
        const xs = c.slice(0, n).map(dec);
        const answers = [c.slice(n).map(dec), ...(g.alt?.[i] ? [g.alt[i].map(dec)] : [])];
        const leaves = xs.map((x) => new Value(x));
        const out = calls[g.name]!(leaves, k);
        // local derivatives where the inputs are the node's own children (not for sub, clamp: chains)
        const direct = leaves.every((l) => out.children.includes(l));
        const locals = direct ? leaves.map((l) => out.localGrads[out.children.indexOf(l)]!) : null;
        out.backward();
        const grads = leaves.map((l) => l.grad);
        const ok = answers.some(([value, ...want]) => {
          const overflow = g.name === 'exp' && value === Infinity && xs[0]! >= SLEEF_EXP_OVERFLOW && Number.isFinite(out.data) && out.data > 1.79769e308;
          if (overflow) return true;
          return agree(out.data, value!, exact) &&
            want.every((w, j) => agree(grads[j]!, w, exact, false) && (locals === null || agree(locals[j]!, w, exact)));
        });
        if (!ok) bad.push(`${title} at (${show(xs)}): engine [${show([out.data, ...grads])}]${locals ? ` locals [${show(locals)}]` : ''}, PyTorch [${answers.map(show).join('] or [')}]`);
        bad.push(...replayMismatches(out));
      });
      expect(bad.slice(0, 8)).toEqual([]);
    });
  }

  // The compiled step recomputes each op from the replay rules: over the same grid
  // its loss and gradients must be the engine's, bit for bit.
  it('a compiled step gives the engine’s numbers bit for bit over the whole grid', () => {
    const bad: string[] = [];
    for (const g of fixture.groups) {
      const k = g.constants.map(dec);
      const n = binary.has(g.name) ? 2 : 1;
      const params = Array.from({ length: n }, () => new Value(0.5));
      const step = compileStep({ params, inputs: 0, reduce: 'sum', sample: () => calls[g.name]!(params, k) });
      for (const c of g.cases) {
        const xs = c.slice(0, n).map(dec);
        params.forEach((p, j) => { p.data = xs[j]!; p.grad = 0; });
        const loss = step.step([[]], [0]);
        const compiled = [loss, ...params.map((p) => p.grad)];
        params.forEach((p) => { p.grad = 0; });
        const out = calls[g.name]!(params, k);
        out.backward();
        const eager = [out.data, ...params.map((p) => p.grad)];
        if (!compiled.every((x, j) => Object.is(x, eager[j]))) bad.push(`${g.name}(${show(k)}) at (${show(xs)}): compiled [${show(compiled)}], eager [${show(eager)}]`);
      }
    }
    expect(bad.slice(0, 8)).toEqual([]);
  });

  it('softmax: values and the gradient of Σ wᵢ·softmaxᵢ (w = 1, 2, …) to 1e-12', () => {
    // e^(vᵢ − m)/Σ as PyTorch's kernel, but summed left to right and with a gradient
    // composed from the ops (PyTorch's is (gᵢ − Σ gⱼyⱼ)·yᵢ): the two round differently.
    const bad: string[] = [];
    for (const c of fixture.softmax) {
      const xs = c.x.map(dec), y = c.y.map(dec), grad = c.grad.map(dec);
      const leaves = xs.map((x) => new Value(x));
      const out = softmax(leaves);
      out.reduce((s: Value, p, i) => s.add(p.mul(i + 1)), new Value(0)).backward();
      const got = [...out.map((p) => p.data), ...leaves.map((l) => l.grad)];
      const want = [...y, ...grad];
      if (!got.every((x, j) => agree(x, want[j]!, false, false))) bad.push(`softmax(${show(xs)}): engine [${show(got)}], PyTorch [${show(want)}]`);
    }
    expect(bad).toEqual([]);
  });
});
