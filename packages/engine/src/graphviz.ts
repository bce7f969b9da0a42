import { Value, describe, graphNodes } from './value.js';

/** Options for {@link toDot}. */
export interface DotOptions {
  /** Graph direction: `'LR'` (left to right, default) or `'TB'` (top to bottom). */
  rankdir?: 'LR' | 'TB';
  /** Digits after the decimal point for data and grad (default 4). */
  digits?: number;
}

/**
 * Graphviz DOT text for the graph that produced `root` — micrograd's
 * `draw_dot` as a function. Each value is a record `label | data | grad`, and
 * each op is a small node feeding the value it made.
 *
 * @example
 * const text = toDot(loss); // render with any Graphviz, e.g. @viz-js/viz
 */
export function toDot(root: Value, options: DotOptions = {}): string {
  if (!(root instanceof Value)) throw new TypeError(`toDot: expected a Value as the root, got ${describe(root)}`);
  const digits = options.digits ?? 4;
  const nodes = graphNodes(root);
  const ids = new Map(nodes.map((v, i) => [v, i]));
  const lines = ['digraph ugrad {', `  rankdir=${options.rankdir ?? 'LR'};`, '  node [fontname="Helvetica"];'];
  for (const [id, v] of nodes.entries()) {
    const label = escapeRecord(v.label);
    lines.push(`  n${id} [shape=record, label="{ ${label} | data ${v.data.toFixed(digits)} | grad ${v.grad.toFixed(digits)} }"];`);
    if (v.op) {
      lines.push(`  n${id}_op [label="${escapeRecord(opText(v))}"];`);
      lines.push(`  n${id}_op -> n${id};`);
      for (const c of v.children) lines.push(`  n${ids.get(c)!} -> n${id}_op;`);
    }
  }
  lines.push('}');
  return lines.join('\n') + '\n';
}

/** How an op reads in a picture: `**2` shows a constant exponent, `leakyRelu` keeps its name. */
export function opText(v: Value): string {
  return v.op === '**' && v._b === null ? `**${v._db}` : v.op;
}

function escapeRecord(text: string): string {
  return text.replace(/[\\{}|<>"]/g, (c) => `\\${c}`);
}
