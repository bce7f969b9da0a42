import { Value, compileStep, dot, sum, type CompiledStep } from '@ugrad/engine';

/** An MLP of bare Values: weights W[l][j][k], biases B[l][j], and `params` in micrograd's order. */
export interface ValueMLP {
  W: Value[][][];
  B: Value[][];
  params: Value[];
}

/** Wraps initial weights (as from `initWeights`) in fresh Values. */
export function valueMLP(W: number[][][], B: number[][]): ValueMLP {
  const Wv = W.map((l) => l.map((r) => r.map((x) => new Value(x))));
  const Bv = B.map((l) => l.map((x) => new Value(x)));
  // micrograd's order: layer by layer, neuron by neuron, weights then bias
  return { W: Wv, B: Bv, params: Wv.flatMap((l, i) => l.flatMap((r, j) => [...r, Bv[i]![j]!])) };
}

/** The network's output for one input row: relu hidden layers, a linear output. */
export function mlpOutput({ W, B }: Pick<ValueMLP, 'W' | 'B'>, x: Value[]): Value {
  let h = x;
  for (let l = 0; l < W.length; l++) {
    const last = l === W.length - 1;
    h = W[l]!.map((w, j) => { const act = dot(w, h).add(B[l]![j]!); return last ? act : act.relu(); });
  }
  return h[0]!;
}

/**
 * micrograd's moons step, compiled: per sample the hinge loss `relu(1 - y·out)`,
 * averaged over the batch, plus 1e-4 · Σ p² once per batch.
 */
export function compileMoons(net: ValueMLP): CompiledStep {
  return compileStep({
    params: net.params,
    inputs: net.W[0]![0]!.length,
    sample: (x, [y]) => mlpOutput(net, x).mul(y!.neg()).add(1).relu(),
    extra: () => sum(net.params.map((p) => p.mul(p))).mul(1e-4),
  });
}

/**
 * The same step with the labels as plain numbers (`labels: true`), written as
 * @ugrad/nn's hinge writes it, `mul(-y)`: one program per label, the way `fit`
 * compiles losses that take number targets.
 */
export function compileMoonsLabels(net: ValueMLP): CompiledStep {
  return compileStep({
    params: net.params,
    inputs: net.W[0]![0]!.length,
    labels: true,
    sample: (x, [y]) => mlpOutput(net, x).mul(-y!).add(1).relu(),
    extra: () => sum(net.params.map((p) => p.mul(p))).mul(1e-4),
  });
}

/** Plain SGD on Values, as an optimizer would do it. */
export function sgd(params: Value[], lr: number): void {
  for (const p of params) p.data -= lr * p.grad;
}

/** One compiled training step: zero the grads, forward + backward, update. Returns the loss. */
export function compiledStep(step: CompiledStep, net: ValueMLP, X: number[][], y: number[], lr: number): number {
  for (const p of net.params) p.grad = 0;
  const loss = step.step(X, y);
  sgd(net.params, lr);
  return loss;
}
