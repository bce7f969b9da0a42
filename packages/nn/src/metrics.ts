import { arrayOf, count, finite, optional, parseOptions, rangeError, typeError, withDefault, type Check } from '@ugrad/engine/internal';
import { withinMaxSize } from './limits.js';

// Classification metrics on predicted labels, with scikit-learn's conventions:
// confusion-matrix rows are true classes and columns predicted ones; a ratio
// whose denominator is 0 is `zeroDivision` (scikit-learn's default 'warn'
// gives 0, and so do we, without the warning).

/** Which labels a metric covers: `k` for `0..k-1`, or the labels themselves, in the order wanted. */
export type Classes = number | readonly number[];

/** Precision, recall and F1 averaged over classes. */
export interface AveragedScores {
  /** Of the samples predicted as a class, the fraction that are of it. */
  precision: number;
  /** Of the samples of a class, the fraction predicted as it. */
  recall: number;
  /** The harmonic mean of precision and recall. */
  f1: number;
}

/** What {@link classificationReport} returns: per-class scores in the order of `classes`, and averages. */
export interface ClassificationReport {
  /** The labels, in the order of every per-class array and of the matrix's rows and columns. */
  classes: number[];
  /** tp / (tp + fp): of the samples predicted as the class, the share that are. */
  precision: number[];
  /** tp / (tp + fn): of the samples of the class, the share predicted as it. */
  recall: number[];
  /** The harmonic mean of precision and recall, 2·p·r / (p + r); 0 when both are 0. */
  f1: number[];
  /** Samples of each class in `yTrue`. */
  support: number[];
  /** Samples predicted right, over all samples. */
  accuracy: number;
  /** The unweighted mean over classes. */
  macro: AveragedScores;
  /** The mean over classes weighted by support. */
  weighted: AveragedScores;
  /** {@link confusionMatrix} of the same labels. */
  confusion: number[][];
}

/** Options for {@link classificationReport}. */
export interface ReportOptions {
  /** The labels to report on (default: every label in yTrue or yPred, in increasing order). */
  classes?: Classes;
  /** The value of a ratio with a zero denominator, 0 (default) or 1: scikit-learn's `zero_division`. */
  zeroDivision?: 0 | 1;
}

const classesCheck: Check<number[]> = (x, where, what) => {
  if (typeof x === 'number') {
    const k = count(x, where, what);
    cells(k, where);
    return Array.from({ length: k }, (_, i) => i);
  }
  const labels = arrayOf(finite, { min: 1 })(x, where, what);
  const seen = new Set<number>();
  labels.forEach((label, i) => {
    if (seen.has(label)) throw new RangeError(`${where}: expected ${what} to hold distinct labels, got ${label} again at ${what}[${i}]`);
    seen.add(label);
  });
  return labels;
};

const zeroDivisionCheck: Check<0 | 1> = (x, where, what) => {
  if (x !== 0 && x !== 1) throw (typeof x === 'number' ? rangeError : typeError)(where, what, '0 or 1', x);
  return x;
};

/**
 * The confusion matrix: `C[i][j]` counts the samples of class `classes[i]`
 * predicted as class `classes[j]` (rows true, columns predicted, as in
 * scikit-learn). `classes` is `k` for labels `0..k-1` or an array of labels;
 * by default every label in `yTrue` or `yPred`, in increasing order. A label
 * outside `classes` is a RangeError (scikit-learn would drop the sample).
 *
 * @example
 * confusionMatrix([0, 1, 2, 2], [0, 2, 2, 2]); // [[1, 0, 0], [0, 0, 1], [0, 0, 2]]
 */
export function confusionMatrix(yTrue: readonly number[], yPred: readonly number[], classes?: Classes): number[][] {
  const where = 'confusionMatrix';
  const [t, p] = pair(where, yTrue, yPred);
  const labels = classes === undefined ? present(t, p) : classesCheck(classes, where, 'classes');
  return tally(where, t, p, labels);
}

/**
 * Per-class precision, recall, F1 and support, accuracy, and their macro and
 * weighted averages: scikit-learn's `classification_report(output_dict=True)`.
 * A class never predicted has precision `zeroDivision` (0 by default); a class
 * with no samples in `yTrue` has recall `zeroDivision`; F1 is 0 when precision
 * and recall are both 0. Weighted averages over no support at all are
 * `zeroDivision` too.
 *
 * @example
 * const r = classificationReport([0, 0, 1, 1], [0, 1, 1, 1]);
 * r.precision; // [1, 0.6666666666666666]
 * r.recall;    // [0.5, 1]
 */
export function classificationReport(yTrue: readonly number[], yPred: readonly number[], options: ReportOptions = {}): ClassificationReport {
  const where = 'classificationReport';
  const o = parseOptions(where, options, { classes: optional(classesCheck), zeroDivision: withDefault(zeroDivisionCheck, 0) });
  const [t, p] = pair(where, yTrue, yPred);
  const classes = o.classes ?? present(t, p);
  const confusion = tally(where, t, p, classes);
  const zd = o.zeroDivision;
  const ratio = (a: number, b: number): number => (b === 0 ? zd : a / b);
  const k = classes.length;
  const support = confusion.map((row) => row.reduce((a, b) => a + b, 0));
  const predicted = classes.map((_, j) => confusion.reduce((s, row) => s + row[j]!, 0));
  const precision = classes.map((_, i) => ratio(confusion[i]![i]!, predicted[i]!));
  const recall = classes.map((_, i) => ratio(confusion[i]![i]!, support[i]!));
  const f1 = precision.map((pr, i) => (pr + recall[i]! === 0 ? 0 : (2 * pr * recall[i]!) / (pr + recall[i]!)));
  const total = support.reduce((a, b) => a + b, 0);
  const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / k;
  const weightedMean = (xs: number[]): number => ratio(xs.reduce((s, x, i) => s + x * support[i]!, 0), total);
  return {
    classes,
    precision,
    recall,
    f1,
    support,
    accuracy: confusion.reduce((s, row, i) => s + row[i]!, 0) / t.length,
    macro: { precision: mean(precision), recall: mean(recall), f1: mean(f1) },
    weighted: { precision: weightedMean(precision), recall: weightedMean(recall), f1: weightedMean(f1) },
    confusion,
  };
}

function pair(where: string, yTrue: unknown, yPred: unknown): [number[], number[]] {
  const t = arrayOf(finite, { min: 1 })(yTrue, where, 'yTrue');
  const p = arrayOf(finite)(yPred, where, 'yPred');
  if (p.length !== t.length) throw new RangeError(`${where}: expected yPred to have one label per entry of yTrue (${t.length}), got ${p.length}`);
  return [t, p];
}

/** Every label in either array, in increasing order. */
function present(t: number[], p: number[]): number[] {
  return [...new Set([...t, ...p])].sort((a, b) => a - b);
}

// A k × k matrix stays within MAX_SIZE numbers (k ≤ 3162).
function cells(k: number, where: string): void {
  withinMaxSize(k * k, where, `the confusion matrix's cells, ${k} classes squared,`);
}

function tally(where: string, t: number[], p: number[], classes: number[]): number[][] {
  cells(classes.length, where);
  const index = new Map(classes.map((label, i) => [label, i]));
  const shown = classes.length <= 10 ? classes.join(', ') : `${classes.slice(0, 10).join(', ')}, … (${classes.length} classes)`;
  const position = (labels: number[], s: number, what: string): number => {
    const i = index.get(labels[s]!);
    if (i === undefined) throw rangeError(where, `${what}[${s}]`, `one of the classes (${shown})`, labels[s]);
    return i;
  };
  const C = classes.map(() => new Array<number>(classes.length).fill(0));
  for (let s = 0; s < t.length; s++) C[position(t, s, 'yTrue')]![position(p, s, 'yPred')]!++;
  return C;
}
