import { noGrad, softmax } from '@ugrad/engine';
import { Adam, MLP, Trainer, digits, trainTestSplit, type Dataset, type StepInfo } from '@ugrad/nn';
import { Forward } from './forward.js';

// The digits page without the DOM: scikit-learn's 8×8 handwritten digits, a
// stratified 80/20 split, and an MLP 64-32-10 trained with softmax cross-entropy
// and Adam (examples/digits.ts's set-up), compiled; and the drawing pad, whose
// 32×32 bitmap becomes an 8×8 image the way the data set's images were made.

/** Passes over the 1437 training images; with batches of BATCH that is 345 steps. */
export const EPOCHS = 15;
export const BATCH = 64;
export const LR = 0.01;

/** A test image the model misreads: its row in `test`, its label and the model's reading. */
export interface Misread {
  index: number;
  label: number;
  predicted: number;
}

/** One training run, taken a step at a time so the page can draw between steps. */
export class DigitsRun {
  readonly train: Dataset;
  readonly test: Dataset;
  readonly model: MLP;
  readonly trainer: Trainer;
  readonly #forward: Forward;

  constructor(readonly seed: number) {
    // Pixels scaled from 0..16 to [0, 1]; each digit in the same proportion in both sets.
    const { train, test } = trainTestSplit(digits({ scale: true }), { testFraction: 0.2, stratify: true, seed });
    this.train = train;
    this.test = test;
    this.model = new MLP(64, [32, 10], { seed, init: 'he' });
    this.trainer = new Trainer(this.model, train, {
      loss: 'crossEntropy', optimizer: new Adam(this.model.parameters(), { lr: LR }), batchSize: BATCH, epochs: EPOCHS, seed,
    });
    this.#forward = new Forward(this.model.parameters(), 64, 10, (x) => this.model.forward(x));
  }

  get done(): boolean {
    return this.trainer.done;
  }

  step(): StepInfo {
    return this.trainer.step();
  }

  /** Accuracy on the held-out images now (the Trainer's evaluation, compiled). */
  testAccuracy(): number {
    return this.trainer.evaluate(this.test).accuracy!;
  }

  /** The ten class probabilities for an image of 64 pixels in 0..16 (the data set's own scale): the softmax of the outputs. */
  probabilities(pixels: readonly number[]): number[] {
    return noGrad(() => softmax(this.model.forward(pixels.map((p) => p / 16))).map((v) => v.data));
  }

  /** The test images the model misreads now, in test order. */
  misread(): Misread[] {
    const out = this.#forward.run(this.test.X), wrong: Misread[] = [];
    this.test.y.forEach((label, i) => {
      let best = 0;
      for (let j = 1; j < 10; j++) if (out[i * 10 + j]! > out[i * 10 + best]!) best = j;
      if (best !== label) wrong.push({ index: i, label, predicted: best });
    });
    return wrong;
  }
}

/** The pad's bitmap is SIDE × SIDE pixels; the network sees it as 8 × 8 blocks of BLOCK × BLOCK. */
export const SIDE = 32;
export const BLOCK = 4;

// A 4×4 ordered-dither (Bayer) rank per pixel of a block: a block holding k pixels on lights the k lowest ranks, spread out.
const BAYER = [0, 8, 2, 10, 12, 4, 14, 6, 3, 11, 1, 9, 15, 7, 13, 5];

/**
 * A drawing pad as the data set was made: the UCI optdigits images are 32×32 bitmaps
 * whose on-pixels were counted in non-overlapping 4×4 blocks, giving 8×8 images of 0..16.
 */
export class Pad {
  readonly bits = new Uint8Array(SIDE * SIDE);

  /**
   * Turns on every pixel whose centre lies within `radius` of the segment (x0, y0)–(x1, y1),
   * in bitmap units. The default pen, 4 pixels wide, gives a digit about the ink of the
   * data set's (some 300 in all, over the 64 pixels).
   */
  stroke(x0: number, y0: number, x1: number, y1: number, radius = 2): void {
    const dx = x1 - x0, dy = y1 - y0, len2 = dx * dx + dy * dy;
    const lo = (a: number, b: number): number => Math.max(0, Math.floor(Math.min(a, b) - radius));
    const hi = (a: number, b: number): number => Math.min(SIDE - 1, Math.ceil(Math.max(a, b) + radius));
    for (let r = lo(y0, y1); r <= hi(y0, y1); r++) {
      for (let c = lo(x0, x1); c <= hi(x0, x1); c++) {
        const px = c + 0.5, py = r + 0.5;
        // The nearest point of the segment: its parameter t clamped to [0, 1].
        const t = len2 === 0 ? 0 : Math.max(0, Math.min(1, ((px - x0) * dx + (py - y0) * dy) / len2));
        if (Math.hypot(px - (x0 + t * dx), py - (y0 + t * dy)) <= radius) this.bits[r * SIDE + c] = 1;
      }
    }
  }

  clear(): void {
    this.bits.fill(0);
  }

  get empty(): boolean {
    return !this.bits.includes(1);
  }

  /** The 8×8 image the network sees, row by row: the on-pixels of each 4×4 block, 0..16. */
  pixels(): number[] {
    const n = SIDE / BLOCK, out = new Array<number>(n * n).fill(0);
    for (let r = 0; r < SIDE; r++) for (let c = 0; c < SIDE; c++) out[Math.floor(r / BLOCK) * n + Math.floor(c / BLOCK)]! += this.bits[r * SIDE + c]!;
    return out;
  }

  /** Puts an 8×8 image (whole numbers 0..16) on the pad: each block lights that many of its pixels, dithered, so `pixels()` gives it back. */
  load(image: readonly number[]): void {
    const n = SIDE / BLOCK;
    for (let r = 0; r < SIDE; r++) {
      for (let c = 0; c < SIDE; c++) {
        const k = image[Math.floor(r / BLOCK) * n + Math.floor(c / BLOCK)]!;
        this.bits[r * SIDE + c] = BAYER[(r % BLOCK) * BLOCK + (c % BLOCK)]! < k ? 1 : 0;
      }
    }
  }
}
