import { graphNodes, opText, type Value } from '@ugrad/engine';

// A computation graph copied out of the engine into plain numbers, and a layered
// left-to-right layout of it. Pure, so both are testable without a browser.

/** One input of a node: which node, and the local derivative d(node)/d(input). */
export interface Edge {
  id: number;
  local: number;
}

export interface GraphNode {
  id: number;
  /** The op as `opText` writes it (`+`, `*`, `tanh`, `**-1`); '' for a leaf. */
  op: string;
  /** A parameter's short name, `x0`/`x1` for inputs, '' otherwise. */
  name: string;
  data: number;
  grad: number;
  inputs: Edge[];
  /** The nodes that use this one, with d(user)/d(this): the terms of this node's grad. */
  users: Edge[];
}

export interface GraphSnapshot {
  /** Indexed by id; the root (the loss) is node 0. */
  nodes: GraphNode[];
  /** Equal for graphs of the same shape, so a layout can be reused while only numbers change. */
  shape: string;
}

/**
 * Copies the graph below `root`: every node's data, grad, and the local derivatives the
 * engine stored when it ran the op (`_da`, `_db`). Ids follow a breadth-first walk from the
 * root, inputs in order, so the same network gives the same ids every time.
 */
export function snapshot(root: Value, names: ReadonlyMap<Value, string>): GraphSnapshot {
  const order = graphNodes(root);
  const ids = new Map(order.map((v, i) => [v, i]));
  const nodes: GraphNode[] = order.map((v, id) => ({
    id,
    op: opText(v),
    name: names.get(v) ?? '',
    data: v.data,
    grad: v.grad,
    inputs: v.children.map((c, j) => ({ id: ids.get(c)!, local: j === 0 ? v._da : v._db })),
    users: [],
  }));
  for (const node of nodes) for (const e of node.inputs) nodes[e.id]!.users.push({ id: node.id, local: e.local });
  const shape = nodes.map((n) => `${n.op}:${n.inputs.map((e) => e.id).join(',')}`).join(';');
  return { nodes, shape };
}

export interface Layout {
  /** Centre of each node, by id. */
  x: number[];
  y: number[];
  width: number;
  height: number;
}

export const NODE_W = 92;
export const NODE_H = 40;
const COL_W = 124;
const ROW_H = 48;
const MARGIN = 12;

/**
 * Columns by longest distance from the root (the loss at the right; an input or a
 * parameter just left of the user farthest from the loss), then rows: each column is ordered and
 * placed near the mean height of its users, then of its inputs, overlaps pushed apart.
 * A Sugiyama layout in miniature; enough for the tree-like graph of one neuron stack.
 */
export function layout(graph: GraphSnapshot): Layout {
  const { nodes } = graph;
  const depth = new Array<number>(nodes.length).fill(0);
  // Ids come from a breadth-first walk, so users precede inputs: a node's depth is
  // final before it is read, except for nodes with users farther away, which the
  // repeated relaxation below catches (the graph is acyclic, so it ends).
  let changed = true;
  while (changed) {
    changed = false;
    for (const n of nodes) {
      for (const e of n.inputs) {
        if (depth[e.id]! < depth[n.id]! + 1) {
          depth[e.id] = depth[n.id]! + 1;
          changed = true;
        }
      }
    }
  }
  const maxDepth = Math.max(...depth);
  const columns: number[][] = Array.from({ length: maxDepth + 1 }, () => []);
  for (const n of nodes) columns[maxDepth - depth[n.id]!]!.push(n.id);

  const y = new Array<number>(nodes.length).fill(0);
  const place = (column: number[], wanted: (id: number) => number): void => {
    const want = new Map(column.map((id) => [id, wanted(id)]));
    column.sort((a, b) => want.get(a)! - want.get(b)! || a - b);
    let next = -Infinity;
    for (const id of column) {
      y[id] = Math.max(want.get(id)!, next);
      next = y[id]! + ROW_H;
    }
    // Pushing down moved the column's centre; shift it back to where it was wanted.
    const shift = mean(column.map((id) => want.get(id)!)) - mean(column.map((id) => y[id]!));
    for (const id of column) y[id] = y[id]! + shift;
  };
  const meanOf = (edges: Edge[], fallback: number): number => (edges.length === 0 ? fallback : mean(edges.map((e) => y[e.id]!)));
  // Right to left, each node near its users; then left to right, op nodes near their inputs.
  for (let c = maxDepth; c >= 0; c--) place(columns[c]!, (id) => meanOf(nodes[id]!.users, 0));
  for (let c = 0; c <= maxDepth; c++) place(columns[c]!, (id) => (nodes[id]!.inputs.length === 0 ? y[id]! : meanOf(nodes[id]!.inputs, y[id]!)));
  for (let c = maxDepth; c >= 0; c--) place(columns[c]!, (id) => (nodes[id]!.users.length === 0 ? y[id]! : meanOf(nodes[id]!.users, y[id]!)));

  const top = Math.min(...y), bottom = Math.max(...y);
  return {
    x: nodes.map((n) => MARGIN + NODE_W / 2 + (maxDepth - depth[n.id]!) * COL_W),
    y: y.map((v) => MARGIN + NODE_H / 2 + v - top),
    width: 2 * MARGIN + NODE_W + maxDepth * COL_W,
    height: 2 * MARGIN + NODE_H + bottom - top,
  };
}

function mean(xs: readonly number[]): number {
  return xs.reduce((a, b) => a + b, 0) / xs.length;
}

/**
 * The local derivative of an op's output with respect to its input `j`, as a formula
 * in the input `a` (and `b`) and the output `v`: what the engine computed into `_da`/`_db`.
 */
export function localRule(op: string, j: number): string {
  if (op.startsWith('**') && op.length > 2) return `${op.slice(2)}·a^(${op.slice(2)}−1)`; // constant exponent
  switch (op) {
    case '+': return '1';
    case '*': return j === 0 ? 'b' : 'a';
    case '**': return j === 0 ? 'b·a^(b−1)' : 'a^b·ln a';
    case 'exp': return 'e^a = v';
    case 'log': return '1/a';
    case 'tanh': return '1 − v²';
    case 'sigmoid': return 'v·(1 − v)';
    case 'relu': return 'a > 0 ? 1 : 0';
    case 'leakyRelu': return 'a > 0 ? 1 : slope';
    case 'abs': return 'sign(a)';
    default: return `∂${op}/∂input`;
  }
}

/** How the node was computed, written with its inputs' names: `a + b`, `tanh(a)`, `a^-1`. */
export function formula(op: string, inputs: readonly string[]): string {
  const [a = '?', b = '?'] = inputs;
  if (op.startsWith('**') && op.length > 2) return `${a}^${op.slice(2)}`;
  switch (op) {
    case '+': return `${a} + ${b}`;
    case '*': return `${a} · ${b}`;
    case '**': return `${a}^${b}`;
    default: return `${op}(${a})`;
  }
}
