import type { Value } from '@ugrad/engine';
import { MLP } from '@ugrad/nn';
import { Forward } from './forward.js';
import { FEATURE_NAMES, featureRow } from './problems.js';
import type { Extent, Session } from './session.js';

// What the maps show: every neuron's output, and every input feature, over a grid of the
// plane. One pass of the network per cell gives all neurons at once, so the per-neuron
// thumbnails come with the main map for free.

/** Cells per side of the maps; the canvases smooth them up to their size. */
export const GRID = 64;
/** Cells per side of a thumbnail: blocks of GRID / THUMB cells, averaged. */
export const THUMB = 16;

/** One complete set of maps, all at the same training step. */
export interface Maps {
  step: number;
  extent: Extent;
  /** Per neuron (layer by layer, as `model.layers`), its output in each cell, row by row from the top. */
  neurons: Float64Array[];
}

/** Cell (row, col)'s centre in data coordinates, row 0 at the top. */
export function cellCentre(extent: Extent, row: number, col: number, grid = GRID): [number, number] {
  const { xMin, xMax, yMin, yMax } = extent;
  return [xMin + ((col + 0.5) / grid) * (xMax - xMin), yMax - ((row + 0.5) / grid) * (yMax - yMin)];
}

/** Each of FEATURE_NAMES over the grid (feature maps never change while the extent stays). */
export function featureMaps(extent: Extent): Float64Array[] {
  return FEATURE_NAMES.map((name) => {
    const out = new Float64Array(GRID * GRID);
    for (let r = 0; r < GRID; r++) for (let c = 0; c < GRID; c++) out[r * GRID + c] = featureRow([name], ...cellCentre(extent, r, c))[0]!;
    return out;
  });
}

/**
 * Computes a session's maps a few rows at a time (`work`), from a frozen copy of the
 * weights taken at `start`, so training can go on between slices and a map is never torn.
 * The copy runs as a compiled program that reports every neuron's output (see Forward).
 */
export class GridJob {
  readonly #session: Session;
  readonly #live: Value[];
  readonly #params: Value[];
  readonly #forward: Forward;
  #rows: number[][] = [];
  #extent: Extent | null = null;
  #row = GRID;
  #maps: Maps | null = null;

  constructor(session: Session) {
    this.#session = session;
    // Same architecture (negativeSlope included); its weights are copied in at each start().
    const frozen = MLP.fromConfig(session.model.config());
    this.#live = session.model.parameters();
    this.#params = frozen.parameters();
    this.#forward = new Forward(this.#params, frozen.nin, session.model.nouts.reduce((a, b) => a + b, 0), (x) => everyNeuron(frozen, x));
  }

  /** True while a map is being computed. */
  get busy(): boolean {
    return this.#row < GRID;
  }

  /** Starts maps of the model as it is now (dropping any under way). */
  start(): void {
    const s = this.#session;
    this.#params.forEach((p, i) => (p.data = this.#live[i]!.data));
    if (this.#extent !== s.extent) {
      this.#extent = s.extent;
      this.#rows = [];
      for (let r = 0; r < GRID; r++) for (let c = 0; c < GRID; c++) this.#rows.push(featureRow(s.state.features, ...cellCentre(s.extent, r, c)));
    }
    this.#maps = { step: s.stepCount, extent: s.extent, neurons: Array.from({ length: this.#forward.width }, () => new Float64Array(GRID * GRID)) };
    this.#row = 0;
  }

  /** Computes rows until `deadline` (a performance.now() time), at least one; returns the maps once complete. */
  work(deadline: number): Maps | null {
    const maps = this.#maps;
    if (maps === null || this.#row >= GRID) return null;
    const w = this.#forward.width;
    do {
      const cells = this.#rows.slice(this.#row * GRID, (this.#row + 1) * GRID);
      const out = this.#forward.run(cells);
      const base = this.#row * GRID;
      for (let c = 0; c < GRID; c++) for (let j = 0; j < w; j++) maps.neurons[j]![base + c] = out[c * w + j]!;
      this.#row++;
    } while (this.#row < GRID && performance.now() < deadline);
    if (this.#row < GRID) return null;
    this.#maps = null;
    return maps;
  }
}

/** Every neuron's output for input `x`, layer by layer. */
function everyNeuron(model: MLP, x: readonly (number | Value)[]): Value[] {
  const all: Value[] = [];
  let h = x;
  for (const layer of model.layers) {
    const out = layer.forward(h);
    all.push(...out);
    h = out;
  }
  return all;
}

/** A GRID² map averaged down to THUMB² (blocks of cells), for the thumbnails. */
export function shrink(map: Float64Array): Float64Array {
  const out = new Float64Array(THUMB * THUMB), k = GRID / THUMB;
  for (let r = 0; r < GRID; r++) for (let c = 0; c < GRID; c++) out[Math.floor(r / k) * THUMB + Math.floor(c / k)] += map[r * GRID + c]! / (k * k);
  return out;
}
