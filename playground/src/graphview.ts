import { formula, layout, localRule, NODE_H, NODE_W, type GraphNode, type GraphSnapshot, type Layout } from './graph.js';
import { svg } from './network.js';

/** Beyond this many nodes the picture is a wall of boxes; the view asks for a smaller network instead. */
export const GRAPH_LIMIT = 400;

interface NodeEls {
  g: SVGGElement;
  data: SVGTextElement;
  grad: SVGTextElement;
}

/** `1.2346`, `-0.0012`, `3.1e-7`: four decimals, or exponent form for the tiny and huge. */
export function fmt(x: number): string {
  if (x === 0 || !Number.isFinite(x)) return String(x);
  const m = Math.abs(x);
  return m < 1e-4 || m >= 1e5 ? x.toExponential(2) : x.toFixed(4);
}

/** A node's name in the picture and the explanation: a parameter's or input's name, `#id` for an op, `const` for a number. */
export function nodeName(n: GraphNode): string {
  return n.name || (n.op === '' ? 'const' : `#${n.id}`);
}

/**
 * The computation graph of one sample, laid out by `layout` and drawn as SVG: a box per
 * node with its data and grad. The boxes are built once per graph shape; while training
 * runs, each refresh only rewrites the numbers, so the picture holds still.
 */
export class GraphView {
  readonly #svg: SVGSVGElement;
  readonly #scroll: HTMLElement;
  readonly #message: HTMLElement;
  readonly #explain: HTMLElement;
  #graph: GraphSnapshot | null = null;
  #layout: Layout | null = null;
  #shape = '';
  #els: NodeEls[] = [];
  #edges: { path: SVGPathElement; from: number; to: number }[] = [];
  #selected: number | null = null;
  #zoom = 0.8;

  constructor(root: SVGSVGElement, scroll: HTMLElement, message: HTMLElement, explain: HTMLElement) {
    this.#svg = root;
    this.#scroll = scroll;
    this.#message = message;
    this.#explain = explain;
    root.addEventListener('click', (e) => {
      const node = (e.target as Element).closest('.node');
      if (node instanceof SVGGElement) this.select(Number(node.dataset.id));
    });
    // The explanation links to the nodes it mentions.
    explain.addEventListener('click', (e) => {
      const link = (e.target as Element).closest('button[data-go]');
      if (link instanceof HTMLButtonElement) this.select(Number(link.dataset.go), true);
    });
  }

  set zoom(z: number) {
    this.#zoom = z;
    this.#applyZoom();
  }

  /** Shows a new snapshot: rebuilt if its shape changed, else just renumbered. */
  show(graph: GraphSnapshot): void {
    if (graph.nodes.length > GRAPH_LIMIT) {
      this.#graph = null;
      this.#shape = '';
      this.#svg.replaceChildren();
      this.#message.hidden = false;
      this.#message.textContent = `This network's graph for one sample has ${graph.nodes.length} nodes; it is drawn for up to ${GRAPH_LIMIT}. Try fewer or smaller hidden layers (e.g. 8 or 6,6).`;
      this.#explain.innerHTML = "<p>No graph is drawn for a network this size.</p>";
      return;
    }
    this.#message.hidden = true;
    this.#graph = graph;
    if (graph.shape !== this.#shape) this.#build(graph);
    graph.nodes.forEach((n, id) => {
      const els = this.#els[id]!;
      els.data.textContent = `data ${fmt(n.data)}`;
      els.grad.textContent = `grad ${fmt(n.grad)}`;
      els.grad.setAttribute('class', `grad ${n.grad > 0 ? 'pos' : n.grad < 0 ? 'neg' : ''}`);
    });
    this.#explainSelected();
  }

  /** Selects a node (null clears); with `scroll`, brings it into view. */
  select(id: number | null, scroll = false): void {
    const graph = this.#graph;
    this.#selected = graph !== null && id !== null && id >= 0 && id < graph.nodes.length ? id : null;
    const sel = this.#selected;
    const near = new Set<number>();
    if (sel !== null) for (const e of [...graph!.nodes[sel]!.inputs, ...graph!.nodes[sel]!.users]) near.add(e.id);
    this.#els.forEach(({ g }, i) => {
      g.classList.toggle('selected', i === sel);
      g.classList.toggle('near', near.has(i));
    });
    for (const { path, from, to } of this.#edges) path.classList.toggle('hot', from === sel || to === sel);
    if (scroll && sel !== null && this.#layout !== null) {
      const z = this.#zoom;
      this.#scroll.scrollTo({
        left: this.#layout.x[sel]! * z - this.#scroll.clientWidth / 2,
        top: this.#layout.y[sel]! * z - this.#scroll.clientHeight / 2,
      });
    }
    this.#explainSelected();
  }

  #build(graph: GraphSnapshot): void {
    const root = this.#svg;
    root.replaceChildren();
    const L = layout(graph);
    this.#layout = L;
    this.#shape = graph.shape;
    this.#applyZoom();
    const edges = svg(root, 'g');
    this.#edges = [];
    for (const n of graph.nodes) {
      for (const e of n.inputs) {
        const x1 = L.x[e.id]! + NODE_W / 2, y1 = L.y[e.id]!, x2 = L.x[n.id]! - NODE_W / 2, y2 = L.y[n.id]!;
        const mid = (x1 + x2) / 2;
        const path = svg(edges, 'path', { d: `M${x1},${y1} C${mid},${y1} ${mid},${y2} ${x2},${y2}` });
        this.#edges.push({ path, from: e.id, to: n.id });
      }
    }
    this.#els = graph.nodes.map((n) => {
      const kind = n.id === 0 ? 'root' : n.op !== '' ? 'op' : /^x\d+$/.test(n.name) ? 'input' : n.name !== '' ? 'param' : 'leaf';
      const leafish = n.op === '' ? ' leaf' : '';
      const g = svg(root, 'g', { class: `node ${kind}${leafish}`, 'data-id': n.id, transform: `translate(${L.x[n.id]! - NODE_W / 2},${L.y[n.id]! - NODE_H / 2})` });
      svg(g, 'rect', { width: NODE_W, height: NODE_H, rx: 4 });
      const title = n.id === 0 ? `loss ${n.op}` : n.op !== '' ? `#${n.id} ${n.op}` : nodeName(n);
      svg(g, 'text', { x: 5, y: 12, class: 'title' }).textContent = title;
      const data = svg(g, 'text', { x: 5, y: 24 });
      const grad = svg(g, 'text', { x: 5, y: 35 });
      return { g, data, grad };
    });
    // Start where backward() starts: at the loss, selected, at the right edge.
    const keep = this.#selected !== null && this.#selected < graph.nodes.length;
    this.select(keep ? this.#selected : 0, !keep);
  }

  #applyZoom(): void {
    const L = this.#layout;
    if (L === null) return;
    this.#svg.setAttribute('viewBox', `0 0 ${L.width} ${L.height}`);
    this.#svg.setAttribute('width', String(L.width * this.#zoom));
    this.#svg.setAttribute('height', String(L.height * this.#zoom));
  }

  // The chain rule at the selected node, both ways: what it passes back to each
  // input (local derivative × its own grad), and how its own grad is the sum of
  // what its users passed back to it.
  #explainSelected(): void {
    const graph = this.#graph, sel = this.#selected;
    if (graph === null || sel === null) {
      this.#explain.innerHTML = '<p>Click a node to see the chain rule at work there.</p>';
      return;
    }
    const n = graph.nodes[sel]!;
    const ref = (id: number): string => `<button type="button" class="link" data-go="${id}">${esc(nodeName(graph.nodes[id]!))}</button>`;
    const parts: string[] = [];
    const names = n.inputs.map((e) => nodeName(graph.nodes[e.id]!));
    parts.push(`<h3>${esc(nodeName(n))}${n.op ? ` = ${esc(formula(n.op, names))}` : ''}${sel === 0 ? ' (the loss)' : ''}</h3>`);
    parts.push(`<p>data v = ${fmt(n.data)} · grad ∂L/∂v = ${fmt(n.grad)}</p>`);
    if (n.inputs.length > 0) {
      parts.push('<p><b>Backward through this op:</b> local derivative × upstream grad = contribution to each input.</p>');
      parts.push('<table><tr><th>input</th><th>local ∂v/∂input</th><th>× upstream</th><th>= contribution</th></tr>');
      n.inputs.forEach((e, j) => {
        const input = graph.nodes[e.id]!;
        parts.push(`<tr><th>${ref(e.id)} <small>(${fmt(input.data)})</small></th><td>${fmt(e.local)}<br><span class="rule">${esc(localRule(n.op, j))}</span></td><td>${fmt(n.grad)}</td><td>${fmt(e.local * n.grad)}</td></tr>`);
      });
      parts.push('</table>');
    }
    if (sel === 0) {
      parts.push('<p>∂L/∂L = 1: <code>backward()</code> starts here and walks the graph right to left.</p>');
    } else {
      parts.push(`<p><b>Where its grad comes from:</b> the sum of what each user passed back (${n.users.length === 1 ? 'one user' : `${n.users.length} users`}).</p>`);
      parts.push('<table><tr><th>user</th><th>∂user/∂v</th><th>× user grad</th><th>= term</th></tr>');
      let total = 0;
      for (const e of n.users) {
        const user = graph.nodes[e.id]!;
        total += e.local * user.grad;
        parts.push(`<tr><th>${ref(e.id)}</th><td>${fmt(e.local)}</td><td>${fmt(user.grad)}</td><td>${fmt(e.local * user.grad)}</td></tr>`);
      }
      parts.push(`<tr><th>sum</th><td></td><td></td><td>${fmt(total)}</td></tr></table>`);
    }
    if (n.op === '' && n.name !== '' && !/^x\d+$/.test(n.name)) {
      parts.push('<p>A parameter: the optimizer moves it against the grad summed over the batch (this sample is one term of it).</p>');
    }
    this.#explain.innerHTML = parts.join('');
  }
}

function esc(text: string): string {
  return text.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
}
