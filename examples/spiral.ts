// Three interleaved spiral arms (CS231n's spiral data): an MLP with three
// outputs, softmax cross-entropy and Adam, and a plot of the three decision
// regions. A quarter of the points is held out to see that it generalises.
import { join } from 'node:path';
import { noGrad } from '@ugrad/engine';
import { Adam, MLP, accuracy, fit, spiral, trainTestSplit } from '@ugrad/nn';
import { isMain, reportLine } from './lib/cli.js';
import { boundaryFigure, curvesFigure, type CurvePoint } from './lib/plots.js';
import { Progress, percent, type Sink } from './lib/progress.js';
import { OUT_DIR, writeReport } from './lib/report.js';

export interface SpiralOptions {
  /** Points in all, split evenly between the three arms. */
  n?: number;
  /** Full-batch Adam steps. */
  steps?: number;
  seed?: number;
  outDir?: string;
  out?: Sink | null;
}

export interface SpiralResult {
  /** Accuracy of the trained model on the training points, in [0, 1]. */
  trainAccuracy: number;
  /** On the held-out points. */
  testAccuracy: number;
  curve: CurvePoint[];
  reportPath: string;
}

export function runSpiral(options: SpiralOptions = {}): SpiralResult {
  const { n = 200, steps = 120, seed = 0 } = options;
  const classes = 3;
  const { train, test } = trainTestSplit(spiral({ n, classes, noise: 0.2, seed }), { testFraction: 0.25, seed });
  const model = new MLP(2, [16, 16, classes], { seed });
  const lr = 0.05;
  const progress = new Progress(steps, { out: options.out });
  const history = fit(model, train, {
    loss: 'crossEntropy',
    optimizer: new Adam(model.parameters(), { lr }),
    steps,
    onStep: (s) => progress.update(s.step + 1, { loss: s.loss.toFixed(4), acc: percent(s.accuracy!) }),
  });
  progress.end();

  const logits = (x: number[]): number[] => model.forward(x).map((v) => v.data);
  const trainAccuracy = noGrad(() => accuracy(train.X.map(logits), train.y));
  const testAccuracy = noGrad(() => accuracy(test.X.map(logits), test.y));
  const argmax = (z: number[]): number => z.indexOf(Math.max(...z));
  const seconds = history.steps.reduce((t, s) => t + s.ms, 0) / 1000;

  const reportPath = writeReport(join(options.outDir ?? OUT_DIR, 'spiral.html'), {
    title: 'ugrad: three spirals',
    summary: `An MLP with two hidden layers of 16 ReLU units and one output per class learns to tell three interleaved spiral arms apart, trained with softmax cross-entropy and ${steps} full-batch Adam steps on ${train.X.length} points; ${test.X.length} more were held out. Held-out points are drawn as crosses.`,
    numbers: {
      'training accuracy': percent(trainAccuracy),
      'test accuracy': percent(testAccuracy),
      'final loss': history.steps.at(-1)!.loss.toFixed(4),
      steps: String(steps),
      'training time': `${seconds.toFixed(1)} s`,
    },
    setup: {
      data: `spiral({ n: ${n}, classes: ${classes}, noise: 0.2, seed: ${seed} }), split by trainTestSplit(…, { testFraction: 0.25, seed: ${seed} })`,
      model: `new MLP(2, [16, 16, ${classes}], { seed: ${seed} }): ReLU hidden layers, one logit per class`,
      loss: 'softmax cross-entropy (log-sum-exp, so no exponential overflows)',
      optimizer: `new Adam(model.parameters(), { lr: ${lr} }), full batch`,
      training: `fit(model, train, { loss: 'crossEntropy', optimizer, steps: ${steps} })`,
    },
    figures: [
      curvesFigure(history.steps),
      boundaryFigure(train.X, train.y, (x) => argmax(logits(x)), { classes, heldOut: test }),
    ],
  });
  return { trainAccuracy, testAccuracy, curve: history.steps, reportPath };
}

if (isMain(import.meta.url)) {
  const result = runSpiral();
  console.log(`training accuracy ${percent(result.trainAccuracy)}, test accuracy ${percent(result.testAccuracy)}`);
  console.log(reportLine(result.reportPath));
}
