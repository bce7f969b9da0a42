import { describe, str } from './check.js';
import type { OpName } from './optable.js';
import { Value, isGradEnabled, setDataHook } from './value.js';

/**
 * Thrown when code cannot be compiled, or its compiled form no longer applies
 * to it: train eagerly instead (`fit` does so automatically).
 */
export class TraceError extends Error {
  /** Always `'TraceError'`, so it reads apart from other errors in logs. */
  override name = 'TraceError';

  /** @param message what could not be compiled, and why */
  constructor(message?: string, options?: ErrorOptions) {
    if (message !== undefined) str(message, 'new TraceError', 'message');
    super(message, options);
  }
}

/**
 * One node of a flattened graph, inputs before their users. A leaf is a
 * parameter (`P[i]`; leaves from outside the traced function count as
 * parameters too, appended after the declared ones), the sample's input or
 * target (`X[i]`, `Y[i]`), or a constant made while tracing.
 */
export type TNode =
  | { kind: 'param' | 'x' | 'y'; i: number }
  | { kind: 'const'; v: number }
  | { kind: 'op'; op: OpName; a: number; b: number; k: number };

/** A graph to compile: nodes in topological order, the root (the loss) and the outputs to report. */
export interface Flat {
  nodes: TNode[];
  root: number;
  outputs: number[];
}

/** What a traced function returns: a loss, or a loss and values to report (e.g. the model's outputs). */
export type Traced = Value | {
  /** The sample's loss. */
  loss: Value;
  /** Values to report per sample, e.g. the model's outputs. */
  outputs: readonly Value[];
};

// A flattened trace before its other leaves are told apart: `i` of kind
// 'other' indexes `others`.
type RawNode = TNode | { kind: 'other'; i: number };
type Raw = { nodes: RawNode[]; root: number; outputs: number[]; others: Value[] };

/** What a traced function receives and how its leaves are recognised. */
export interface TraceSpec {
  /** the caller's name, for messages, e.g. `compileStep` */
  where: string;
  /** what is traced, for messages, e.g. `the sample function` */
  what: string;
  fn: (x: Value[], y: Value[]) => Traced;
  params: ReadonlyMap<Value, number>;
  inputs: number;
  targets: number;
}

/**
 * Traces `spec.fn` twice — the second time with other input values and every
 * parameter nudged — and returns its graph once both traces agree, so that
 * nothing in it can depend on data: user code that reads or writes `.data` is
 * stopped by the engine's data hook, and a constant that differs between the
 * traces (made under noGrad, from `Math.random`, …) is reported. Outside
 * leaves (Values created before the trace and not in `params`) are added to
 * `outside` and read like parameters on every replay.
 * Also returns the first trace's inputs and its loss as the engine computed
 * it, to check a replay against.
 */
export function traceTwice(spec: TraceSpec, outside: Map<Value, number>): Flat & { value: number; inputs: number[] } {
  const [first, value] = traceOnce(spec, 0);
  const [second] = traceOnce(spec, 1);
  const mismatch = compare(first, second);
  if (mismatch) {
    throw new TraceError(`${spec.where}: ${spec.what} built a different graph when traced again (${mismatch}); a compiled replay needs a graph that depends only on its arguments and the parameters, not on randomness or state that changes between calls`);
  }
  // Leaves from outside: the same Value in both traces is read like a
  // parameter; a new Value each time is a constant, the same in both.
  const nodes = first.nodes as TNode[];
  first.nodes.forEach((n, j) => { if (n.kind === 'other') nodes[j] = outsideLeaf(n.i); });
  return { nodes, root: first.root, outputs: first.outputs, value, inputs: placeholderData(spec, 0) };

  function outsideLeaf(k: number): TNode {
    const v1 = first.others[k]!, v2 = second.others[k]!;
    if (v1 === v2) {
      let i = outside.get(v1);
      if (i === undefined) outside.set(v1, (i = spec.params.size + outside.size));
      return { kind: 'param', i };
    }
    if (!Object.is(v1._data, v2._data)) {
      throw new TraceError(`${spec.where}: a constant in the graph of ${spec.what} changed between two traces (${v1._data}, then ${v2._data}): it was computed from data outside the graph (under noGrad, from Math.random, …), which a replay would freeze; compute it with Value ops`);
    }
    return { kind: 'const', v: v1._data };
  }
}

/** Re-traces and throws a TraceError if the graph differs from `flat` (see {@link traceTwice}). */
export function retrace(spec: TraceSpec, flat: Flat, outside: Map<Value, number>): void {
  const again = traceTwice(spec, new Map(outside));
  const mismatch = compare(flat, again);
  if (mismatch) throw new TraceError(`${spec.where}: ${spec.what} now builds a different graph than the one compiled (${mismatch}); compile again`);
}

/**
 * The part of a graph its outputs depend on, as a graph whose root is the
 * first output: for a forward pass that computes them alone. Throws a
 * TraceError if they depend on the targets, which such a pass does not have.
 */
export function outputsOnly(flat: Flat, where: string, what: string): Flat {
  const { nodes, outputs } = flat;
  const keep = new Uint8Array(nodes.length);
  for (const o of outputs) keep[o] = 1;
  for (let i = nodes.length - 1; i >= 0; i--) {
    const v = nodes[i]!;
    if (!keep[i]) continue;
    if (v.kind === 'y') throw new TraceError(`${where}: the outputs of ${what} depend on its targets, so they cannot be computed without them`);
    if (v.kind === 'op') { keep[v.a] = 1; if (v.b >= 0) keep[v.b] = 1; }
  }
  const index = new Int32Array(nodes.length).fill(-1);
  const kept: TNode[] = [];
  nodes.forEach((v, i) => {
    if (!keep[i]) return;
    index[i] = kept.length;
    kept.push(v.kind === 'op' ? { ...v, a: index[v.a]!, b: v.b >= 0 ? index[v.b]! : -1 } : v);
  });
  const out = outputs.map((o) => index[o]!);
  return { nodes: kept, root: out[0]!, outputs: out };
}

/** Whether two graphs are the same, node for node. */
export function sameGraph(p: Flat, q: Flat): boolean {
  return compare(p, q) === '';
}

// The inputs and targets a trace runs on: any numbers do, but the second
// trace must see different ones.
function placeholderData(spec: TraceSpec, pass: number): number[] {
  return Array.from({ length: spec.inputs + spec.targets }, (_, i) => (pass === 0 ? 0.25 + 0.125 * i : -0.75 - 0.0625 * i));
}

function traceOnce(spec: TraceSpec, pass: number): [Raw, number] {
  const { where, what } = spec;
  if (!isGradEnabled()) throw new TraceError(`${where}: called inside noGrad, where no graph is recorded`);
  const data = placeholderData(spec, pass);
  const x = data.slice(0, spec.inputs).map((d) => new Value(d));
  const y = data.slice(spec.inputs).map((d) => new Value(d));
  // The second pass nudges every parameter, so a constant computed from one shows up as changed.
  const params = pass === 1 ? [...spec.params.keys()] : [];
  const saved = new Float64Array(params.length);
  for (let i = 0; i < params.length; i++) {
    const p = params[i]!;
    saved[i] = p._data;
    p._data += 0.375 + 0.5 * Math.abs(p._data);
  }
  let offence = '';
  const previous = setDataHook((v, how) => {
    const which = v._op ? `made by '${v._op}'` : 'a leaf';
    offence ||= how === 'data'
      ? `${where}: ${what} used .data of a Value (${which}) while being traced; a compiled replay does not re-run your code, so nothing may depend on data values: use Value ops (relu, abs, …) instead of branching on .data, or train eagerly`
      : `${where}: ${what} used a Value (${which}) as a number (a + b, a * 2, a < b) while being traced; a compiled replay does not re-run your code: use Value ops (add, mul, max, …), or train eagerly`;
    throw new TraceError(offence);
  });
  let result: unknown;
  try {
    result = spec.fn(x, y);
  } finally {
    setDataHook(previous);
    for (let i = 0; i < params.length; i++) params[i]!._data = saved[i]!;
  }
  // Reported even if the user's code caught the first throw.
  if (offence) throw new TraceError(offence);
  const { loss, outputs } = result instanceof Value ? { loss: result, outputs: [] } : (result ?? {}) as { loss?: unknown; outputs?: unknown };
  const expected = `${what} to return a Value or { loss, outputs }`;
  if (!(loss instanceof Value)) throw new TypeError(`${where}: expected ${expected}, got ${describe(result)}`);
  if (!Array.isArray(outputs) || !outputs.every((o) => o instanceof Value)) throw new TypeError(`${where}: expected ${expected} with outputs an array of Values, got ${describe(outputs)}`);
  const inputs = new Map<Value, TNode>();
  x.forEach((v, i) => inputs.set(v, { kind: 'x', i }));
  y.forEach((v, i) => inputs.set(v, { kind: 'y', i }));
  return [flatten([loss, ...(outputs as Value[])], spec.params, inputs), loss._data];
}

// Post-order walk (first input's subtree, then the second's, then the node)
// from each root in turn, iterative so that depth is limited only by memory.
// A leaf is a parameter (by `params`), an input or target (by `inputs`), or
// another Value. Each visit costs a few Map lookups: this is most of a trace.
function flatten(roots: Value[], params: ReadonlyMap<Value, number>, inputs: ReadonlyMap<Value, TNode>): Raw {
  const index = new Map<Value, number>();
  const nodes: RawNode[] = [];
  const others: Value[] = [];
  const stack: Value[] = [...roots].reverse();
  while (stack.length > 0) {
    const v = stack[stack.length - 1]!;
    if (index.get(v) !== undefined) { stack.pop(); continue; }
    const a = v._a;
    if (a === null) {
      stack.pop();
      index.set(v, nodes.length);
      const i = params.get(v);
      nodes.push(i !== undefined ? { kind: 'param', i } : inputs.get(v) ?? { kind: 'other', i: others.push(v) - 1 });
      continue;
    }
    const b = v._b;
    const ia = index.get(a), ib = b === null ? -1 : index.get(b);
    if (ia === undefined || ib === undefined) {
      if (ib === undefined) stack.push(b!);
      if (ia === undefined) stack.push(a);
      continue;
    }
    stack.pop();
    index.set(v, nodes.length);
    nodes.push({ kind: 'op', op: v._op as OpName, a: ia, b: ib, k: b === null ? v._db : 0 });
  }
  return { nodes, root: index.get(roots[0]!)!, outputs: roots.slice(1).map((o) => index.get(o)!), others };
}

// The first difference between two traces, in words, or '' if they agree.
function compare(p: Omit<Raw, 'others'>, q: Omit<Raw, 'others'>): string {
  const show = (n: RawNode): string =>
    n.kind === 'op' ? `'${n.op}'` : n.kind === 'const' ? `constant ${n.v}` : n.kind === 'param' ? `parameter ${n.i}` : n.kind === 'other' ? 'a Value from outside' : `${n.kind}[${n.i}]`;
  const len = Math.min(p.nodes.length, q.nodes.length);
  for (let i = 0; i < len; i++) {
    const m = p.nodes[i]!, n = q.nodes[i]!;
    const same = m.kind === n.kind &&
      (m.kind === 'op' ? n.kind === 'op' && m.op === n.op && m.a === n.a && m.b === n.b && Object.is(m.k, n.k)
        : m.kind === 'const' ? n.kind === 'const' && Object.is(m.v, n.v)
        : (n as { i: number }).i === m.i);
    if (!same) return `node ${i} is ${show(n)} instead of ${show(m)}`;
  }
  if (p.nodes.length !== q.nodes.length) return `it has ${q.nodes.length} nodes instead of ${p.nodes.length}`;
  if (p.root !== q.root) return `the loss is node ${q.root} instead of ${p.root}`;
  if (p.outputs.join() !== q.outputs.join()) return `the outputs are nodes [${q.outputs}] instead of [${p.outputs}]`;
  return '';
}
