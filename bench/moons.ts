import seedrandom from 'seedrandom';

/** scikit-learn's make_moons (shuffle=False), labels mapped to ±1 as in micrograd's demo. */
export function moonsData(n: number, noise: number, seed: string): { X: number[][]; y: number[] } {
  const rng = seedrandom(seed);
  const gauss = () => Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng());
  const nOut = Math.floor(n / 2), nIn = n - nOut;
  const X: number[][] = [], y: number[] = [];
  for (let i = 0; i < nOut; i++) {
    const t = (Math.PI * i) / (nOut - 1);
    X.push([Math.cos(t) + noise * gauss(), Math.sin(t) + noise * gauss()]);
    y.push(-1);
  }
  for (let i = 0; i < nIn; i++) {
    const t = (Math.PI * i) / (nIn - 1);
    X.push([1 - Math.cos(t) + noise * gauss(), 1 - Math.sin(t) - 0.5 + noise * gauss()]);
    y.push(1);
  }
  return { X, y };
}

/** Layer sizes → weights uniform(-1, 1) and zero biases, flat per layer as [out][in]. */
export function initWeights(sizes: number[], seed: string): { W: number[][][]; B: number[][] } {
  const rng = seedrandom(seed);
  const W: number[][][] = [], B: number[][] = [];
  for (let l = 0; l + 1 < sizes.length; l++) {
    W.push(Array.from({ length: sizes[l + 1]! }, () => Array.from({ length: sizes[l]! }, () => rng() * 2 - 1)));
    B.push(new Array<number>(sizes[l + 1]!).fill(0));
  }
  return { W, B };
}
