import { explain, graphNodes, opText, type Value } from '@ugrad/engine';

// A computation graph copied out of the engine into plain numbers, the part of it that
// flows through one neuron, and a layered left-to-right layout. Pure, so all three are
// testable without a browser.

/** One input of a node: which node, and the local derivative d(node)/d(input). */
export interface Edge {
  id: number;
  local: number;
}

export interface GraphNode {
  id: number;
  /** The op as `opText` writes it (`+`, `*`, `tanh`, `**-1`); '' for a leaf. */
  op: string;
  /** A parameter's short name, an input feature's label, a neuron's name (on its output), or ''. */
  name: string;
  /** What the node is, for the picture: the loss, an op, a neuron's output, an input, a parameter, a constant. */
  kind: 'root' | 'op' | 'neuron' | 'input' | 'param' | 'const';
  data: number;
  grad: number;
  inputs: Edge[];
  /** The nodes that use this one, with d(user)/d(this): the terms of this node's grad. */
  users: Edge[];
  /** In a part of the graph: edges to nodes left out of it (0 in a whole graph). */
  hiddenInputs: number;
  hiddenUsers: number;
}

/** A neuron in a graph: its name and layer, the node of its output, and the nodes of its layer's inputs. */
export interface NeuronRef<T = number> {
  name: string;
  layer: number;
  out: T;
  inputs: readonly T[];
}

export interface GraphSnapshot {
  /** Indexed by id; the root (the loss) is node 0. */
  nodes: GraphNode[];
  /** The neurons, layer by layer (ids into `nodes`). */
  neurons: NeuronRef[];
  /** Equal for graphs of the same shape, so a layout can be reused while only numbers change. */
  shape: string;
  /** The engine's nodes, by id: what {@link explainNode} asks the engine's op table about. */
  values: readonly Value[];
}

/**
 * Copies the graph below `root`: every node's data, grad, and the local derivatives the
 * engine stored when it ran the op. Ids follow a breadth-first walk from the root, inputs
 * in order, so the same network gives the same ids every time.
 */
export function snapshot(root: Value, names: ReadonlyMap<Value, string>, neurons: readonly NeuronRef<Value>[] = []): GraphSnapshot {
  const order = graphNodes(root);
  const ids = new Map(order.map((v, i) => [v, i]));
  const outs = new Map(neurons.map((n) => [n.out, n.name]));
  const nodes: GraphNode[] = order.map((v, id) => {
    const locals = v.localGrads;
    const name = names.get(v) ?? outs.get(v) ?? '';
    const kind = id === 0 ? 'root' : v.op !== '' ? (outs.has(v) ? 'neuron' : 'op') : names.has(v) ? (/\.[wb]\d*$/.test(name) ? 'param' : 'input') : 'const';
    return {
      id, op: opText(v), name, kind, data: v.data, grad: v.grad,
      inputs: v.children.map((c, j) => ({ id: ids.get(c)!, local: locals[j]! })),
      users: [], hiddenInputs: 0, hiddenUsers: 0,
    };
  });
  for (const node of nodes) for (const e of node.inputs) nodes[e.id]!.users.push({ id: node.id, local: e.local });
  const refs = neurons.map((n) => ({ name: n.name, layer: n.layer, out: ids.get(n.out)!, inputs: n.inputs.map((v) => ids.get(v)!) }));
  return { nodes, neurons: refs, shape: shapeOf(nodes), values: order };
}

/** A node's name in the picture and the explanation: its own name, a constant's value, or `#id`. */
export function nodeName(n: GraphNode): string {
  if (n.kind === 'root') return 'loss';
  // Constants by their value, as short as it reads exactly (1, -1, 0.5), else to 6 digits.
  return n.name || (n.kind === 'const' ? String(Number(n.data.toPrecision(6))) : `#${n.id}`);
}

/**
 * Node `id`'s op as math, with the picture's names filled in: its formula
 * (`L0.n1 = tanh #7`) and each input's local derivative (`1 − L0.n1²`), from the
 * engine's op table (`explain`). Null for a leaf, or for a node whose inputs are not
 * all in this part of the graph (it has no names for them).
 */
export function explainNode(graph: GraphSnapshot, id: number): { formula: string; rules: string[] } | null {
  const n = graph.nodes[id]!;
  if (n.op === '' || n.hiddenInputs > 0) return null;
  const [a, b] = n.inputs.map((e) => nodeName(graph.nodes[e.id]!));
  const e = explain(graph.values[id]!, { ...(a === undefined ? {} : { a }), ...(b === undefined ? {} : { b }), out: nodeName(n) });
  return e === null ? null : { formula: e.formula, rules: e.locals.map((l) => l.rule) };
}

function shapeOf(nodes: readonly GraphNode[]): string {
  return nodes.map((n) => `${n.op}:${n.inputs.map((e) => e.id).join(',')}`).join(';');
}

/**
 * The part of `graph` that flows through neuron `index`: its own computation, from its
 * layer's inputs (drawn, not expanded) to its output; then, for an output neuron, the
 * loss computed from the outputs, or for a hidden one, the ops that use its output
 * (drawn, not expanded). Nodes keep the whole graph's order, renumbered from 0.
 */
export function focus(graph: GraphSnapshot, index: number): GraphSnapshot {
  const { nodes, neurons } = graph;
  const ref = neurons[index]!;
  const last = Math.max(...neurons.map((n) => n.layer));
  const keep = new Set<number>();
  // Every node from `top` down, stopping at (but keeping) the `stops`.
  const walk = (top: number, stops: ReadonlySet<number>): void => {
    const seen = new Set([top]);
    const stack = [top];
    while (stack.length > 0) {
      const at = stack.pop()!;
      keep.add(at);
      if (at !== top && stops.has(at)) continue;
      for (const e of nodes[at]!.inputs) if (!seen.has(e.id)) seen.add(e.id), stack.push(e.id);
    }
  };
  if (ref.layer === last) walk(0, new Set(neurons.filter((n) => n.layer === last).map((n) => n.out)));
  else for (const u of nodes[ref.out]!.users) keep.add(u.id);
  walk(ref.out, new Set(ref.inputs));
  const order = [...keep].sort((a, b) => a - b);
  const id = new Map(order.map((old, i) => [old, i]));
  const inPart = (e: Edge): boolean => id.has(e.id);
  const renumber = (e: Edge): Edge => ({ id: id.get(e.id)!, local: e.local });
  const part: GraphNode[] = order.map((old) => {
    const n = nodes[old]!;
    // Edges to nodes outside the part are counted, not drawn: a hidden neuron's users
    // keep only the edge from its output, its layer's inputs none of theirs.
    const inputs = n.inputs.filter(inPart);
    const users = n.users.filter(inPart);
    return {
      ...n, id: id.get(old)!, inputs: inputs.map(renumber), users: users.map(renumber),
      hiddenInputs: n.inputs.length - inputs.length, hiddenUsers: n.users.length - users.length,
    };
  });
  const refs = neurons.filter((n) => id.has(n.out)).map((n) => ({ ...n, out: id.get(n.out)!, inputs: n.inputs.filter((i) => id.has(i)).map((i) => id.get(i)!) }));
  return { nodes: part, neurons: refs, shape: shapeOf(part), values: order.map((old) => graph.values[old]!) };
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
