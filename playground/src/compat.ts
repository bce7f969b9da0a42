import type { Value } from '@ugrad/engine';
import { fmt, shortName } from './fmt.js';
import { LOSSES, MLP, bceWithLogits, hinge, mse, softmaxCrossEntropy, type LossName } from '@ugrad/nn';

// Stand-ins for what @ugrad/nn and @ugrad/engine are getting (issue 9): the loss table
// (each loss's label conversion, output width and reading of an output), MLP.fromConfig,
// and the engine's op table with public local derivatives. Everything the playground
// knows about losses, ops and rebuilding a model lives in this one file, so moving to
// the library's versions is an edit here and nowhere else.

export { LOSSES, type LossName };

/** Labels as `loss` trains on them: hinge and mse aim at ±1, so classes 0/1 become -1/+1; regression values stay. */
export function lossTargets(loss: LossName, labels: readonly number[], regression: boolean): number[] {
  return !regression && (loss === 'hinge' || loss === 'mse') ? labels.map((c) => 2 * c - 1) : [...labels];
}

/** The loss of a batch of outputs against targets from {@link lossTargets} (the sample graph's loss). */
export function dataLoss(loss: LossName, outputs: readonly Value[][], targets: readonly number[]): Value {
  switch (loss) {
    case 'hinge': return hinge(outputs, targets);
    case 'mse': return mse(outputs, targets.map((t) => [t]));
    case 'bce': return bceWithLogits(outputs, targets);
    case 'crossEntropy': return softmaxCrossEntropy(outputs, targets);
  }
}

/** Outputs the model needs: one per class for crossEntropy, else one. */
export function outputWidth(loss: LossName, classes: number): number {
  return loss === 'crossEntropy' ? classes : 1;
}

/** The class one output row stands for, and how sure it is, in [0, 1]. */
export interface Reading {
  label: number;
  confidence: number;
}

/** Reads the class and confidence from `width` outputs at `out[at…]`, as the loss's accuracy rule does. */
export function readOutput(loss: LossName, out: ArrayLike<number>, at: number, width: number): Reading {
  if (width === 1) {
    const s = out[at]!;
    // Hinge and mse aim at ±1, so |s| ≥ 1 is full confidence; bce's s is a logit: |2σ(s) − 1| = |tanh(s/2)|.
    const confidence = loss === 'bce' ? Math.abs(Math.tanh(s / 2)) : Math.min(1, Math.abs(s));
    return { label: s > 0 ? 1 : 0, confidence: Number.isNaN(confidence) ? 0 : confidence };
  }
  let best = 0;
  for (let j = 1; j < width; j++) if (out[at + j]! > out[at + best]!) best = j;
  let total = 0;
  for (let j = 0; j < width; j++) total += Math.exp(out[at + j]! - out[at + best]!);
  // Rescale the top softmax probability from [1/k, 1] to [0, 1].
  const confidence = (1 / total - 1 / width) / (1 - 1 / width);
  return { label: best, confidence: Number.isNaN(confidence) ? 0 : confidence };
}

/** A fresh MLP with `model`'s architecture (weights not copied): what MLP.fromConfig will do. */
export function rebuild(model: MLP): MLP {
  const { nin, nouts, activations, negativeSlope } = model.config();
  return new MLP(nin, nouts, { activations, negativeSlope });
}

/** The local derivative of `v` with respect to each of its inputs, as the engine stored them in the op. */
export function localGrads(v: Value): number[] {
  return v.children.map((_, j) => (j === 0 ? v._da : v._db));
}

/**
 * The local derivative of an op's output with respect to its input `j`, as a formula
 * in the inputs `a` (and `b`) and the output `v`. `op` is as opText writes it.
 */
export function localRule(op: string, j: number): string {
  if (op.startsWith('**') && op.length > 2) return `${op.slice(2)}·a^(${op.slice(2)}−1)`; // constant exponent
  switch (op) {
    case '+': return '1';
    case '*': return j === 0 ? 'b' : 'a';
    case '**': return j === 0 ? 'b·a^(b−1)' : 'a^b·ln a';
    case 'exp': return 'e^a = v';
    case 'log': return '1/a';
    case 'tanh': return '1 − v²';
    case 'sigmoid': return 'v·(1 − v)';
    case 'relu': return 'a > 0 ? 1 : 0';
    case 'leakyRelu': return 'a > 0 ? 1 : slope';
    case 'abs': return 'sign(a)';
    // d/da ln(eᵃ + eᵇ) = eᵃ/(eᵃ + eᵇ) = σ(a − b)
    case 'logAddExp': return j === 0 ? 'σ(a − b) = e^(a−v)' : 'σ(b − a) = e^(b−v)';
    default: return `∂${op}/∂input`;
  }
}

/** How the node was computed, written with its inputs' names: `a + b`, `tanh(a)`, `a^-1`. */
export function formula(op: string, inputs: readonly string[]): string {
  const [a = '?', b = '?'] = inputs;
  if (op.startsWith('**') && op.length > 2) return `${a}^${op.slice(2)}`;
  switch (op) {
    case '+': return `${a} + ${b}`;
    case '*': return `${a} · ${b}`;
    case '**': return `${a}^${b}`;
    case 'logAddExp': return `ln(e^${a} + e^${b})`;
    default: return `${op}(${a})`;
  }
}

/** Every op the engine makes, for the test that each has a rule and a formula here. */
export const OPS = ['+', '*', '**', '**2', 'exp', 'log', 'tanh', 'sigmoid', 'relu', 'leakyRelu', 'abs', 'logAddExp'] as const;

/**
 * What went non-finite, in words, when the trainer refused a step (it checks the loss and
 * every gradient before updating); null for any other error. Read from the trainer's
 * message until nn throws a structured error.
 */
export function divergence(err: unknown): string | null {
  if (!(err instanceof Error)) return null;
  const numbers = (text: string): string => text
    .replace(/"([\w.]+)"/g, (_, name: string) => shortName(name))
    .replace(/-?\d+\.\d+(?:e[+-]?\d+)?|-?\d+e[+-]?\d+/g, (n) => fmt(Number(n)))
    .replace(/-?Infinity|NaN/g, nonFinite);
  const loss = /loss became (\S+) at step \d+ \(epoch \d+\)(?:; first non-finite value: (.*))?$/.exec(err.message);
  if (loss) return `the loss became ${nonFinite(loss[1]!)}${loss[2] ? ` (first non-finite value: ${numbers(loss[2])})` : ''}`;
  const grad = /the gradient of parameter "([^"]+)" became (\S+) at step/.exec(err.message);
  if (grad) return `the gradient of ${shortName(grad[1]!)} became ${nonFinite(grad[2]!)}`;
  return null;
}

function nonFinite(word: string): string {
  return word === 'NaN' ? 'NaN (not a number)' : word === '-Infinity' ? '−∞' : word === 'Infinity' ? '+∞' : word;
}
