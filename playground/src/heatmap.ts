import type { MLP } from '@ugrad/nn';
import type { Session } from './session.js';

/** Class colours: 0 orange and 1 blue, as in TensorFlow Playground; more for spiral and blobs. */
export const CLASS_COLORS: readonly (readonly [number, number, number])[] = [
  [245, 147, 34], [8, 119, 189], [44, 160, 44], [148, 103, 189], [214, 39, 40],
];

export function cssColor(label: number, alpha = 1): string {
  const [r, g, b] = CLASS_COLORS[label % CLASS_COLORS.length]!;
  return `rgba(${r},${g},${b},${alpha})`;
}

/** Cells per side of the decision map; the canvas smooths them up to its size. */
const GRID = 80;

interface Job {
  session: Session;
  model: MLP;
  step: number;
  row: number;
  pixels: ImageData;
}

/**
 * The decision boundary: the model's class and confidence over a grid, with the
 * training and test points on top. A map costs GRID² forward passes, more than a
 * frame can spare for big networks, so it is computed a few rows per frame (`work`)
 * from a frozen copy of the model, and shown only once complete: never a torn map.
 */
export class Heatmap {
  readonly #canvas: HTMLCanvasElement;
  readonly #ctx: CanvasRenderingContext2D;
  readonly #cells: HTMLCanvasElement;
  #job: Job | null = null;
  #session: Session | null = null;
  #shownStep = -1;

  constructor(canvas: HTMLCanvasElement) {
    this.#canvas = canvas;
    // Draw at the screen's pixel density so points stay crisp on high-DPI screens.
    const dpr = Math.max(1, Math.round(globalThis.devicePixelRatio || 1));
    canvas.width = canvas.clientWidth * dpr || 400 * dpr;
    canvas.height = canvas.clientHeight * dpr || 400 * dpr;
    this.#ctx = canvas.getContext('2d')!;
    this.#cells = document.createElement('canvas');
    this.#cells.width = this.#cells.height = GRID;
  }

  /** Starts over for a new session: blank map, points drawn, a new map under way. */
  reset(session: Session): void {
    this.#session = session;
    this.#job = null;
    this.#shownStep = -1;
    const ctx = this.#ctx;
    ctx.fillStyle = '#fff';
    ctx.fillRect(0, 0, this.#canvas.width, this.#canvas.height);
    this.#drawPoints();
  }

  /** Computes map rows until `deadline` (a performance.now() time); repaints when a map completes. */
  work(deadline: number): void {
    const session = this.#session;
    if (session === null) return;
    if (this.#job === null) {
      if (session.stepCount === this.#shownStep) return;
      const pixels = this.#ctx.createImageData(GRID, GRID);
      this.#job = { session, model: session.frozenModel(), step: session.stepCount, row: 0, pixels };
    }
    const job = this.#job;
    const { xMin, xMax, yMin, yMax } = session.extent;
    // At least one row per call, so the map always progresses.
    do {
      const y = yMax - ((job.row + 0.5) / GRID) * (yMax - yMin);
      for (let col = 0; col < GRID; col++) {
        const x = xMin + ((col + 0.5) / GRID) * (xMax - xMin);
        const { label, confidence } = session.predict(job.model, x, y);
        const [r, g, b] = CLASS_COLORS[label % CLASS_COLORS.length]!;
        // White at the boundary, the class colour where the model is sure.
        const t = 0.12 + 0.6 * confidence;
        const at = (job.row * GRID + col) * 4;
        job.pixels.data[at] = 255 + (r - 255) * t;
        job.pixels.data[at + 1] = 255 + (g - 255) * t;
        job.pixels.data[at + 2] = 255 + (b - 255) * t;
        job.pixels.data[at + 3] = 255;
      }
      job.row++;
    } while (job.row < GRID && performance.now() < deadline);
    if (job.row < GRID) return;
    this.#cells.getContext('2d')!.putImageData(job.pixels, 0, 0);
    const ctx = this.#ctx;
    ctx.imageSmoothingEnabled = true;
    ctx.drawImage(this.#cells, 0, 0, this.#canvas.width, this.#canvas.height);
    this.#drawPoints();
    this.#shownStep = job.step;
    this.#job = null;
  }

  /** The data coordinates under a mouse event. */
  toData(event: MouseEvent): [number, number] {
    const rect = this.#canvas.getBoundingClientRect();
    const { xMin, xMax, yMin, yMax } = this.#session!.extent;
    return [
      xMin + ((event.clientX - rect.left) / rect.width) * (xMax - xMin),
      yMax - ((event.clientY - rect.top) / rect.height) * (yMax - yMin),
    ];
  }

  #drawPoints(): void {
    const session = this.#session!;
    const ctx = this.#ctx;
    const { xMin, xMax, yMin, yMax } = session.extent;
    const scale = this.#canvas.width / 400;
    const px = (x: number): number => ((x - xMin) / (xMax - xMin)) * this.#canvas.width;
    const py = (y: number): number => ((yMax - y) / (yMax - yMin)) * this.#canvas.height;
    const dot = (x: number, y: number, label: number, ring: string, width: number): void => {
      ctx.beginPath();
      ctx.arc(px(x), py(y), 4 * scale, 0, 2 * Math.PI);
      ctx.fillStyle = cssColor(label);
      ctx.fill();
      ctx.lineWidth = width * scale;
      ctx.strokeStyle = ring;
      ctx.stroke();
    };
    session.train.X.forEach(([x, y], i) => dot(x!, y!, session.train.y[i]!, '#fff', 1));
    session.test.X.forEach(([x, y], i) => dot(x!, y!, session.test.y[i]!, '#000', 1.5));
  }
}
