import { typeError } from './check.js';
import { OPS, literal, type OpEntry } from './optable.js';
import { logaddexp, powc, powk } from './value.js';
import type { Flat } from './trace.js';

/**
 * Replays a flattened graph over typed arrays for samples `start` to
 * `start + n - 1` (rows of `nx` inputs in X, `ny` targets in Y): forward, the
 * outputs into O (rows of `no`) unless it is null, then (when `grad`) backward
 * from `seed`, accumulating parameter gradients into `G`. Returns `acc` plus
 * the losses, added left to right. `T` and `D` are scratch space of `slots`
 * numbers (values and adjoints).
 */
export type Replay = (
  P: Float64Array, G: Float64Array, T: Float64Array, D: Float64Array, X: Float64Array, Y: Float64Array, O: Float64Array | null,
  start: number, n: number, nx: number, ny: number, no: number, seed: number, grad: boolean, acc: number,
) => number;

/** Generated code for a graph, and the scratch size it needs. */
export interface Generated {
  run: Replay;
  slots: number;
  /** The source, for reading and debugging. */
  source: string;
}

// The functions replay text calls by name (value.ts's IEEE helpers); generated code receives them as arguments.
const helpers: Record<'powk' | 'powc' | 'logaddexp', (a: number, b: number) => number> = { powk, powc, logaddexp };

/**
 * The functions that replay text ({@link OpEntry.replay}) calls by name,
 * `powk`, `powc` and `logaddexp`: IEEE arithmetic as PyTorch computes it. For
 * code outside the engine that evaluates replay text; these check their
 * arguments (the generated code calls value.ts's own functions).
 */
export const replayHelpers: Readonly<Record<keyof typeof helpers, (a: number, b: number) => number>> = Object.freeze(Object.fromEntries(
  Object.entries(helpers).map(([name, f]) => [name, (a: number, b: number) => f(num(a, `replayHelpers.${name}`, 'a'), num(b, `replayHelpers.${name}`, 'b'))]),
) as Record<keyof typeof helpers, (a: number, b: number) => number>);
const num = (x: unknown, where: string, what: string): number => {
  if (typeof x !== 'number') throw typeError(where, what, 'a number', x);
  return x;
};

// Shortest dot-product run worth a loop; shorter ones are written out.
const MIN_LOOP = 4;
// Statements per piece of a long add chain: pieces pass the running sum on
// through T, so that chunk() can split even a sum of thousands of terms.
const PIECE = 64;
// Source characters per generated function: TurboFan gives up on very large
// functions, and a 2-64-64-1 MLP is ~13k nodes per sample.
const CHUNK_CHARS = 6000;

// A term of an add chain: a product absorbed into the chain, or any other value.
type Term = { a: number; b: number } | { r: number };
// Where a value lives: an array and an offset (X and Y offsets are relative to the sample).
type Loc = { arr: 'P' | 'X' | 'Y' | 'T'; off: number };
// One operand of a loop over a run of products: code for its value at step k, and for its adjoint.
type RunIndex = { at: string; adj: string };

/**
 * Generates straight-line JavaScript for one sample's forward and backward pass.
 * Add chains — `((p0*q0 + p1*q1) + p2*q2) + … + c`, what `dot`, `sum` and every
 * neuron build — are the bulk of an MLP's nodes; they become one running sum,
 * and runs of products whose operands sit at evenly spaced places become loops,
 * so the code grows with the number of neurons rather than of weights. Every
 * other node is one statement from its replay rule in {@link OPS}, so derivatives
 * that depend on data (relu, abs, …) are recomputed on every replay. A
 * parameter for which `frozen(i)` is true gets no gradient code at all.
 */
export function generate(flat: Flat, frozen: (param: number) => boolean = () => false): Generated {
  const { nodes, root, outputs } = flat;
  const n = nodes.length;
  const op = (i: number) => { const v = nodes[i]!; return v.kind === 'op' ? v : null; };

  const uses = new Int32Array(n);
  const needsGrad = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const v = nodes[i]!;
    if (v.kind === 'param' && !frozen(v.i)) needsGrad[i] = 1;
    if (v.kind !== 'op') continue;
    uses[v.a]++;
    needsGrad[i] = needsGrad[v.a]!;
    if (v.b >= 0) { uses[v.b]++; needsGrad[i] |= needsGrad[v.b]!; }
  }
  // The loss and the outputs are read after the forward pass: never absorbed.
  for (const r of [root, ...outputs]) uses[r]++;

  // Find add chains from their tops (users before inputs). A '+' used once as
  // the left input of another '+' continues that chain; a '*' used once as a
  // term becomes a product term. Absorbed nodes get no slot of their own.
  const absorbed = new Uint8Array(n);
  const chains = new Map<number, Term[]>();
  const term = (t: number): Term => {
    const v = op(t);
    if (v && v.op === '*' && v.b >= 0 && uses[t] === 1) { absorbed[t] = 1; return { a: v.a, b: v.b }; }
    return { r: t };
  };
  for (let i = n - 1; i >= 0; i--) {
    const top = op(i);
    if (!top || top.op !== '+' || top.b < 0 || absorbed[i]) continue;
    const terms: Term[] = [];
    let cur = top;
    for (;;) {
      terms.push(term(cur.b));
      const next = op(cur.a);
      if (!next || next.op !== '+' || next.b < 0 || uses[cur.a] !== 1) { terms.push(term(cur.a)); break; }
      absorbed[cur.a] = 1;
      cur = next;
    }
    chains.set(i, terms.reverse());
  }

  // Slots: the operands of each long run of products get consecutive slots
  // first (an MLP layer's outputs feed every neuron of the next layer), so
  // that runs over them become loops; the rest follow in order.
  const slot = new Int32Array(n).fill(-1);
  let slots = 0;
  const materialized = (i: number) => nodes[i]!.kind === 'op' && !absorbed[i];
  for (const terms of chains.values()) {
    for (const side of ['a', 'b'] as const) {
      let run = new Set<number>();
      const flush = () => { if (run.size >= MIN_LOOP) for (const r of run) slot[r] = slots++; run = new Set(); };
      for (const t of terms) {
        const r = 'r' in t ? -1 : t[side];
        if (r >= 0 && materialized(r) && slot[r] === -1 && !run.has(r)) run.add(r);
        else flush();
      }
      flush();
    }
  }
  for (let i = 0; i < n; i++) if (materialized(i) && slot[i] === -1) slot[i] = slots++;

  const loc = (i: number): Loc | null => {
    const v = nodes[i]!;
    switch (v.kind) {
      case 'param': return { arr: 'P', off: v.i };
      case 'x': return { arr: 'X', off: v.i };
      case 'y': return { arr: 'Y', off: v.i };
      case 'const': return null;
      case 'op': return { arr: 'T', off: slot[i]! };
    }
  };
  const at = (l: Loc, index: string) => `${l.arr}[${l.arr === 'X' ? 'xo + ' : l.arr === 'Y' ? 'yo + ' : ''}${index}]`;
  const val = (i: number) => { const l = loc(i); return l ? at(l, String(l.off)) : literal((nodes[i] as { v: number }).v); };
  // An op's two operands as code: its inputs' values, or its constant for a unary op.
  const operands = (v: { a: number; b: number; k: number }) => [val(v.a), v.b >= 0 ? val(v.b) : literal(v.k)] as const;
  // Adjoints: G for parameters, D for op outputs; inputs and constants get none.
  const adj = (i: number) => (nodes[i]!.kind === 'param' ? `G[${(nodes[i] as { i: number }).i}]` : `D[${slot[i]}]`);

  const fwd: string[] = [];
  for (let i = 0; i < n; i++) {
    if (!materialized(i)) continue;
    const terms = chains.get(i);
    if (terms) { fwd.push(...chainForward(terms, slot[i]!)); continue; }
    const v = op(i)!;
    fwd.push(`T[${slot[i]}] = ${OPS[v.op].replay.out(...operands(v), '')};`);
  }

  // Backward, in the order it runs (users before inputs). The first
  // contribution to an op's adjoint in a sample assigns and the rest add, so D
  // needs no clearing between samples; G accumulates over the batch.
  const assigned = new Uint8Array(slots);
  const addTo = (i: number, expr: string): string => {
    if (nodes[i]!.kind !== 'op') return `${adj(i)} += ${expr};`;
    const first = !assigned[slot[i]!];
    assigned[slot[i]!] = 1;
    return `${adj(i)} ${first ? '=' : '+='} ${expr};`;
  };
  const bwd: string[] = [];
  for (let i = n - 1; i >= 0; i--) {
    if (!materialized(i) || !needsGrad[i]) continue;
    const terms = chains.get(i);
    if (terms) { bwd.push(...chainBackward(terms, slot[i]!)); continue; }
    const v = op(i)!;
    const R = OPS[v.op].replay;
    const [a, b] = operands(v), out = `T[${slot[i]}]`;
    const parts: string[] = [];
    if (needsGrad[v.a]) parts.push(addTo(v.a, `(${R.da(a, b, out)}) * g`));
    if (v.b >= 0 && needsGrad[v.b]) parts.push(addTo(v.b, `(${R.db!(a, b, out)}) * g`));
    bwd.push(`{ const g = D[${slot[i]}]; ${parts.join(' ')} }`);
  }

  // An add chain's running sum, with runs of products as loops.
  function chainForward(terms: Term[], out: number): string[] {
    const pieces: string[] = [];
    let f: string[] = [];
    const flush = () => { pieces.push(`{ ${pieces.length ? `let s = T[${out}]; ` : ''}${f.join(' ')} T[${out}] = s; }`); f = []; };
    const emit = (statement: string) => { if (f.length >= PIECE) flush(); f.push(statement); };
    const acc = (expr: string) => emit(pieces.length || f.length ? `s += ${expr};` : `let s = ${expr};`);
    for (const { t, loop } of steps(terms)) {
      const term = terms[t]!;
      if ('r' in term) acc(val(term.r));
      else if (!loop) acc(`${val(term.a)} * ${val(term.b)}`);
      else {
        const [ia, ib] = runIndex(terms, t);
        const k0 = pieces.length || f.length ? 0 : (acc(`${val(term.a)} * ${val(term.b)}`), 1);
        emit(`for (let k = ${k0}; k < ${loop}; k++) s += ${ia.at} * ${ib.at};`);
      }
    }
    flush();
    return pieces;
  }

  // d(sum)/d(term) = 1, so each term's adjoint gets g; a product's factors get
  // each other's value times g (as in eager: `a.grad += b · g`). Where g is
  // exactly 0 and the chain's value is finite (so every factor is), each of
  // those contributions is ±0 and changes nothing: the chain is skipped, but
  // for giving the adjoints it would have assigned first their 0. Relu layers
  // make many such zeros.
  function chainBackward(terms: Term[], out: number): string[] {
    type Unit = { pre: string[]; work: string; zero: string[] };
    const units: Unit[] = [];
    const add = (i: number, expr: string) => {
      const first = nodes[i]!.kind === 'op' && !assigned[slot[i]!];
      units.push({ pre: [], work: addTo(i, expr), zero: first ? [`D[${slot[i]}] = 0;`] : [] });
    };
    for (const { t, loop } of steps(terms)) {
      const term = terms[t]!;
      if ('r' in term) { if (needsGrad[term.r]) add(term.r, 'g'); }
      else if (!loop) {
        if (needsGrad[term.a]) add(term.a, `${val(term.b)} * g`);
        if (needsGrad[term.b]) add(term.b, `${val(term.a)} * g`);
      } else {
        const [ia, ib] = runIndex(terms, t);
        const run = terms.slice(t, t + loop) as { a: number; b: number }[];
        const unit: Unit = { pre: [], work: '', zero: [] };
        const body: string[] = [];
        // When both factors are op outputs their runs may overlap (x[k]·x[k+1]): only add, then.
        const assign = !(needsGrad[term.a] && needsGrad[term.b] && nodes[term.a]!.kind === 'op' && nodes[term.b]!.kind === 'op');
        if (needsGrad[term.a]) body.push(loopAddTo(run.map((u) => u.a), ia, `${ib.at} * g`, unit, assign));
        if (needsGrad[term.b]) body.push(loopAddTo(run.map((u) => u.b), ib, `${ia.at} * g`, unit, assign));
        unit.work = `for (let k = 0; k < ${loop}; k++) { ${body.join(' ')} }`;
        units.push(unit);
      }
    }
    const pieces: string[] = [];
    for (let i = 0; i < units.length; i += PIECE) {
      const u = units.slice(i, i + PIECE);
      const zero = u.flatMap((v) => v.zero);
      pieces.push(`{ const g = D[${out}]; ${u.flatMap((v) => v.pre).join(' ')} if (g !== 0 || T[${out}] - T[${out}] !== 0) { ${u.map((v) => v.work).join(' ')} }${zero.length ? ` else { ${zero.join(' ')} }` : ''} }`);
    }
    return pieces;
  }

  // Indexing code for the two operands of the run of products starting at t:
  // `at` reads the value at step k, `adj` names its adjoint.
  function runIndex(terms: Term[], t: number): [RunIndex, RunIndex] {
    const u = terms[t] as { a: number; b: number }, w = terms[t + 1] as { a: number; b: number };
    return ([[u.a, w.a], [u.b, w.b]] as const).map(([i, j]) => {
      const l = loc(i)!, step = loc(j)!.off - l.off;
      const index = `${l.off ? `${l.off} + ` : ''}${step === 1 ? '' : `${step} * `}k`;
      return { at: at(l, index), adj: `${l.arr === 'P' ? 'G' : 'D'}[${index}]` };
    }) as [RunIndex, RunIndex];
  }

  // Adds `expr` to the adjoints of a run's operands inside its loop. Where
  // only some of them were assigned before, the others are cleared first
  // (`unit.pre`); a first assignment is written as 0 when the chain is skipped (`unit.zero`).
  function loopAddTo(targets: number[], place: RunIndex, expr: string, unit: { pre: string[]; zero: string[] }, assign: boolean): string {
    if (nodes[targets[0]!]!.kind === 'param') return `${place.adj} += ${expr};`;
    const states = targets.map((r) => assigned[slot[r]!]!);
    for (const r of targets) assigned[slot[r]!] = 1;
    if (assign && states.every((s) => s === 0)) {
      unit.zero.push(`for (let k = 0; k < ${targets.length}; k++) ${place.adj} = 0;`);
      return `${place.adj} = ${expr};`;
    }
    targets.forEach((r, j) => { if (!states[j]) unit.pre.push(`D[${slot[r]}] = 0;`); });
    return `${place.adj} += ${expr};`;
  }

  // An add chain's terms in order, each as its index `t`: a run of products
  // long enough for a loop is one step of `loop` terms; any other term is a
  // step of its own, with `loop` 0.
  function steps(terms: Term[]): { t: number; loop: number }[] {
    const out: { t: number; loop: number }[] = [];
    for (let t = 0; t < terms.length;) {
      const len = 'r' in terms[t]! ? 1 : runLength(terms, t);
      const loop = len >= MIN_LOOP ? len : 0;
      out.push({ t, loop });
      t += loop || 1;
    }
    return out;
  }

  // How many terms from t on are products whose two operands both advance by
  // a fixed, non-zero step (so a loop can index them) and, on each side, all
  // need a gradient or none does. Constants never advance.
  function runLength(terms: Term[], t: number): number {
    const first = terms[t] as { a: number; b: number };
    const la = loc(first.a), lb = loc(first.b);
    if (!la || !lb) return 1;
    let len = 1, sa = 0, sb = 0;
    for (; t + len < terms.length; len++) {
      const u = terms[t + len]!;
      if ('r' in u) break;
      const ua = loc(u.a), ub = loc(u.b);
      if (!ua || !ub || ua.arr !== la.arr || ub.arr !== lb.arr) break;
      if (needsGrad[u.a] !== needsGrad[first.a] || needsGrad[u.b] !== needsGrad[first.b]) break;
      if (len === 1) { sa = ua.off - la.off; sb = ub.off - lb.off; if (sa === 0 || sb === 0) break; }
      if (ua.off !== la.off + len * sa || ub.off !== lb.off + len * sb) break;
    }
    return len;
  }

  const rootVal = val(root);
  const seedRoot = !needsGrad[root] ? '' : nodes[root]!.kind === 'op' ? `D[${slot[root]}] = seed;` : `${adj(root)} += seed;`;
  const fs = chunk(fwd), bs = chunk(bwd);
  const decl = [
    ...fs.map((body, j) => `function f${j}(P, T, X, Y, xo, yo) {\n${body}\n}`),
    ...bs.map((body, j) => `function b${j}(P, G, T, D, X, Y, xo, yo) {\n${body}\n}`),
  ];
  const source = `'use strict';
${decl.join('\n')}
return function replay(P, G, T, D, X, Y, O, start, n, nx, ny, no, seed, grad, acc) {
  let total = acc;
  for (let s = start, xo = s * nx, yo = s * ny; s < start + n; s++, xo += nx, yo += ny) {
    ${fs.map((_, j) => `f${j}(P, T, X, Y, xo, yo);`).join(' ')}
    total += ${rootVal};
    if (O !== null) { ${outputs.map((o, j) => `O[s * no + ${j}] = ${val(o)};`).join(' ')} }
    if (!grad) continue;
    ${seedRoot}
    ${bs.map((_, j) => `b${j}(P, G, T, D, X, Y, xo, yo);`).join(' ')}
  }
  return total;
};`;
  return { run: new Function(...Object.keys(helpers), source)(...Object.values(helpers)) as Replay, slots: Math.max(slots, 1), source };
}

// Splits statements into function bodies of bounded size, in order.
function chunk(statements: string[]): string[] {
  const out: string[] = [];
  let cur: string[] = [], size = 0;
  for (const s of statements) {
    if (size + s.length > CHUNK_CHARS && cur.length) { out.push(cur.join('\n')); cur = []; size = 0; }
    cur.push(s);
    size += s.length + 1;
  }
  if (cur.length) out.push(cur.join('\n'));
  return out;
}

