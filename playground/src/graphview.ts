import { fmt } from './fmt.js';
import { explainNode, layout, nodeName, NODE_H, NODE_W, type GraphSnapshot, type Layout } from './graph.js';

/** Beyond this many nodes a whole graph is a wall of boxes; the view then shows one neuron's part. */
export const GRAPH_LIMIT = 400;

const SVG = 'http://www.w3.org/2000/svg';

/** An SVG element with attributes, appended to `parent`. */
function svg<K extends keyof SVGElementTagNameMap>(parent: Element, tag: K, attrs: Record<string, string | number> = {}): SVGElementTagNameMap[K] {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  parent.append(el);
  return el;
}

interface NodeEls {
  g: SVGGElement;
  data: SVGTextElement;
  grad: SVGTextElement;
}

/**
 * A computation graph (whole, or one neuron's part), laid out by `layout` and drawn as
 * SVG: a box per node with its data and grad. The boxes are built once per graph shape;
 * while training runs, a refresh rewrites only the numbers that changed.
 */
export class GraphView {
  readonly #svg: SVGSVGElement;
  readonly #scroll: HTMLElement;
  readonly #explain: HTMLElement;
  #graph: GraphSnapshot | null = null;
  #layout: Layout | null = null;
  #shape = '';
  #els: NodeEls[] = [];
  #edges: { path: SVGPathElement; from: number; to: number }[] = [];
  #selected: number | null = null;
  #zoom = 0.8;

  constructor(root: SVGSVGElement, scroll: HTMLElement, explain: HTMLElement) {
    this.#svg = root;
    this.#scroll = scroll;
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

  /** Shows a snapshot: rebuilt if its shape changed, else just renumbered. */
  show(graph: GraphSnapshot): void {
    this.#graph = graph;
    if (graph.shape !== this.#shape) this.#build(graph);
    graph.nodes.forEach((n, id) => {
      const els = this.#els[id]!;
      setText(els.data, `data ${fmt(n.data)}`);
      setText(els.grad, `grad ${fmt(n.grad)}`);
      const sign = n.grad > 0 ? 'grad pos' : n.grad < 0 ? 'grad neg' : 'grad';
      if (els.grad.getAttribute('class') !== sign) els.grad.setAttribute('class', sign);
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
      const cut = n.hiddenInputs > 0 || n.hiddenUsers > 0 ? ' cut' : '';
      const g = svg(root, 'g', { class: `node ${n.kind}${cut}`, 'data-id': n.id, transform: `translate(${L.x[n.id]! - NODE_W / 2},${L.y[n.id]! - NODE_H / 2})` });
      svg(g, 'rect', { width: NODE_W, height: NODE_H, rx: 4 });
      const title = n.kind === 'root' ? `loss ${n.op}` : n.kind === 'neuron' ? `${n.name} ${n.op}` : n.op !== '' ? `#${n.id} ${n.op}` : nodeName(n);
      svg(g, 'text', { x: 5, y: 12, class: 'title' }).textContent = title;
      return { g, data: svg(g, 'text', { x: 5, y: 24 }), grad: svg(g, 'text', { x: 5, y: 35, class: 'grad' }) };
    });
    // Start where backward() starts: at the loss (or the part's last node), selected, at the right edge.
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
      setHTML(this.#explain, '<p>Click a node to see the chain rule at work there.</p>');
      return;
    }
    const n = graph.nodes[sel]!;
    const ref = (id: number): string => `<button type="button" class="link" data-go="${id}">${esc(nodeName(graph.nodes[id]!))}</button>`;
    const parts: string[] = [];
    // The op's math from the engine's op table, with this picture's names.
    const math = explainNode(graph, sel);
    parts.push(`<h3>${esc(nodeName(n))}${math !== null ? ` = ${esc(math.formula)}` : n.op ? ` (an op ${esc(n.op)})` : ''}${n.kind === 'root' ? ' (the loss)' : ''}</h3>`);
    parts.push(`<p>data v = ${fmt(n.data)} · grad ∂L/∂v = ${fmt(n.grad)}</p>`);
    if (n.inputs.length > 0) {
      parts.push('<p><b>Backward through this op:</b> local derivative × upstream grad = contribution to each input.</p>');
      parts.push('<table><tr><th>input</th><th>local ∂v/∂input</th><th>× upstream</th><th>= contribution</th></tr>');
      n.inputs.forEach((e, j) => {
        const input = graph.nodes[e.id]!;
        const rule = math !== null ? `<br><span class="rule">${esc(math.rules[j]!)}</span>` : '';
        parts.push(`<tr><th>${ref(e.id)} <small>(${fmt(input.data)})</small></th><td>${fmt(e.local)}${rule}</td><td>${fmt(n.grad)}</td><td>${fmt(e.local * n.grad)}</td></tr>`);
      });
      parts.push('</table>');
    }
    if (n.hiddenInputs > 0) parts.push(`<p class="rule">${n.hiddenInputs} more input${n.hiddenInputs === 1 ? '' : 's'} of this op lie outside this part of the graph.</p>`);
    if (n.kind === 'root') {
      parts.push('<p>∂L/∂L = 1: <code>backward()</code> starts here and walks the graph right to left.</p>');
    } else if (n.users.length === 0) {
      parts.push(`<p><b>Where its grad comes from:</b> the ${n.hiddenUsers} op${n.hiddenUsers === 1 ? '' : 's'} that use${n.hiddenUsers === 1 ? 's' : ''} it, further right and outside this part of the graph; ${fmt(n.grad)} is what they passed back.</p>`);
    } else {
      const count = n.users.length + n.hiddenUsers;
      parts.push(`<p><b>Where its grad comes from:</b> the sum of what each user passed back (${count === 1 ? 'one user' : `${count} users`}).</p>`);
      parts.push('<table><tr><th>user</th><th>∂user/∂v</th><th>× user grad</th><th>= term</th></tr>');
      let total = 0;
      for (const e of n.users) {
        const user = graph.nodes[e.id]!;
        total += e.local * user.grad;
        parts.push(`<tr><th>${ref(e.id)}</th><td>${fmt(e.local)}</td><td>${fmt(user.grad)}</td><td>${fmt(e.local * user.grad)}</td></tr>`);
      }
      if (n.hiddenUsers > 0) parts.push(`<tr><th>${n.hiddenUsers} user${n.hiddenUsers === 1 ? '' : 's'} outside this part</th><td></td><td></td><td>${fmt(n.grad - total)}</td></tr>`);
      parts.push(`<tr><th>sum</th><td></td><td></td><td>${fmt(n.hiddenUsers > 0 ? n.grad : total)}</td></tr></table>`);
    }
    if (n.kind === 'param') parts.push('<p>A parameter: the optimizer moves it against the grad summed over the batch (this sample is one term of it).</p>');
    setHTML(this.#explain, parts.join(''));
  }
}

/** Sets an element's text, unless it is that already: an unchanged view costs the browser nothing. */
export function setText(el: Element, text: string): void {
  if (el.textContent !== text) el.textContent = text;
}

// The browser rewrites HTML as it parses it, so what was set is remembered, not read back.
const lastHTML = new WeakMap<Element, string>();
function setHTML(el: Element, html: string): void {
  if (lastHTML.get(el) === html) return;
  lastHTML.set(el, html);
  el.innerHTML = html;
}

function esc(text: string): string {
  return text.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
}
