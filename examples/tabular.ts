// Three classic tables from scikit-learn — iris, wine, breast cancer — each
// standardized on its training rows and learnt by a small MLP with softmax
// cross-entropy and Adam. Writes a report with each set's test accuracy and
// confusion matrix, and how the accuracy varies with the split.
import { join } from 'node:path';
import {
  Adam, MLP, Trainer, breastCancer, classificationReport, iris, standardize, trainTestSplit, wine,
  type ClassificationReport, type NamedDataset,
} from '@ugrad/nn';
import { isMain, reportLine } from './lib/cli.js';
import { confusionFigure, predictClasses } from './lib/classify.js';
import { percent, type Sink } from './lib/progress.js';
import { OUT_DIR, writeReport, type Figure } from './lib/report.js';

export interface TabularOptions {
  /** Stratified splits per data set, seeds 0, 1, …; the first one's model is the one reported in full. */
  splits?: number;
  /** Passes over each training set. */
  epochs?: number;
  outDir?: string;
  /** Where progress goes; null for none. Default stdout. */
  out?: Sink | null;
}

export interface SetResult {
  name: string;
  title: string;
  rows: number;
  features: number;
  classNames: string[];
  /** Scores on the test rows of the first split (seed 0). */
  report: ClassificationReport;
  /** Test accuracy of every split, seed 0 first. */
  accuracies: number[];
  ms: number;
}

export interface TabularResult {
  sets: SetResult[];
  reportPath: string;
}

const SETS: { name: string; title: string; load: () => NamedDataset }[] = [
  { name: 'iris', title: 'Iris', load: iris },
  { name: 'wine', title: 'Wine', load: wine },
  { name: 'breastCancer', title: 'Breast cancer', load: breastCancer },
];

const HIDDEN = 16, LR = 0.01, BATCH = 32;

/** One set, one split: standardize on the training rows, train, and score the test rows. */
function trainOnce(data: NamedDataset, seed: number, epochs: number): ClassificationReport {
  const { train, test } = trainTestSplit(data, { testFraction: 0.2, stratify: true, seed });
  const scaler = standardize(train.X);
  const classes = data.classNames.length;
  const model = new MLP(data.X[0]!.length, [HIDDEN, classes], { seed, init: 'he' });
  const trainer = new Trainer(model, { X: scaler.transform(train.X), y: train.y }, {
    loss: 'crossEntropy', optimizer: new Adam(model.parameters(), { lr: LR }), batchSize: BATCH, epochs, seed,
  });
  while (!trainer.done) trainer.step();
  model.eval();
  return classificationReport(test.y, predictClasses(model, scaler.transform(test.X)), { classes });
}

export function runTabular(options: TabularOptions = {}): TabularResult {
  const { splits = 5, epochs = 30 } = options;
  const out = options.out === undefined ? process.stdout : options.out;
  const sets = SETS.map(({ name, title, load }): SetResult => {
    const data = load();
    const t0 = performance.now();
    const reports = Array.from({ length: splits }, (_, seed) => trainOnce(data, seed, epochs));
    const ms = performance.now() - t0;
    const accuracies = reports.map((r) => r.accuracy);
    out?.write(`${title.padEnd(14)} test accuracy ${percent(accuracies[0]!)}; over ${splits} splits ${accuracies.map(percent).join(' ')}  (${(ms / 1000).toFixed(1)} s)\n`);
    return { name, title, rows: data.X.length, features: data.X[0]!.length, classNames: data.classNames, report: reports[0]!, accuracies, ms };
  });

  const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
  const numbers: Record<string, string> = {};
  for (const s of sets) numbers[`${s.title}: test accuracy`] = percent(s.report.accuracy);
  for (const s of sets) numbers[`${s.title}: mean of ${splits} splits`] = percent(mean(s.accuracies));
  const seconds = sets.reduce((t, s) => t + s.ms, 0) / 1000;

  const figures: Figure[] = sets.map((s) => confusionFigure(
    s.report.confusion, s.classNames,
    `${s.title}: confusion matrix (${s.report.support.reduce((a, b) => a + b, 0)} test rows, ${percent(s.report.accuracy)} right)`,
  ));
  figures.push(splitsFigure(sets));

  const reportPath = writeReport(join(options.outDir ?? OUT_DIR, 'tabular.html'), {
    title: 'ugrad: iris, wine and breast cancer',
    summary: `Three classic tables as scikit-learn ships them. For each, a stratified 20% of the rows is held out, the features are standardized with the training rows' mean and standard deviation, and an MLP with one hidden layer of ${HIDDEN} ReLU units is trained with softmax cross-entropy and Adam (batches of ${BATCH}, ${epochs} epochs). The confusion matrices are for the first split (seed 0); the last plot repeats everything on ${splits} different splits, since with 30 to 114 test rows one row is 1 to 3 points of accuracy.`,
    numbers,
    setup: {
      data: sets.map((s) => `${s.name}(): ${s.rows} rows × ${s.features} features, ${s.classNames.length} classes (${s.classNames.join(', ')})`).join('\n'),
      split: 'trainTestSplit(data, { testFraction: 0.2, stratify: true, seed }) for seed = 0, 1, …: each class split in proportion',
      scaling: 'const scaler = standardize(train.X); then scaler.transform(train.X) and scaler.transform(test.X): the test rows never inform the scaling',
      model: `new MLP(features, [${HIDDEN}, classes], { seed, init: 'he' })`,
      training: `new Trainer(model, train, { loss: 'crossEntropy', optimizer: new Adam(model.parameters(), { lr: ${LR} }), batchSize: ${BATCH}, epochs: ${epochs}, seed })`,
      scores: 'classificationReport(test.y, predicted, { classes }): accuracy and the confusion matrix, rows true and columns predicted',
      time: `${seconds.toFixed(1)} s for all ${3 * splits} models`,
    },
    figures,
  });
  return { sets, reportPath };
}

/** Each set's test accuracy on every split, one dot each, and their mean. */
function splitsFigure(sets: SetResult[]): Figure {
  const names = sets.map((s) => s.title);
  return {
    title: `Test accuracy over ${sets[0]!.accuracies.length} stratified splits`,
    data: [
      {
        type: 'scatter', mode: 'markers', name: 'one split',
        x: sets.flatMap((s) => s.accuracies.map((a) => 100 * a)), y: sets.flatMap((s) => s.accuracies.map(() => s.title)),
        marker: { size: 11, color: 'rgba(46, 134, 171, 0.55)', line: { color: '#2e86ab', width: 1 } },
      },
      {
        type: 'scatter', mode: 'markers', name: 'mean',
        x: sets.map((s) => (100 * s.accuracies.reduce((a, b) => a + b, 0)) / s.accuracies.length), y: names,
        marker: { size: 16, symbol: 'line-ns-open', color: '#d1495b', line: { width: 3 } },
      },
    ],
    layout: {
      xaxis: { title: { text: 'test accuracy (%)' }, range: [80, 101] },
      yaxis: { type: 'category', autorange: 'reversed' },
      margin: { l: 110, r: 24, t: 32, b: 84 },
    },
  };
}

if (isMain(import.meta.url)) {
  const r = runTabular();
  console.log(reportLine(r.reportPath));
}
