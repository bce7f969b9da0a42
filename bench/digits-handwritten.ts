import { DenseBuffers, backward, forward } from './handwritten.js';

/**
 * The digits workload written by hand over Float64Arrays, with no autograd:
 * an MLP with ReLU hidden layers and a linear output, softmax cross-entropy
 * `mean(logΣexp(z) - z[y])` over a minibatch, and PyTorch's Adam. It is the
 * yardstick for `fit` on real data: the same arithmetic, nothing generic.
 */
export class HandwrittenClassifier extends DenseBuffers {
  // Adam's moments, one pair per array of W and B, and its step count.
  readonly #m: Float64Array[];
  readonly #v: Float64Array[];
  #t = 0;

  /** `sizes` e.g. [64, 32, 10]; `W[l][j][k]` and `B[l][j]` the initial weights. */
  constructor(sizes: number[], W: number[][][], B: number[][]) {
    super(sizes, W, B);
    this.#m = [...this.W, ...this.B].map((p) => new Float64Array(p.length));
    this.#v = [...this.W, ...this.B].map((p) => new Float64Array(p.length));
  }

  /** The output layer's logits for one row (left in the returned buffer until the next call). */
  #forward(X: Float64Array, row: number): Float64Array {
    const sizes = this.sizes, L = sizes.length - 1, a = this.a, z = this.z;
    a[0]!.set(X.subarray(row * sizes[0]!, (row + 1) * sizes[0]!));
    for (let l = 0; l < L; l++) forward(this.W[l]!, this.B[l]!, a[l]!, z[l + 1]!, a[l + 1]!, l < L - 1);
    return a[L]!;
  }

  /** Mean cross-entropy over the rows `rows` of X (row-major, n × nin), and its gradients into GW, GB. */
  lossAndGrad(X: Float64Array, y: Float64Array, rows: Int32Array | number[]): number {
    const sizes = this.sizes, L = sizes.length - 1;
    const { W, GW, GB } = this;
    const a = this.a, z = this.z, d = this.d;
    for (let l = 0; l < L; l++) { GW[l]!.fill(0); GB[l]!.fill(0); }
    const inv = 1 / rows.length;
    let total = 0;
    for (const s of rows) {
      const out = this.#forward(X, s);
      const label = y[s]!;
      total += softmaxInto(out, label, d[L]!, inv);
      for (let l = L - 1; l >= 0; l--) backward(W[l]!, GW[l]!, GB[l]!, a[l]!, d[l + 1]!, l > 0 ? d[l]! : null, z[l]!);
    }
    return total * inv;
  }

  /** One step of PyTorch's Adam (betas 0.9, 0.999, eps 1e-8) on the last gradients. */
  adam(lr: number): void {
    const beta1 = 0.9, beta2 = 0.999, eps = 1e-8;
    const t = ++this.#t;
    const stepSize = lr / (1 - beta1 ** t);
    const bc2Sqrt = Math.sqrt(1 - beta2 ** t);
    const params = [...this.W, ...this.B], grads = [...this.GW, ...this.GB];
    for (let k = 0; k < params.length; k++) {
      const p = params[k]!, g = grads[k]!, m = this.#m[k]!, v = this.#v[k]!;
      for (let i = 0; i < p.length; i++) {
        const gi = g[i]!;
        m[i] = m[i]! + (1 - beta1) * (gi - m[i]!);
        v[i] = v[i]! * beta2 + (1 - beta2) * gi * gi;
        p[i] = p[i]! + (-stepSize * m[i]!) / (Math.sqrt(v[i]!) / bc2Sqrt + eps);
      }
    }
  }

  /** One training step on the given rows: gradients, then Adam. Returns the loss before the update. */
  step(X: Float64Array, y: Float64Array, rows: Int32Array | number[], lr: number): number {
    const loss = this.lossAndGrad(X, y, rows);
    this.adam(lr);
    return loss;
  }

  /** Mean cross-entropy and accuracy over the first n rows: a forward pass only. */
  evaluate(X: Float64Array, y: Float64Array, n: number): { loss: number; accuracy: number } {
    let total = 0, correct = 0;
    for (let s = 0; s < n; s++) {
      const out = this.#forward(X, s);
      let best = 0, max = out[0]!;
      for (let k = 1; k < out.length; k++) if (out[k]! > max) { max = out[k]!; best = k; }
      let sum = 0;
      for (let k = 0; k < out.length; k++) sum += Math.exp(out[k]! - max);
      total += max + Math.log(sum) - out[y[s]!]!;
      if (best === y[s]) correct++;
    }
    return { loss: total / n, accuracy: correct / n };
  }

  /** The parameters in micrograd's order (per neuron: weights, then bias), as ugrad's MLP lists them. */
  params(): number[] {
    return interleave(this.W, this.B);
  }

  /** The gradients of the last `lossAndGrad`, in the same order. */
  grads(): number[] {
    return interleave(this.GW, this.GB);
  }
}

function interleave(W: Float64Array[], B: Float64Array[]): number[] {
  const out: number[] = [];
  W.forEach((w, l) => {
    const b = B[l]!, nin = w.length / b.length;
    for (let j = 0; j < b.length; j++) out.push(...w.subarray(j * nin, (j + 1) * nin), b[j]!);
  });
  return out;
}

// The loss logΣexp(z) - z[label] of one sample, and its gradient (softmax(z) - onehot) · scale into d.
function softmaxInto(z: Float64Array, label: number, d: Float64Array, scale: number): number {
  let max = z[0]!;
  for (let k = 1; k < z.length; k++) if (z[k]! > max) max = z[k]!;
  let sum = 0;
  for (let k = 0; k < z.length; k++) { const e = Math.exp(z[k]! - max); d[k] = e; sum += e; }
  for (let k = 0; k < z.length; k++) d[k] = (d[k]! / sum - (k === label ? 1 : 0)) * scale;
  return max + Math.log(sum) - z[label]!;
}
