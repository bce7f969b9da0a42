import { CLASS_COLORS, VALUE_GRADIENT, classRGB, css, valueRGB, type RGB } from './colors.js';
import { fmt } from './fmt.js';
import { GRID, type Maps } from './grid.js';
import { FEATURES, FEATURE_NAMES, type FeatureName } from './problems.js';
import type { Extent, Session } from './session.js';

// The main map: the model's output (or one neuron's, or one input feature's) over the
// plane, with axes, the data points on top, and a legend saying what the colours mean.

/** What the map shows: the output, neuron number `n` (layer by layer), or an input feature. */
export type Target = { kind: 'output' } | { kind: 'neuron'; index: number; name: string } | { kind: 'feature'; name: FeatureName };

export interface MapOptions {
  discretize: boolean;
  showTest: boolean;
}

// Room around the plot for the axes, in CSS pixels.
const M = { left: 30, right: 8, top: 8, bottom: 24 };
const MAX_SIZE = 420;

/**
 * Paints a map from complete {@link Maps}, never from a half-computed one. Repainting
 * (another target, a toggle) needs no new forward passes: the last maps are kept.
 */
export class MapCanvas {
  readonly #canvas: HTMLCanvasElement;
  readonly #legend: HTMLElement;
  readonly #cells: HTMLCanvasElement;
  #session: Session | null = null;
  #maps: Maps | null = null;
  #features: Float64Array[] = [];
  #size = MAX_SIZE;
  #dpr = 1;
  target: Target = { kind: 'output' };

  constructor(canvas: HTMLCanvasElement, legend: HTMLElement) {
    this.#canvas = canvas;
    this.#legend = legend;
    this.#cells = document.createElement('canvas');
    this.#cells.width = this.#cells.height = GRID;
  }

  /** A new session: sized to the page, no map yet, the points drawn. */
  reset(session: Session, features: Float64Array[], options: MapOptions): void {
    this.#session = session;
    this.#maps = null;
    this.#features = features;
    this.resize();
    this.paint(options);
  }

  /** Fits the canvas to its box (at the screen's pixel density, so points stay crisp). */
  resize(): void {
    const box = this.#canvas.parentElement?.clientWidth ?? MAX_SIZE;
    this.#size = Math.max(200, Math.min(MAX_SIZE, box || MAX_SIZE));
    this.#dpr = Math.max(1, Math.round(globalThis.devicePixelRatio || 1));
    const plot = this.#size - M.left - M.right;
    const height = plot + M.top + M.bottom;
    this.#canvas.width = this.#size * this.#dpr;
    this.#canvas.height = height * this.#dpr;
    this.#canvas.style.width = `${this.#size}px`;
    this.#canvas.style.height = `${height}px`;
  }

  /** Takes new maps and paints them. */
  show(maps: Maps, options: MapOptions): void {
    this.#maps = maps;
    this.paint(options);
  }

  /** The step of the maps shown, or -1 before the first. */
  get shownStep(): number {
    return this.#maps?.step ?? -1;
  }

  /** Paints the last maps (or a blank plot) with the points, the axes and the legend. */
  paint(options: MapOptions): void {
    const session = this.#session;
    if (session === null) return;
    const ctx = this.#canvas.getContext('2d')!;
    const d = this.#dpr, plot = this.#size - M.left - M.right;
    ctx.setTransform(d, 0, 0, d, 0, 0);
    ctx.clearRect(0, 0, this.#size, plot + M.top + M.bottom);
    ctx.fillStyle = '#fff';
    ctx.fillRect(M.left, M.top, plot, plot);
    const scale = this.#fill(session, options);
    // Smooth shading, but crisp cells when discretized: there is no in-between to show.
    ctx.imageSmoothingEnabled = !options.discretize;
    if (scale !== null) ctx.drawImage(this.#cells, M.left, M.top, plot, plot);
    axes(ctx, session.extent, plot);
    this.#points(ctx, session, plot, options);
    this.#writeLegend(session, scale);
  }

  /** The data coordinates under a mouse event, or null outside the plot. */
  toData(event: MouseEvent): [number, number] | null {
    const rect = this.#canvas.getBoundingClientRect();
    const k = this.#size / rect.width;
    const px = (event.clientX - rect.left) * k - M.left, py = (event.clientY - rect.top) * k - M.top;
    const plot = this.#size - M.left - M.right;
    if (this.#session === null || px < 0 || py < 0 || px > plot || py > plot) return null;
    const { xMin, xMax, yMin, yMax } = this.#session.extent;
    return [xMin + (px / plot) * (xMax - xMin), yMax - (py / plot) * (yMax - yMin)];
  }

  /** Screen pixels per data unit, to tell how near a click is to a point. */
  get pixelsPerUnit(): number {
    const e = this.#session?.extent;
    return e === undefined ? 1 : (this.#size - M.left - M.right) / (e.xMax - e.xMin);
  }

  // Colours the GRID² cells for the target; returns the value scale used (1 for classes), or null when there is nothing to show.
  #fill(session: Session, { discretize }: MapOptions): number | null {
    const t = this.target;
    const maps = this.#maps;
    let values: Float64Array | null = null;
    if (t.kind === 'feature') values = this.#features[FEATURE_NAMES.indexOf(t.name)] ?? null;
    else if (maps !== null && t.kind === 'neuron') values = maps.neurons[t.index] ?? null;
    if (t.kind !== 'feature' && maps === null) return null;
    const img = new ImageData(GRID, GRID);
    const put = (cell: number, [r, g, b]: RGB): void => {
      img.data[4 * cell] = r;
      img.data[4 * cell + 1] = g;
      img.data[4 * cell + 2] = b;
      img.data[4 * cell + 3] = 255;
    };
    let scale = 1;
    if (values === null && !session.regression) {
      // The output of a classifier: the class and how sure the model is.
      const outs = maps!.neurons.slice(-session.model.nouts.at(-1)!);
      const row = new Float64Array(outs.length);
      for (let cell = 0; cell < GRID * GRID; cell++) {
        outs.forEach((o, j) => (row[j] = o[cell]!));
        const { label, confidence } = session.reader!(row, 0);
        put(cell, classRGB(label, discretize ? 0.65 : 0.12 + 0.6 * confidence));
      }
      this.#cells.getContext('2d')!.putImageData(img, 0, 0);
      return 1;
    }
    values ??= maps!.neurons[maps!.neurons.length - 1]!;
    // Regression output on its own -1…1 scale; a neuron or feature scaled to its largest |value| beyond 1.
    if (t.kind !== 'output') for (const v of values) if (Math.abs(v) > scale) scale = Math.abs(v);
    for (let cell = 0; cell < GRID * GRID; cell++) {
      const v = values[cell]! / scale;
      put(cell, valueRGB(discretize ? Math.sign(v) : v));
    }
    this.#cells.getContext('2d')!.putImageData(img, 0, 0);
    return scale;
  }

  #points(ctx: CanvasRenderingContext2D, session: Session, plot: number, { showTest }: MapOptions): void {
    const { xMin, xMax, yMin, yMax } = session.extent;
    const px = (x: number): number => M.left + ((x - xMin) / (xMax - xMin)) * plot;
    const py = (y: number): number => M.top + ((yMax - y) / (yMax - yMin)) * plot;
    const colour = (label: number): string => css(session.regression ? valueRGB(label) : CLASS_COLORS[label % CLASS_COLORS.length]!);
    const dot = (x: number, y: number, label: number, ring: string, width: number): void => {
      ctx.beginPath();
      ctx.arc(px(x), py(y), 3.5, 0, 2 * Math.PI);
      ctx.fillStyle = colour(label);
      ctx.fill();
      ctx.lineWidth = width;
      ctx.strokeStyle = ring;
      ctx.stroke();
    };
    const { train, test } = session.raw;
    if (showTest) test.X.forEach(([x, y], i) => dot(x!, y!, test.y[i]!, '#000', 1.5));
    train.X.forEach(([x, y], i) => {
      if (i < session.addedFrom) return dot(x!, y!, train.y[i]!, '#fff', 1);
      // Added points are squares with a dark edge: told apart from generated ones at a glance.
      ctx.fillStyle = colour(train.y[i]!);
      ctx.strokeStyle = '#111';
      ctx.lineWidth = 1.5;
      ctx.fillRect(px(x!) - 4.5, py(y!) - 4.5, 9, 9);
      ctx.strokeRect(px(x!) - 4.5, py(y!) - 4.5, 9, 9);
    });
  }

  #writeLegend(session: Session, scale: number | null): void {
    const t = this.target;
    const what = t.kind === 'feature' ? `input ${FEATURES[t.name].label}` : t.kind === 'neuron' ? `neuron ${t.name}'s output` : session.regression ? 'the model\'s output' : 'the model\'s class';
    const parts: string[] = [`<span class="what">Shading: ${what}${scale === null ? ' (computing…)' : ''}</span>`];
    if (t.kind === 'output' && !session.regression) {
      const swatches = Array.from({ length: Math.max(2, session.classes) }, (_, k) => `<span class="swatch" style="background:${css(CLASS_COLORS[k]!)}"></span>${k}`);
      parts.push(`<span class="classes">class ${swatches.join(' ')} · paler where less sure</span>`);
    } else {
      const s = scale ?? 1;
      parts.push(`<span class="bar"><span class="ramp" style="background:${VALUE_GRADIENT}"></span><span class="ticks"><span>${fmt(-s, 2)}</span><span>0</span><span>${fmt(s, 2)}</span></span></span>`);
    }
    parts.push('<span class="marks">● training point · <span class="ring">●</span> test point · ■ added by you</span>');
    const html = parts.join('');
    if (this.#legend.innerHTML !== html) this.#legend.innerHTML = html;
  }
}

// Ticks at a round step along both axes, labels outside the plot.
function axes(ctx: CanvasRenderingContext2D, e: Extent, plot: number): void {
  ctx.strokeStyle = '#999';
  ctx.lineWidth = 1;
  ctx.strokeRect(M.left + 0.5, M.top + 0.5, plot - 1, plot - 1);
  ctx.fillStyle = '#555';
  ctx.font = '10px system-ui, sans-serif';
  const step = niceStep((e.xMax - e.xMin) / 5);
  const ticks = (lo: number, hi: number): number[] => {
    const out: number[] = [];
    for (let v = Math.ceil(lo / step) * step; v <= hi; v += step) out.push(Math.round(v / step) * step);
    return out;
  };
  const label = (v: number): string => String(Math.round(v * 100) / 100 + 0).replace('-', '−');
  ctx.textAlign = 'center';
  ctx.textBaseline = 'top';
  for (const v of ticks(e.xMin, e.xMax)) {
    const x = M.left + ((v - e.xMin) / (e.xMax - e.xMin)) * plot;
    ctx.fillRect(x, M.top + plot, 1, 4);
    ctx.fillText(label(v), x, M.top + plot + 5);
  }
  ctx.textAlign = 'right';
  ctx.textBaseline = 'middle';
  for (const v of ticks(e.yMin, e.yMax)) {
    const y = M.top + ((e.yMax - v) / (e.yMax - e.yMin)) * plot;
    ctx.fillRect(M.left - 4, y, 4, 1);
    ctx.fillText(label(v), M.left - 6, y);
  }
  ctx.textAlign = 'left';
  ctx.fillText('x₂', 2, M.top + 6);
  ctx.textBaseline = 'bottom';
  ctx.textAlign = 'right';
  ctx.fillText('x₁', M.left + plot, M.top + plot + M.bottom);
}

/** 1, 2 or 5 times a power of ten, at least `raw`. */
function niceStep(raw: number): number {
  const p = 10 ** Math.floor(Math.log10(raw));
  return [1, 2, 5, 10].map((k) => k * p).find((s) => s >= raw) ?? 10 * p;
}
