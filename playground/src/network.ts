import type { MLP } from '@ugrad/nn';

const SVG = 'http://www.w3.org/2000/svg';

/** An SVG element with attributes, appended to `parent`. */
export function svg<K extends keyof SVGElementTagNameMap>(parent: Element, tag: K, attrs: Record<string, string | number> = {}): SVGElementTagNameMap[K] {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  parent.append(el);
  return el;
}

/** Positive blue, negative orange: the colours of the classes the sign votes for. */
export function signColor(x: number, alpha = 1): string {
  return x >= 0 ? `rgba(8,119,189,${alpha})` : `rgba(245,147,34,${alpha})`;
}

interface Wire {
  line: SVGLineElement;
  title: SVGTitleElement;
  layer: number;
  neuron: number;
  input: number;
}

/**
 * The network as neurons in columns and one line per weight: colour by sign, width by
 * |w| relative to the largest weight (absolute widths would be hairlines at the start
 * and slabs later). Built once per architecture; `update` only restyles.
 */
export class NetworkView {
  readonly #root: SVGSVGElement;
  readonly #maxOut: HTMLOutputElement;
  #wires: Wire[] = [];
  #neurons: { circle: SVGCircleElement; title: SVGTitleElement; layer: number; neuron: number }[] = [];

  constructor(root: SVGSVGElement, maxOut: HTMLOutputElement) {
    this.#root = root;
    this.#maxOut = maxOut;
  }

  reset(model: MLP): void {
    const root = this.#root;
    root.replaceChildren();
    const width = root.clientWidth || 500, height = root.clientHeight || 240;
    root.setAttribute('viewBox', `0 0 ${width} ${height}`);
    const sizes = [model.nin, ...model.nouts];
    const x = (col: number): number => 30 + (col * (width - 60)) / (sizes.length - 1);
    const gap = Math.min(28, (height - 30) / Math.max(...sizes));
    const y = (col: number, row: number): number => height / 2 + (row - (sizes[col]! - 1) / 2) * gap;
    const radius = Math.max(4, Math.min(9, gap / 2 - 2));
    this.#wires = [];
    const wires = svg(root, 'g');
    model.layers.forEach((layer, l) => {
      layer.neurons.forEach((neuron, j) => {
        neuron.w.forEach((_, i) => {
          const line = svg(wires, 'line', { x1: x(l), y1: y(l, i), x2: x(l + 1), y2: y(l + 1, j), 'stroke-linecap': 'round' });
          this.#wires.push({ line, title: svg(line, 'title'), layer: l, neuron: j, input: i });
        });
      });
    });
    this.#neurons = [];
    sizes.forEach((size, col) => {
      for (let row = 0; row < size; row++) {
        const circle = svg(root, 'circle', { cx: x(col), cy: y(col, row), r: radius, stroke: '#555', fill: '#fff' });
        const title = svg(circle, 'title');
        if (col === 0) {
          title.textContent = `input x${row}`;
          svg(root, 'text', { x: x(col) - radius - 4, y: y(col, row) + 4, 'text-anchor': 'end', 'font-size': 11 }).textContent = `x${row}`;
        } else {
          this.#neurons.push({ circle, title, layer: col - 1, neuron: row });
        }
      }
    });
    this.update(model);
  }

  update(model: MLP): void {
    let max = 1e-12;
    for (const layer of model.layers) for (const n of layer.neurons) for (const w of n.w) max = Math.max(max, Math.abs(w.data));
    for (const { line, title, layer, neuron, input } of this.#wires) {
      const w = model.layers[layer]!.neurons[neuron]!.w[input]!.data;
      line.setAttribute('stroke', signColor(w, 0.25 + 0.65 * Math.abs(w) / max));
      line.setAttribute('stroke-width', String(0.5 + (5 * Math.abs(w)) / max));
      title.textContent = `L${layer}.n${neuron}.w${input} = ${w.toFixed(4)}`;
    }
    for (const { circle, title, layer, neuron } of this.#neurons) {
      const b = model.layers[layer]!.neurons[neuron]!.b.data;
      circle.setAttribute('fill', signColor(b, Math.min(1, Math.abs(b))));
      title.textContent = `L${layer}.n${neuron}.b = ${b.toFixed(4)}`;
    }
    this.#maxOut.textContent = `largest |w| ${max.toFixed(3)}`;
  }
}
