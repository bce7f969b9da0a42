import { LOSSES, LOSS_NAMES, type AccuracyRule, type LossName } from '@ugrad/nn';

// What the page asks of @ugrad/nn's loss table: which losses can learn a problem, how
// wide the model's output is, and how the map reads a class from outputs. Every
// answer comes from the table's own entries (outputs, targets, accuracy); nothing
// here knows a loss by name.

/** The model's output width for `loss` on `classes` classes (0: regression): one, unless the table refuses one output. */
export function outputWidth(loss: LossName, classes: number): number {
  return LOSSES[loss].outputs.ok(1) ? 1 : classes;
}

/**
 * Whether the loss table lets `loss` learn a problem with `classes` classes (0: a
 * regression problem, values in [-1, 1]): the model's width passes its output check,
 * its label conversion takes the labels, and for classes, its accuracy rule counts them.
 */
export function lossFits(loss: LossName, classes: number): boolean {
  const spec = LOSSES[loss], width = outputWidth(loss, classes);
  if (!spec.outputs.ok(width)) return false;
  const labels = classes === 0 ? [-1, 0.5, 1] : Array.from({ length: classes }, (_, c) => c);
  try {
    const targets = spec.targets(labels, width, 'playground', 'labels');
    return classes === 0 || spec.accuracy(targets, width) !== null;
  } catch {
    return false;
  }
}

/** The first loss in the table that can learn the problem: hinge for two classes, crossEntropy for more, mse for regression. */
export function firstFitting(classes: number): LossName {
  return LOSS_NAMES.find((loss) => lossFits(loss, classes))!;
}

/** The class one output row stands for, and how sure it is, in [0, 1]. */
export interface Reading {
  label: number;
  confidence: number;
}

/** Reads the class and confidence from `width` outputs at `out[at…]`. */
export type OutputReader = (out: ArrayLike<number>, at: number) => Reading;

/**
 * How the map reads a class from a classifier's outputs: by the loss's accuracy
 * rule (the class the Trainer's accuracy counts). Confidence: for a threshold rule,
 * how far the output is past the threshold, as a share of the distance to the class's
 * target (hinge: ±1 is full; mse on 0/1: 0 and 1 are; bce: a logit of ±1 is); for
 * argmax, the top softmax probability rescaled from [1/k, 1] to [0, 1].
 */
export function outputReader(loss: LossName, classes: number): OutputReader {
  const spec = LOSSES[loss], width = outputWidth(loss, classes);
  const labels = Array.from({ length: classes }, (_, c) => c);
  const targets = spec.targets(labels, width, 'playground', 'labels');
  const rule: AccuracyRule | null = spec.accuracy(targets, width);
  if (rule === null) throw new RangeError(`playground: the ${loss} loss has no accuracy rule for ${classes} classes`);
  if (rule.kind === 'threshold') {
    const at = rule.at, reach = Math.abs(targets[1]! - at);
    return (out, i) => {
      const s = out[i]!, confidence = Math.min(1, Math.abs(s - at) / reach);
      return { label: s > at ? 1 : 0, confidence: Number.isNaN(confidence) ? 0 : confidence };
    };
  }
  return (out, i) => {
    let best = 0;
    for (let j = 1; j < width; j++) if (out[i + j]! > out[i + best]!) best = j;
    let total = 0;
    for (let j = 0; j < width; j++) total += Math.exp(out[i + j]! - out[i + best]!);
    const confidence = (1 / total - 1 / width) / (1 - 1 / width);
    return { label: best, confidence: Number.isNaN(confidence) ? 0 : confidence };
  };
}
