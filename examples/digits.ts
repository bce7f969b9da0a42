// scikit-learn's handwritten digits (1797 images of 8×8 pixels): an MLP
// 64-32-10 with softmax cross-entropy and Adam in minibatches, on a stratified
// 80/20 split. Writes a report with the training and validation curves, the
// confusion matrix, per-class scores and every misclassified test digit.
import { join } from 'node:path';
import { Adam, MLP, Trainer, classificationReport, digits, trainTestSplit, type ClassificationReport, type EpochInfo } from '@ugrad/nn';
import { isMain, reportLine } from './lib/cli.js';
import { confusionFigure, digitGridFigure, epochCurvesFigure, predictClasses, scoresTableFigure } from './lib/classify.js';
import { Progress, percent, type Sink } from './lib/progress.js';
import { OUT_DIR, writeReport } from './lib/report.js';

export interface DigitsExampleOptions {
  /** Passes over the training images. */
  epochs?: number;
  /** Seed of the split, the weights and the batch order. */
  seed?: number;
  outDir?: string;
  /** Where progress goes; null for none. Default stdout. */
  out?: Sink | null;
}

export interface DigitsExampleResult {
  /** Accuracy on the training images after training, in [0, 1]. */
  trainAccuracy: number;
  /** On the 20% of images held out. */
  testAccuracy: number;
  /** Precision, recall and F1 per digit on the test images. */
  report: ClassificationReport;
  epochs: EpochInfo[];
  /** Milliseconds to construct the Trainer (checks, compilation) and to train. */
  setupMs: number;
  trainMs: number;
  reportPath: string;
}

/** At most this many misclassified digits are drawn (three rows of ten). */
const SHOWN = 30;

export function runDigits(options: DigitsExampleOptions = {}): DigitsExampleResult {
  const { epochs = 15, seed = 0 } = options;
  const data = digits({ scale: true });
  const { train, test } = trainTestSplit(data, { testFraction: 0.2, stratify: true, seed });
  const model = new MLP(64, [32, 10], { seed, init: 'he' });
  const lr = 0.01, batchSize = 64;

  const t0 = performance.now();
  const progress = new Progress(epochs, { out: options.out, every: 1 });
  // The test images double as the validation set: evaluated after each epoch
  // for the curves, never used to choose anything (no early stopping).
  const trainer = new Trainer(model, train, {
    loss: 'crossEntropy', optimizer: new Adam(model.parameters(), { lr }), batchSize, epochs, seed, validation: test,
    onEpoch: (e) => progress.update(e.epoch + 1, { loss: e.loss.toFixed(4), 'val loss': e.valLoss!.toFixed(4), 'val acc': percent(e.valAccuracy!) }),
  });
  const setupMs = performance.now() - t0;
  while (!trainer.done) trainer.step();
  progress.end();
  const trainMs = performance.now() - t0 - setupMs;

  model.eval();
  const predicted = predictClasses(model, test.X);
  const report = classificationReport(test.y, predicted, { classes: 10 });
  const trainAccuracy = classificationReport(train.y, predictClasses(model, train.X), { classes: 10 }).accuracy;
  const wrong = test.y.flatMap((label, i) => (predicted[i] === label ? [] : [i]));
  const shown = wrong.slice(0, SHOWN);
  const names = data.classNames;
  const history = trainer.history.epochs;

  const reportPath = writeReport(join(options.outDir ?? OUT_DIR, 'digits.html'), {
    title: 'ugrad: handwritten digits',
    summary: `An MLP with one hidden layer of 32 ReLU units reads 8×8 images of handwritten digits (scikit-learn's digits, 1797 images, pixels scaled from 0..16 to [0, 1]) and learns to name the digit, trained with softmax cross-entropy and Adam in batches of ${batchSize} for ${epochs} epochs on ${train.X.length} images. The other ${test.X.length} images, a stratified 20% (each digit in proportion), were held out: they are the validation curve and the test scores below.`,
    numbers: {
      'test accuracy': percent(report.accuracy),
      'training accuracy': percent(trainAccuracy),
      'macro F1 (test)': report.macro.f1.toFixed(3),
      misclassified: `${wrong.length} of ${test.X.length}`,
      epochs: String(epochs),
      'training time': `${((setupMs + trainMs) / 1000).toFixed(1)} s`,
    },
    setup: {
      data: `digits({ scale: true }): 1797 × 64 pixels in [0, 1], labels 0..9; trainTestSplit(data, { testFraction: 0.2, stratify: true, seed: ${seed} })`,
      model: `new MLP(64, [32, 10], { seed: ${seed}, init: 'he' }): ReLU hidden layer, one logit per digit`,
      loss: 'softmax cross-entropy over the 10 logits',
      optimizer: `new Adam(model.parameters(), { lr: ${lr} }), batches of ${batchSize}, reshuffled every epoch`,
      training: `new Trainer(model, train, { loss: 'crossEntropy', optimizer, batchSize: ${batchSize}, epochs: ${epochs}, validation: test }): ${(setupMs / 1000).toFixed(1)} s to construct (checks and compilation), ${(trainMs / 1000).toFixed(1)} s to train`,
      'training curves': 'mean loss and accuracy over each epoch’s batches, each measured before its update; validation after the epoch',
      scores: 'classificationReport(test.y, predicted, { classes: 10 }): precision, recall and F1 per digit, as scikit-learn computes them',
    },
    figures: [
      { ...epochCurvesFigure(history), wide: true },
      confusionFigure(report.confusion, names, 'Confusion matrix (test images)'),
      scoresTableFigure(report, names, 'Per-digit scores (test images)'),
      digitGridFigure(
        shown.map((i) => test.X[i]!),
        shown.map((i) => `${predicted[i]} / ${test.y[i]}`),
        `Misclassified test digits, labelled predicted / true (${shown.length === wrong.length ? `all ${wrong.length}` : `${shown.length} of ${wrong.length}`})`,
      ),
    ],
  });
  return { trainAccuracy, testAccuracy: report.accuracy, report, epochs: history, setupMs, trainMs, reportPath };
}

if (isMain(import.meta.url)) {
  const r = runDigits();
  console.log(`test accuracy ${percent(r.testAccuracy)}, training accuracy ${percent(r.trainAccuracy)}, ` +
    `${((r.setupMs + r.trainMs) / 1000).toFixed(1)} s (Trainer ${(r.setupMs / 1000).toFixed(1)} s, training ${(r.trainMs / 1000).toFixed(1)} s)`);
  console.log(reportLine(r.reportPath));
}
