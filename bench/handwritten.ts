/**
 * The arrays a hand-written dense network works in: weights and biases per
 * layer, their gradients, and per-sample scratch. Both yardsticks (moons and
 * digits) extend it.
 */
export class DenseBuffers {
  /** Weights per layer, row-major [out][in], and biases. */
  readonly W: Float64Array[];
  readonly B: Float64Array[];
  /** Gradients of the last `lossAndGrad`, laid out like W and B. */
  readonly GW: Float64Array[];
  readonly GB: Float64Array[];
  protected readonly sizes: number[];
  // Per sample: each layer's pre-activation and output, and the adjoints.
  protected readonly z: Float64Array[];
  protected readonly a: Float64Array[];
  protected readonly d: Float64Array[];

  /** `sizes` e.g. [2, 16, 16, 1]; `W[l][j][k]` and `B[l][j]` the initial weights. */
  constructor(sizes: number[], W: number[][][], B: number[][]) {
    this.sizes = sizes;
    this.W = W.map((l) => Float64Array.from(l.flat()));
    this.B = B.map((l) => Float64Array.from(l));
    this.GW = this.W.map((w) => new Float64Array(w.length));
    this.GB = this.B.map((b) => new Float64Array(b.length));
    this.z = sizes.map((n) => new Float64Array(n));
    this.a = sizes.map((n) => new Float64Array(n));
    this.d = sizes.map((n) => new Float64Array(n));
  }
}

/**
 * micrograd's moons training step written by hand over Float64Arrays, with no
 * autograd: an MLP with relu hidden layers and a linear output, hinge loss
 * `mean(relu(1 - y·out))` plus 1e-4 · Σ w², full batch, SGD. It is the yardstick
 * for the compiled step: the same arithmetic, with nothing generic about it.
 */
export class HandwrittenMLP extends DenseBuffers {

  /** Loss over the batch (X row-major n × nin, y = ±1), and its gradients into GW, GB. */
  lossAndGrad(X: Float64Array, y: Float64Array, n: number): number {
    const sizes = this.sizes, L = sizes.length - 1;
    const { W, B, GW, GB } = this;
    const z = this.z, a = this.a, d = this.d;
    for (let l = 0; l < L; l++) { GW[l]!.fill(0); GB[l]!.fill(0); }
    const inv = n ** -1;
    let hinge = 0;
    for (let s = 0; s < n; s++) {
      a[0]!.set(X.subarray(s * sizes[0]!, (s + 1) * sizes[0]!));
      for (let l = 0; l < L; l++) forward(W[l]!, B[l]!, a[l]!, z[l + 1]!, a[l + 1]!, l < L - 1);
      const margin = 1 + a[L]![0]! * -y[s]!;
      hinge += margin <= 0 ? 0 : margin;
      d[L]![0] = margin > 0 ? -y[s]! * inv : 0;
      for (let l = L - 1; l >= 0; l--) backward(W[l]!, GW[l]!, GB[l]!, a[l]!, d[l + 1]!, l > 0 ? d[l]! : null, z[l]!);
    }
    let sq = 0;
    for (let l = 0; l < L; l++) sq += decay(W[l]!, GW[l]!) + decay(B[l]!, GB[l]!);
    return hinge * inv + 1e-4 * sq;
  }

  /** The gradients of the last `lossAndGrad` in micrograd's parameter order (per neuron: weights, then bias). */
  grads(): number[] {
    const out: number[] = [];
    this.GW.forEach((gw, l) => {
      const gb = this.GB[l]!, nin = gw.length / gb.length;
      for (let j = 0; j < gb.length; j++) out.push(...gw.subarray(j * nin, (j + 1) * nin), gb[j]!);
    });
    return out;
  }

  /** One full training step: gradients, then `w -= lr · g`. Returns the loss before the update. */
  step(X: Float64Array, y: Float64Array, n: number, lr: number): number {
    const loss = this.lossAndGrad(X, y, n);
    for (let l = 0; l < this.W.length; l++) {
      const w = this.W[l]!, gw = this.GW[l]!, b = this.B[l]!, gb = this.GB[l]!;
      for (let i = 0; i < w.length; i++) w[i] -= lr * gw[i]!;
      for (let i = 0; i < b.length; i++) b[i] -= lr * gb[i]!;
    }
    return loss;
  }
}

/** One layer forward: zo = w·ai + b, ao = relu(zo) (or zo for the output layer). */
export function forward(w: Float64Array, b: Float64Array, ai: Float64Array, zo: Float64Array, ao: Float64Array, relu: boolean): void {
  const nin = ai.length, nout = zo.length;
  for (let j = 0, row = 0; j < nout; j++, row += nin) {
    let acc = w[row]! * ai[0]!;
    for (let k = 1; k < nin; k++) acc += w[row + k]! * ai[k]!;
    acc += b[j]!;
    zo[j] = acc;
    ao[j] = relu && acc <= 0 ? 0 : acc;
  }
}

// One layer backward from dout (the adjoint of its pre-activation): weight and
// bias gradients, and, unless it is the first layer, din = relu'(zi) · wᵀ·dout.
// A neuron whose adjoint is 0 (relu off, margin met) adds only zeros: skipped.
export function backward(w: Float64Array, gw: Float64Array, gb: Float64Array, ai: Float64Array, dout: Float64Array, din: Float64Array | null, zi: Float64Array): void {
  const nin = ai.length, nout = dout.length;
  if (din) din.fill(0);
  for (let j = 0, row = 0; j < nout; j++, row += nin) {
    const g = dout[j]!;
    if (g === 0) continue;
    gb[j] += g;
    for (let k = 0; k < nin; k++) gw[row + k] += g * ai[k]!;
    if (din) for (let k = 0; k < nin; k++) din[k] += g * w[row + k]!;
  }
  if (din) for (let k = 0; k < nin; k++) if (!(zi[k]! > 0)) din[k] = 0;
}

// Σ p² over one array, adding d(1e-4·Σ p²)/dp to its gradient.
function decay(p: Float64Array, g: Float64Array): number {
  let sq = 0;
  for (let i = 0; i < p.length; i++) { sq += p[i]! * p[i]!; g[i] += 2e-4 * p[i]!; }
  return sq;
}
