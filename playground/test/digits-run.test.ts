import { noGrad } from '@ugrad/engine';
import { digits } from '@ugrad/nn';
import { describe, expect, it } from 'vitest';
import { BLOCK, DigitsRun, EPOCHS, Pad, SIDE } from '../src/digits-run.js';

describe('Pad', () => {
  it('gives back every image of the data set it is loaded with, block by block', () => {
    const pad = new Pad();
    const { X } = digits();
    for (const image of X) {
      pad.load(image);
      expect(pad.pixels()).toEqual(image);
    }
    expect(pad.empty).toBe(false);
    pad.clear();
    expect(pad.empty).toBe(true);
    expect(pad.pixels()).toEqual(new Array(64).fill(0));
  });

  it('counts the on-pixels of each 4×4 block of its 32×32 bitmap, as the data set\'s images were made', () => {
    const pad = new Pad();
    // Pixels (0,0), (1,0), (3,3) in block (0,0); (31,31) in block (7,7).
    for (const [c, r] of [[0, 0], [1, 0], [3, 3], [31, 31]]) pad.bits[r! * SIDE + c!] = 1;
    const pixels = pad.pixels();
    expect([pixels[0], pixels[63], pixels.reduce((a, b) => a + b)]).toEqual([3, 1, 4]);
    expect(SIDE / BLOCK).toBe(8);
  });

  it('draws a stroke as the pixels within the pen\'s radius of the segment', () => {
    const pad = new Pad();
    // Horizontal along the centres of row 15, pen radius 2: row 15 reaches 2 beyond each end
    // (centres 2.5…29.5: 28 pixels), rows 14 and 16 √3 beyond (26), rows 13 and 17 just the span (24).
    pad.stroke(4.5, 15.5, 27.5, 15.5);
    const rows = Array.from({ length: SIDE }, (_, r) => pad.bits.subarray(r * SIDE, (r + 1) * SIDE).reduce((a, b) => a + b, 0));
    expect(rows.slice(12, 19)).toEqual([0, 24, 26, 28, 26, 24, 0]);
    expect(rows.reduce((a, b) => a + b)).toBe(24 + 26 + 28 + 26 + 24);
    // A dot (a segment of length 0) is a disc; nothing is drawn outside the bitmap.
    pad.clear();
    pad.stroke(0, 0, 0, 0);
    expect([...pad.bits].reduce((a, b) => a + b)).toBe(3); // centres (0.5,0.5), (1.5,0.5), (0.5,1.5)
  });
});

describe('DigitsRun', () => {
  const run = new DigitsRun(0);
  while (!run.done) run.step();

  it('trains 64-32-10, compiled, for its epochs, past 95% on the held-out fifth', () => {
    expect(run.model.nouts).toEqual([32, 10]);
    expect(run.trainer.mode).toBe('compiled');
    expect(run.trainer.epoch).toBe(EPOCHS);
    expect(run.train.X.length + run.test.X.length).toBe(1797);
    expect(run.testAccuracy()).toBeGreaterThan(0.95);
  });

  it('lists as misread exactly the test digits the accuracy counts wrong, each with the argmax of the outputs', () => {
    const wrong = run.misread();
    expect(wrong.length).toBe(Math.round((1 - run.testAccuracy()) * run.test.X.length));
    for (const { index, label, predicted } of wrong) {
      const out = noGrad(() => run.model.forward(run.test.X[index]!).map((v) => v.data));
      expect(label).toBe(run.test.y[index]);
      expect(predicted).toBe(out.indexOf(Math.max(...out)));
      expect(predicted).not.toBe(label);
    }
  });

  it('gives the pad\'s ten probabilities as the softmax of the outputs for the image scaled to [0, 1]', () => {
    const image = digits().X[5]!;
    const p = run.probabilities(image);
    const z = noGrad(() => run.model.forward(image.map((v) => v / 16)).map((v) => v.data));
    const m = Math.max(...z), e = z.map((v) => Math.exp(v - m)), total = e.reduce((a, b) => a + b);
    p.forEach((v, j) => expect(v).toBeCloseTo(e[j]! / total, 14));
    expect(Math.abs(p.reduce((a, b) => a + b) - 1)).toBeLessThan(1e-12);
  });

  it('reads digits drawn on the pad with the default pen', () => {
    const shapes: Record<number, [number, number][]> = {
      0: [[16, 4], [24, 8], [26, 16], [24, 24], [16, 28], [8, 24], [6, 16], [8, 8], [16, 4]],
      1: [[16, 4], [16, 28]],
      2: [[7, 9], [12, 4], [20, 4], [25, 9], [24, 15], [7, 28], [26, 28]],
      3: [[7, 5], [24, 5], [16, 15], [25, 20], [22, 27], [7, 27]],
      7: [[6, 5], [26, 5], [14, 28]],
    };
    for (const [digit, points] of Object.entries(shapes)) {
      const pad = new Pad();
      for (let i = 1; i < points.length; i++) pad.stroke(...points[i - 1]!, ...points[i]!);
      const p = run.probabilities(pad.pixels());
      expect(p.indexOf(Math.max(...p)), `a drawn ${digit}`).toBe(Number(digit));
    }
  });
});
