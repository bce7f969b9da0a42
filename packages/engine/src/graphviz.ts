import { instance, integer, oneOf, optional, parseOptions, str, withDefault } from './check.js';
import { OPS, type OpEntry, type OpName } from './optable.js';
import { Value, graphNodes } from './value.js';

/** Options for {@link toDot}. */
export interface DotOptions {
  /** Graph direction: `'LR'` (left to right, default) or `'TB'` (top to bottom). */
  rankdir?: 'LR' | 'TB';
  /** Digits after the decimal point for data and grad: an integer in [0, 100] (default 4). */
  digits?: number;
}

const isValue = instance(Value, 'a Value');

/**
 * Graphviz DOT text for the graph that produced `root` — micrograd's
 * `draw_dot` as a function. Each value is a record `label | data | grad`, and
 * each op is a small node feeding the value it made.
 *
 * @example
 * const text = toDot(loss); // render with any Graphviz, e.g. @viz-js/viz
 */
export function toDot(root: Value, options: DotOptions = {}): string {
  isValue(root, 'toDot', 'root');
  const { rankdir, digits } = parseOptions('toDot', options, {
    rankdir: withDefault(oneOf(['LR', 'TB']), 'LR'),
    digits: withDefault(integer(0, 100), 4),
  });
  const nodes = graphNodes(root);
  const ids = new Map(nodes.map((v, i) => [v, i]));
  const lines = ['digraph ugrad {', `  rankdir=${rankdir};`, '  node [fontname="Helvetica"];'];
  for (const [id, v] of nodes.entries()) {
    const label = escapeRecord(v.label);
    lines.push(`  n${id} [shape=record, label="{ ${label} | data ${v._data.toFixed(digits)} | grad ${v._grad.toFixed(digits)} }"];`);
    if (v._op !== '') {
      lines.push(`  n${id}_op [label="${escapeRecord(opText(v))}"];`);
      lines.push(`  n${id}_op -> n${id};`);
      for (const c of v.children) lines.push(`  n${ids.get(c)!} -> n${id}_op;`);
    }
  }
  lines.push('}');
  return lines.join('\n') + '\n';
}

/** How a node's op reads in a picture ({@link OpEntry.text}): `+`, `tanh`, `**2` for a constant exponent; `''` for a leaf. */
export function opText(v: Value): string {
  isValue(v, 'opText', 'v');
  return v._op === '' ? '' : OPS[v._op].text(v.constant);
}

/** One node's op in words: see {@link explain}. */
export interface Explanation {
  /** The op, a key of {@link OPS}. */
  op: OpName;
  /** How it reads in a picture, as {@link opText}. */
  text: string;
  /** Its value as math with the names filled in, e.g. `tanh n` or `x · w`. */
  formula: string;
  /** For each of `children`, in order: its name, d(out)/d(input) as math (e.g. `1 − o²`) and as the number the engine computed. */
  locals: LocalRule[];
}

/** One input's local derivative in an {@link Explanation}. */
export interface LocalRule {
  /** The input's name. */
  input: string;
  /** d(out)/d(input) as math, e.g. `1 − o²`. */
  rule: string;
  /** The number the engine computed for it. */
  value: number;
}

/**
 * The op that made `v`, in words for a chain-rule explanation: what it
 * computes and each local derivative, as math from the op table with the
 * operands' names filled in, next to the number the engine computed. Names
 * default to the nodes' labels, else `a`, `b` and `out`; a unary op's constant
 * is written as its number. Null for a leaf.
 *
 * @example
 * const n = new Value(0.8, 'n'), o = n.tanh();
 * const { rule, value } = explain(o, { out: 'o' })!.locals[0]!;
 * `d(o)/dn = ${rule} = ${value.toFixed(2)}` // 'd(o)/dn = 1 − o² = 0.56'
 */
export function explain(v: Value, names: { a?: string; b?: string; out?: string } = {}): Explanation | null {
  isValue(v, 'explain', 'v');
  const given = parseOptions('explain', names, { a: optional(str), b: optional(str), out: optional(str) }, 'names');
  if (v._op === '') return null;
  const entry = OPS[v._op];
  const [a, b] = v.children, k = v.constant;
  const na = given.a ?? (a!.label || 'a');
  const nb = k !== null ? String(k) : b === undefined ? '' : given.b ?? (b.label || 'b');
  const out = given.out ?? (v.label || 'out');
  const rules = entry.math.db === null ? [entry.math.da] : [entry.math.da, entry.math.db];
  const locals = v.localGrads.map((value, i) => ({ input: i === 0 ? na : nb, rule: rules[i]!(na, nb, out), value }));
  return { op: v._op, text: opText(v), formula: entry.math.out(na, nb, out), locals };
}

function escapeRecord(text: string): string {
  return text.replace(/[\\{}|<>"]/g, (c) => `\\${c}`);
}

/** What `JSON.stringify` writes for a `Value`: its numbers and names, not the graph below it. */
export interface ValueJSON {
  /** The number the node holds. */
  data: number;
  /** Its gradient. */
  grad: number;
  /** Its label ('' unless set). */
  label: string;
  /** The op that made it ('' for a leaf). */
  op: OpName | '';
}
