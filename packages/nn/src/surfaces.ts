import { parseOptions } from '@ugrad/engine/internal';
import { GENERATOR, sized, type Dataset, type GeneratorOptions } from './datasets.js';
import { rngFrom, type Rng } from './random.js';

// TF Playground's two regression problems (github.com/tensorflow/playground,
// src/dataset.ts: regressPlane and regressGaussian): a value over the plane, to
// be learnt from points drawn uniformly in [-6, 6]².

const RADIUS = 6;

// The six bumps of "multi-gaussian": centre (x₁, x₂) and sign.
const BUMPS = [[-4, 2.5, 1], [0, 2.5, -1], [4, 2.5, 1], [-4, -2.5, -1], [0, -2.5, 1], [4, -2.5, -1]] as const;

/**
 * TF Playground's "plane": points `[x₁, x₂]` uniform in [-6, 6]², each labelled
 * `(x₁ + x₂) / 10` (so -1 at (-5, -5) and 1 at (5, 5)). With `noise`, the label
 * is read at a point displaced by up to `6·noise` in each coordinate (uniformly),
 * as in TF Playground, whose noise slider runs from 0 to 0.5.
 *
 * @example
 * const { X, y } = plane({ n: 200, noise: 0.1, seed: 0 }); // y[i] ≈ (X[i][0] + X[i][1]) / 10
 */
export function plane(options: GeneratorOptions = {}): Dataset {
  const o = parseOptions('plane', options, GENERATOR);
  sized('plane', o.n, 2);
  return surface(o.n, o.noise, rngFrom(o, 'plane'), (x1, x2) => (x1 + x2) / 10);
}

/**
 * TF Playground's "multi-gaussian": six bumps of height ±1 in two rows, centred
 * at x₁ = -4, 0, 4 and x₂ = ±2.5 with alternating signs, each falling linearly to 0
 * at distance 2 from its centre; a point is labelled with the bump largest in
 * absolute value there (0 far from all of them). Points and `noise` as in {@link plane}.
 *
 * @example
 * const { X, y } = gaussians({ n: 300, seed: 0 }); // y[i] in [-1, 1]
 */
export function gaussians(options: GeneratorOptions = {}): Dataset {
  const o = parseOptions('gaussians', options, GENERATOR);
  sized('gaussians', o.n, 2);
  return surface(o.n, o.noise, rngFrom(o, 'gaussians'), (x1, x2) => {
    let label = 0;
    for (const [cx, cy, sign] of BUMPS) {
      const v = sign * Math.max(0, 1 - Math.hypot(x1 - cx, x2 - cy) / 2);
      if (Math.abs(v) > Math.abs(label)) label = v;
    }
    return label;
  });
}

// n points uniform in [-6, 6]², each labelled at a point offset by up to 6·noise per coordinate.
function surface(n: number, noise: number, rng: Rng, label: (x1: number, x2: number) => number): Dataset {
  const X: number[][] = [];
  const y: number[] = [];
  for (let i = 0; i < n; i++) {
    const x1 = rng.uniform(-RADIUS, RADIUS), x2 = rng.uniform(-RADIUS, RADIUS);
    const d1 = rng.uniform(-RADIUS, RADIUS) * noise, d2 = rng.uniform(-RADIUS, RADIUS) * noise;
    X.push([x1, x2]);
    y.push(label(x1 + d1, x2 + d2));
  }
  return { X, y };
}
