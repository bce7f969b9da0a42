import { byId } from './dom.js';
import { count, fmt } from './fmt.js';
import { focus } from './graph.js';
import { GRAPH_LIMIT, GraphView, setText } from './graphview.js';
import { neuronName, type Session } from './session.js';

// The graph panel: which training sample, which part of its graph (the whole, or the part
// through one neuron when the whole is too big to draw), what the view says about it, and
// where to look when this sample has no gradient left.

export class GraphPanel {
  readonly #sample = byId('sample', HTMLInputElement);
  readonly #focus = byId('focus', HTMLSelectElement);
  readonly #message = byId('graph-message', HTMLParagraphElement);
  readonly #hint = byId('graph-hint', HTMLParagraphElement);
  readonly #info = byId('sample-info', HTMLOutputElement);
  readonly #view = new GraphView(byId('graph', SVGSVGElement), byId('graph-scroll', HTMLDivElement), byId('explain', HTMLElement));
  #session: Session | null = null;
  /** Called with the neuron whose part is shown (null: the whole graph), to mark it elsewhere. */
  onFocus: (index: number | null) => void = () => {};

  constructor() {
    this.#sample.addEventListener('change', () => this.show());
    this.#focus.addEventListener('change', () => this.show());
    byId('worst', HTMLButtonElement).addEventListener('click', () => this.showSample(this.#session!.worstSample()));
    this.#hint.addEventListener('click', (e) => {
      const go = (e.target as Element).closest<HTMLElement>('.go-worst');
      if (go !== null) this.showSample(Number(go.dataset.sample));
    });
    const zoom = byId('zoom', HTMLSelectElement);
    zoom.addEventListener('change', () => (this.#view.zoom = Number(zoom.value)));
  }

  /** A new session: its neurons in the menu, the whole graph chosen (while it is small enough). */
  reset(session: Session): void {
    this.#session = session;
    const { nouts } = session.model;
    const names = nouts.flatMap((n, l) => Array.from({ length: n }, (_, j) => neuronName(l, j, nouts)));
    this.#focus.replaceChildren(new Option('the whole graph', 'whole'), ...names.map((name, i) => new Option(`the part through ${name}`, String(i))));
    this.#focus.value = 'whole';
    this.fitSamples();
  }

  /** Keeps the sample number within the training set (which added points change). */
  fitSamples(): void {
    const n = this.#session!.train.X.length;
    this.#sample.max = String(n - 1);
    if (Number(this.#sample.value) > n - 1) this.#sample.value = '0';
  }

  /** Shows the part through neuron `index` (layer by layer). */
  focusOn(index: number): void {
    this.#focus.value = String(index);
    this.show();
  }

  showSample(index: number): void {
    this.#sample.value = String(index);
    this.show();
  }

  /** The chosen sample's graph as it is now. */
  show(): void {
    const session = this.#session;
    if (session === null) return;
    const i = Math.max(0, Math.min(session.train.X.length - 1, Math.floor(Number(this.#sample.value)) || 0));
    const raw = session.raw.train;
    const label = session.regression ? `target ${fmt(raw.y[i]!, 3)}` : `class ${raw.y[i]}`;
    setText(this.#info, `(x₁ = ${fmt(raw.X[i]![0]!, 2)}, x₂ = ${fmt(raw.X[i]![1]!, 2)}; ${label}${i >= session.addedFrom ? ', added by you' : ''})`);
    const whole = session.sampleGraph(i);
    const tooBig = whole.nodes.length > GRAPH_LIMIT;
    if (this.#focus.value === 'whole' && tooBig) this.#focus.value = String(whole.neurons.length - 1);
    const wholeOption = this.#focus.options[0]!;
    if (wholeOption.disabled !== tooBig) wholeOption.disabled = tooBig;
    const chosen = this.#focus.value === 'whole' ? null : Number(this.#focus.value);
    const graph = chosen === null ? whole : focus(whole, chosen);
    this.onFocus(chosen);
    setText(this.#message, chosen === null
      ? `The whole graph: ${count(whole.nodes.length)} nodes.`
      : `${tooBig ? `This sample's whole graph has ${count(whole.nodes.length)} nodes, too many to draw (up to ${GRAPH_LIMIT}), so this` : 'This'} is the part that flows through ${whole.neurons[chosen]!.name}: ${count(graph.nodes.length)} nodes. Pick another neuron above, or click one in the network picture.`);
    this.#view.show(graph);
    // A learnt sample has loss 0 under hinge, and then every parameter's grad is 0: say where the gradients are.
    const stuck = whole.nodes.every((n) => n.kind !== 'param' || n.grad === 0);
    if (this.#hint.hidden !== !stuck) this.#hint.hidden = !stuck;
    if (stuck) this.#pointToGradient(session, i, whole.nodes[0]!.data);
  }

  #pointToGradient(session: Session, i: number, loss: number): void {
    const losses = session.sampleLosses();
    const worst = losses.indexOf(Math.max(...losses));
    const text = `Sample ${i}'s loss is ${fmt(loss)}, so every grad is 0: nothing flows back from it. `
      + (losses[worst]! > 0 ? `Sample ${worst} still has a gradient (loss ${fmt(losses[worst]!)}): ` : 'No training sample has a gradient left.');
    if (this.#hint.dataset.text === text) return;
    this.#hint.dataset.text = text;
    const go = Object.assign(document.createElement('button'), { type: 'button', textContent: `show sample ${worst}`, className: 'go-worst' });
    go.dataset.sample = String(worst);
    this.#hint.replaceChildren(text, ...(losses[worst]! > 0 ? [go] : []));
  }
}
