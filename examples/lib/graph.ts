import { Value, graphNodes, opText } from '@ugrad/engine';

/** What a node is to the computation, which decides its colour. */
export type Role = 'input' | 'parameter' | 'constant' | 'intermediate' | 'loss';

/** Fill colour of each role, shared by the pictures and their legends. */
export const ROLE_COLORS: Record<Role, string> = {
  input: '#cfe3f7',
  parameter: '#fde2a7',
  constant: '#eeeeee',
  intermediate: '#ffffff',
  loss: '#f7c4c4',
};

/** Graphviz DOT text of a graph, and how many value nodes of each role it drew. */
export interface RoleGraph {
  dot: string;
  nodes: number;
  counts: Record<Role, number>;
}

/**
 * DOT text for the graph that produced `root`, one record per value:
 * `label | op | data | grad` (micrograd's `draw_dot` with the op folded into
 * the node, which halves the node count of an MLP's picture), filled by role:
 * the root is the loss, `params` are parameters, `inputs` inputs, other
 * leaves constants (the 1 in `1 - y·s`, the −1 of `neg`), the rest intermediate.
 * The engine's `toDot` draws micrograd's picture as is; this one is for
 * pages, so each node also carries its role as an SVG class.
 */
export function roleDot(
  root: Value,
  sets: { params?: Iterable<Value>; inputs?: Iterable<Value> },
  options: { rankdir?: 'LR' | 'TB'; digits?: number } = {},
): RoleGraph {
  const params = new Set(sets.params ?? []);
  const inputs = new Set(sets.inputs ?? []);
  const digits = options.digits ?? 4;
  const order = graphNodes(root);
  const ids = new Map(order.map((v, i) => [v, i]));
  const counts: Record<Role, number> = { input: 0, parameter: 0, constant: 0, intermediate: 0, loss: 0 };
  const lines = [
    'digraph ugrad {',
    `  rankdir=${options.rankdir ?? 'LR'}; nodesep=0.15; ranksep=0.3;`,
    '  node [shape=record, style="filled,rounded", fontname="Helvetica", fontsize=11, color="#8c959f"];',
    '  edge [color="#8c959f", arrowsize=0.6];',
  ];
  for (const v of order) {
    const role: Role = v === root ? 'loss' : params.has(v) ? 'parameter' : inputs.has(v) ? 'input' : v.op ? 'intermediate' : 'constant';
    counts[role]++;
    const name = v.op ? [v.label, `op ${opText(v)}`].filter(Boolean) : [v.label || String(v.data)];
    const label = `{ ${[...name.map(record), `data ${v.data.toFixed(digits)}`, `grad ${v.grad.toFixed(digits)}`].join(' | ')} }`;
    lines.push(`  n${ids.get(v)} [label="${label}", fillcolor="${ROLE_COLORS[role]}", class="${role}"];`);
    for (const c of v.children) lines.push(`  n${ids.get(c)} -> n${ids.get(v)};`);
  }
  lines.push('}');
  return { dot: lines.join('\n') + '\n', nodes: order.length, counts };
}

// Record labels give {}|<>" a meaning; a backslash keeps them literal.
function record(text: string): string {
  return text.replace(/[\\{}|<>"]/g, (c) => `\\${c}`);
}
