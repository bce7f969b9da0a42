// The union package registers tfjs-core's own gradient functions (tfjs-core alone
// cannot load them in Node); the benchmark uses its pure-JavaScript cpu backend.
import * as tf from '@tensorflow/tfjs';

/**
 * Selects TensorFlow.js's pure-JavaScript cpu backend. Its first tensor prints
 * an advert for the native Node backend; that one warning is swallowed so the
 * benchmark's output stays a table.
 */
export async function tfjsReady(): Promise<void> {
  await tf.setBackend('cpu');
  const warn = console.warn;
  console.warn = () => {};
  try { tf.scalar(0).dispose(); } finally { console.warn = warn; }
}

/**
 * micrograd's moons step in TensorFlow.js (float32): an MLP with relu hidden
 * layers and a linear output, `mean(relu(1 - y·out)) + 1e-4·Σw²`, full batch,
 * plain SGD — the same step as the other implementations, batched as matrices.
 */
export class TfjsMLP {
  readonly #vars: tf.Variable[];
  readonly #W: tf.Variable[];
  readonly #B: tf.Variable[];
  readonly #X: tf.Tensor2D;
  readonly #y: tf.Tensor2D;
  readonly #opt: tf.SGDOptimizer;

  /** W[l] is [out][in] as from `initWeights`; it is stored transposed, [in][out], for `X·W`. */
  constructor(W: number[][][], B: number[][], X: number[][], y: number[], lr: number) {
    this.#W = W.map((w) => tf.variable(tf.transpose(tf.tensor2d(w))));
    this.#B = B.map((b) => tf.variable(tf.tensor1d(b)));
    this.#vars = [...this.#W, ...this.#B];
    this.#X = tf.tensor2d(X);
    this.#y = tf.tensor2d(y.map((v) => [v]));
    this.#opt = tf.train.sgd(lr);
  }

  #loss(): tf.Scalar {
    let h: tf.Tensor2D = this.#X;
    this.#W.forEach((w, l) => {
      const z = tf.add(tf.matMul(h, w), this.#B[l]!) as tf.Tensor2D;
      h = l < this.#W.length - 1 ? tf.relu(z) : z;
    });
    const hinge = tf.mean(tf.relu(tf.sub(1, tf.mul(this.#y, h))));
    const l2 = tf.addN(this.#vars.map((v) => tf.sum(tf.square(v))));
    return tf.add(hinge, tf.mul(1e-4, l2));
  }

  /** One training step; returns the loss before the update. */
  step(): number {
    const cost = this.#opt.minimize(() => this.#loss(), true, this.#vars)!;
    const value = cost.dataSync()[0]!;
    cost.dispose();
    return value;
  }

  /** The loss at the current weights. */
  loss(): number {
    return tf.tidy(() => this.#loss().dataSync()[0]!);
  }
}
