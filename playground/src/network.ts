import type { MLP } from '@ugrad/nn';
import { classRGB, css, valueRGB, type RGB } from './colors.js';
import { fmt } from './fmt.js';
import { THUMB, shrink, type Maps } from './grid.js';
import { FEATURES, FEATURE_NAMES, type FeatureName } from './problems.js';
import { neuronName, type Session } from './session.js';

// The network picture, as in TF Playground: the input features in the first column (click
// one to switch it on or off), then each layer's neurons, each showing its output over
// the plane as a thumbnail; the weights as curves between them (colour: sign, width:
// size), and each neuron's bias as a small square. The nodes are DOM elements (hover,
// click, keyboard), but everything that changes while training is drawn on one canvas
// under them: a redraw touches no DOM, and the browser composites one layer, not a
// hundred thumbnail canvases.

export interface NetworkEvents {
  toggleFeature(name: FeatureName): void;
  /** The pointer is over a neuron (its index layer by layer, and name), a feature, or nothing. */
  hover(target: { kind: 'neuron'; index: number; name: string } | { kind: 'feature'; name: FeatureName } | null): void;
  /** A neuron was clicked: show its part of the computation graph. */
  select(index: number): void;
  /** A layer's +/− button: `delta` neurons more in hidden layer `layer`. */
  resize(layer: number, delta: number): void;
}

interface Place {
  x: number;
  y: number;
}

export class NetworkView {
  readonly #root: HTMLElement;
  readonly #links: HTMLCanvasElement;
  readonly #maxOut: HTMLOutputElement;
  #nodes: HTMLElement[] = [];
  /** Every thumbnail side by side, THUMB pixels each: the features, then the neurons layer by layer. */
  readonly #atlas = document.createElement('canvas');
  /** Centre of each input row (all features) and of each neuron, layer by layer. */
  #inputs: Place[] = [];
  #neurons: Place[][] = [];
  #active: number[] = [];
  #size = 24;
  #width = 0;
  #height = 0;
  #session: Session | null = null;

  constructor(root: HTMLElement, maxOut: HTMLOutputElement, events: NetworkEvents) {
    this.#root = root;
    this.#maxOut = maxOut;
    this.#links = document.createElement('canvas');
    this.#links.className = 'links';
    root.addEventListener('click', (e) => {
      const el = (e.target as Element).closest<HTMLElement>('[data-feature],[data-neuron],[data-layer]');
      if (el === null) return;
      if (el.dataset.feature !== undefined) events.toggleFeature(el.dataset.feature as FeatureName);
      else if (el.dataset.neuron !== undefined) events.select(Number(el.dataset.neuron));
      else events.resize(Number(el.dataset.layer), Number(el.dataset.delta));
    });
    // Neurons are focusable; Enter or Space does what a click does.
    root.addEventListener('keydown', (e) => {
      const el = (e.target as Element).closest<HTMLElement>('[data-neuron]');
      if (el === null || (e.key !== 'Enter' && e.key !== ' ')) return;
      e.preventDefault();
      events.select(Number(el.dataset.neuron));
    });
    const hover = (e: Event): void => {
      const el = (e.target as Element).closest<HTMLElement>('[data-feature],[data-neuron]');
      if (el?.dataset.neuron !== undefined) events.hover({ kind: 'neuron', index: Number(el.dataset.neuron), name: el.dataset.name! });
      else if (el?.dataset.feature !== undefined) events.hover({ kind: 'feature', name: el.dataset.feature as FeatureName });
      else events.hover(null);
    };
    root.addEventListener('pointerover', hover);
    root.addEventListener('focusin', hover);
    root.addEventListener('pointerleave', () => events.hover(null));
    root.addEventListener('focusout', () => events.hover(null));
  }

  /** Builds the picture for a session's architecture and features. */
  reset(session: Session, featureMaps: Float64Array[]): void {
    this.#session = session;
    const { model, state } = session;
    const sizes = model.nouts;
    const width = Math.max(280, this.#root.clientWidth || 500);
    const columns = sizes.length + 1;
    const size = Math.round(Math.max(16, Math.min(30, (width / columns) * 0.45)));
    const pitch = size + Math.max(6, Math.round(size * 0.3));
    const top = 40, left = 52;
    const x = (col: number): number => (col === 0 ? left + size / 2 : left + size / 2 + (col * (width - left - size - 6)) / (columns - 1));
    const rows = Math.max(FEATURE_NAMES.length, ...sizes);
    this.#size = size;
    this.#width = width;
    this.#height = top + rows * pitch;
    this.#inputs = FEATURE_NAMES.map((_, i) => ({ x: x(0), y: top + i * pitch + size / 2 }));
    this.#neurons = sizes.map((n, l) => Array.from({ length: n }, (_, j) => ({ x: x(l + 1), y: top + j * pitch + size / 2 })));
    this.#active = state.features.map((f) => FEATURE_NAMES.indexOf(f));

    const els: HTMLElement[] = [this.#links];
    const node = (tag: 'button' | 'div', place: Place, attrs: Record<string, string>): HTMLElement => {
      const el = document.createElement(tag);
      for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
      el.style.cssText = `left:${place.x - size / 2}px;top:${place.y - size / 2}px;width:${size}px;height:${size}px`;
      els.push(el);
      return el;
    };
    FEATURE_NAMES.forEach((name, i) => {
      const on = state.features.includes(name);
      const el = node('button', this.#inputs[i]!, {
        type: 'button', class: `node feature${on ? ' on' : ''}`, 'data-feature': name, 'aria-pressed': String(on),
        'aria-label': `input ${FEATURES[name].label}`, title: `${FEATURES[name].label}: ${on ? 'in use — click to switch off' : 'off — click to use it as an input'}`,
      });
      const label = document.createElement('span');
      label.className = 'label';
      label.textContent = FEATURES[name].label;
      el.append(label);
    });
    this.#nodes = [];
    let index = 0;
    sizes.forEach((n, l) => {
      for (let j = 0; j < n; j++, index++) {
        const name = neuronName(l, j, sizes);
        this.#nodes.push(node('div', this.#neurons[l]![j]!, {
          class: `node neuron${l === sizes.length - 1 ? ' output' : ''}`, 'data-neuron': String(index), 'data-name': name,
          tabindex: '0', role: 'button', 'aria-label': `neuron ${name}`, title: `${name}: hover to see its output on the map, click for its part of the graph`,
        }));
      }
      if (l === sizes.length - 1) return;
      // +/− for this hidden layer's width, above its column.
      const ctl = document.createElement('div');
      ctl.className = 'layer-ctl';
      ctl.style.left = `${x(l + 1)}px`;
      ctl.innerHTML = `<button type="button" data-layer="${l}" data-delta="1" aria-label="one neuron more in layer ${l}">+</button>`
        + `<button type="button" data-layer="${l}" data-delta="-1" aria-label="one neuron less in layer ${l}">−</button><span>${n} neuron${n === 1 ? '' : 's'}</span>`;
      els.push(ctl);
    });
    this.#atlas.width = THUMB * (FEATURE_NAMES.length + this.#nodes.length);
    this.#atlas.height = THUMB;
    this.#root.replaceChildren(...els);
    this.#root.style.height = `${this.#height}px`;
    const d = Math.max(1, Math.round(globalThis.devicePixelRatio || 1));
    this.#links.width = width * d;
    this.#links.height = this.#height * d;
    this.#links.style.width = `${width}px`;
    this.#links.style.height = `${this.#height}px`;
    FEATURE_NAMES.forEach((_, i) => paintValues(this.#atlas, i, shrink(featureMaps[i]!), false));
    this.draw(model);
  }

  /** Marks the neuron whose part of the graph is shown (null: none). */
  select(index: number | null): void {
    this.#nodes.forEach((el, i) => {
      if (el.classList.contains('selected') !== (i === index)) el.classList.toggle('selected', i === index);
    });
  }

  /** Redraws the picture: the weights (a dozen strokes, bucketed by sign and size), biases and thumbnails. */
  draw(model: MLP): void {
    // Drawn on the CPU (as a GPU canvas this small gains little), so reading a pixel back below is cheap.
    const ctx = this.#links.getContext('2d', { willReadFrequently: true })!;
    const d = this.#links.width / this.#width;
    ctx.setTransform(d, 0, 0, d, 0, 0);
    ctx.clearRect(0, 0, this.#width, this.#height);
    let max = 1e-12;
    for (const layer of model.layers) for (const n of layer.neurons) for (const w of n.w) max = Math.max(max, Math.abs(w.data));
    const BUCKETS = 6, half = this.#size / 2;
    const paths = Array.from({ length: 2 * BUCKETS }, () => new Path2D());
    model.layers.forEach((layer, l) => {
      const from = l === 0 ? this.#active.map((r) => this.#inputs[r]!) : this.#neurons[l - 1]!;
      layer.neurons.forEach((n, j) => {
        const to = this.#neurons[l]![j]!;
        n.w.forEach((w, i) => {
          const a = from[i]!, v = w.data;
          const bucket = Math.min(BUCKETS - 1, Math.floor((Math.abs(v) / max) * BUCKETS)) + (v < 0 ? BUCKETS : 0);
          const p = paths[Number.isFinite(bucket) ? bucket : 0]!;
          const x1 = a.x + half, x2 = to.x - half, mid = (x1 + x2) / 2;
          p.moveTo(x1, a.y);
          p.bezierCurveTo(mid, a.y, mid, to.y, x2, to.y);
        });
      });
    });
    ctx.lineCap = 'round';
    paths.forEach((p, b) => {
      const level = ((b % BUCKETS) + 0.5) / BUCKETS;
      ctx.strokeStyle = css(valueRGB(b < BUCKETS ? 1 : -1), 0.2 + 0.7 * level);
      ctx.lineWidth = 0.5 + 4.5 * level;
      ctx.stroke(p);
    });
    // Biases: TF Playground's small square at each neuron's lower left, on the value scale.
    const b = Math.max(4, Math.round(this.#size / 5));
    model.layers.forEach((layer, l) => layer.neurons.forEach((n, j) => {
      const { x, y } = this.#neurons[l]![j]!;
      ctx.fillStyle = css(valueRGB(n.b.data));
      ctx.fillRect(x - half - b - 2, y + half - b, b, b);
    }));
    // The thumbnails, from the atlas; features that are off, faded.
    ctx.imageSmoothingEnabled = true;
    const places = [...this.#inputs, ...this.#neurons.flat()];
    places.forEach(({ x, y }, slot) => {
      ctx.globalAlpha = slot < FEATURE_NAMES.length && !this.#active.includes(slot) ? 0.3 : 1;
      ctx.drawImage(this.#atlas, slot * THUMB, 0, THUMB, THUMB, x - half + 1, y - half + 1, this.#size - 2, this.#size - 2);
    });
    ctx.globalAlpha = 1;
    // Canvas drawing is deferred to the next frame; reading a pixel makes it happen now,
    // so whoever times this call (the page's redraw budget) sees what it really costs.
    ctx.getImageData(0, 0, 1, 1);
    this.#maxOut.textContent = `largest |w| ${fmt(max, 3)}`;
    this.#maxOut.dataset.value = String(max);
  }

  /** Paints every neuron's thumbnail from complete maps, into the atlas; `draw` shows them. */
  thumbnails(maps: Maps, discretize: boolean): void {
    const session = this.#session;
    if (session === null) return;
    const first = FEATURE_NAMES.length, last = maps.neurons.length - 1;
    // A regression output keeps the main map's fixed -1…1 scale.
    maps.neurons.forEach((m, i) => paintValues(this.#atlas, first + i, shrink(m), discretize, session.regression && i === last));
    if (session.regression || session.model.nouts.at(-1) !== 1) return;
    // A single-output classifier's node shows the class map, as the main map does.
    const out = shrink(maps.neurons[last]!);
    paint(this.#atlas, first + last, (cell) => {
      const { label, confidence } = session.reader!(out, cell);
      return classRGB(label, discretize ? 0.65 : 0.12 + 0.6 * confidence);
    });
  }
}

/** Values on the -1…1 scale, divided by their largest |value| beyond 1 (unless `fixed`): the main map's rule. */
function paintValues(atlas: HTMLCanvasElement, slot: number, values: Float64Array, discretize: boolean, fixed = false): void {
  let scale = 1;
  if (!fixed) for (const v of values) scale = Math.max(scale, Math.abs(v));
  paint(atlas, slot, (cell) => valueRGB(discretize ? Math.sign(values[cell]!) : values[cell]! / scale));
}

function paint(atlas: HTMLCanvasElement, slot: number, colour: (cell: number) => RGB): void {
  const img = new ImageData(THUMB, THUMB);
  for (let cell = 0; cell < THUMB * THUMB; cell++) {
    const [r, g, b] = colour(cell);
    img.data.set([r, g, b, 255], 4 * cell);
  }
  atlas.getContext('2d')!.putImageData(img, slot * THUMB, 0);
}
