import { blobs, circles, gaussians, moons, plane, spiral, xor, type Dataset } from '@ugrad/nn';

// The playground's problems: which datasets it offers, how each is generated, and the
// input features a point (x₁, x₂) can be shown to the network as. Pure, no DOM.

export const CLASSIFICATION = ['moons', 'circles', 'spiral', 'xor', 'blobs'] as const;
/** TF Playground's "plane" and "multi-gaussian" regression problems. */
export const REGRESSION = ['plane', 'gauss'] as const;
export const DATASETS = [...CLASSIFICATION, ...REGRESSION] as const;
export type DatasetName = (typeof DATASETS)[number];

export function isRegression(data: DatasetName): boolean {
  return (REGRESSION as readonly string[]).includes(data);
}

/** The input features of TF Playground, each a function of the point (x₁, x₂), and the same as script text. */
export const FEATURES = {
  x1: { label: 'x₁', code: 'x', f: (x: number, _y: number) => x },
  x2: { label: 'x₂', code: 'y', f: (_x: number, y: number) => y },
  x1sq: { label: 'x₁²', code: 'x * x', f: (x: number, _y: number) => x * x },
  x2sq: { label: 'x₂²', code: 'y * y', f: (_x: number, y: number) => y * y },
  x1x2: { label: 'x₁x₂', code: 'x * y', f: (x: number, y: number) => x * y },
  sinx1: { label: 'sin x₁', code: 'Math.sin(x)', f: (x: number, _y: number) => Math.sin(x) },
  sinx2: { label: 'sin x₂', code: 'Math.sin(y)', f: (_x: number, y: number) => Math.sin(y) },
} as const;
export type FeatureName = keyof typeof FEATURES;
export const FEATURE_NAMES = Object.keys(FEATURES) as FeatureName[];

/** The network's input row for the point (x, y): the chosen features, in FEATURES' order. */
export function featureRow(features: readonly FeatureName[], x: number, y: number): number[] {
  return features.map((name) => FEATURES[name].f(x, y));
}

/** What a dataset needs from the state. */
export interface DataSpec {
  data: DatasetName;
  classes: number;
  n: number;
  noise: number;
}

/**
 * The points of a problem as (x₁, x₂) rows with their labels: class indices for
 * classification, values in about [-1, 1] for regression. `seed` names the stream.
 */
export function generate(spec: DataSpec, seed: string): Dataset {
  const { n, noise } = spec;
  switch (spec.data) {
    case 'moons': return moons({ n, noise, seed });
    // factor 0.5 leaves a visible gap between the rings at low noise.
    case 'circles': return circles({ n, noise, factor: 0.5, seed });
    case 'spiral': return spiral({ n, noise, classes: spec.classes, seed });
    case 'xor': return xor({ n, noise, seed });
    // Centers on a circle instead of drawn from scikit-learn's [-10, 10] box: the
    // clusters then sit at the same scale as the other datasets and never overlap.
    case 'blobs': return blobs({ n, noise, centers: blobCenters(spec.classes), seed });
    case 'plane': return plane({ n, noise, seed });
    case 'gauss': return gaussians({ n, noise, seed });
  }
}

/** The centers `blobs` uses for k classes: evenly spaced on the unit circle. */
export function blobCenters(k: number): number[][] {
  return Array.from({ length: k }, (_, j) => [Math.cos((2 * Math.PI * j) / k + 0.5), Math.sin((2 * Math.PI * j) / k + 0.5)]);
}
