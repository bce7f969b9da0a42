// micrograd's demo.ipynb: a 2-16-16-1 MLP learns the two moons with a hinge
// loss, an L2 penalty and 100 full-batch SGD steps with the learning rate
// decaying from 1.0 to 0.1. Writes an HTML report with the curves and the
// decision boundary.
import { join } from 'node:path';
import { noGrad } from '@ugrad/engine';
import { MLP, SGD, accuracy, fit, linearLR, moons, signed } from '@ugrad/nn';
import { isMain, reportLine } from './lib/cli.js';
import { boundaryFigure, curvesFigure, type CurvePoint } from './lib/plots.js';
import { Progress, percent, type Sink } from './lib/progress.js';
import { OUT_DIR, writeReport } from './lib/report.js';

export interface DemoOptions {
  /** Samples (micrograd: 100). */
  n?: number;
  /** SGD steps (micrograd: 100); the learning rate decays over them. */
  steps?: number;
  /** Seed of the data and of the weights (micrograd seeds both with 1337). */
  seed?: number;
  outDir?: string;
  /** Where progress goes; null for none. Default stdout. */
  out?: Sink | null;
}

export interface DemoResult {
  /** Training accuracy of the final model, in [0, 1]. */
  accuracy: number;
  /** Loss (hinge + L2) at the last step. */
  loss: number;
  curve: CurvePoint[];
  reportPath: string;
}

export function runDemo(options: DemoOptions = {}): DemoResult {
  const { n = 100, steps = 100, seed = 1337 } = options;
  const data = moons({ n, noise: 0.1, seed });
  const model = new MLP(2, [16, 16, 1], { seed });
  const alpha = 1e-4;
  const progress = new Progress(steps, { out: options.out });
  // fit maps the 0/1 labels to ±1 for the hinge loss (micrograd's `y*2 - 1`),
  // and sets the SGD learning rate from the schedule before every step.
  const history = fit(model, data, {
    loss: 'hinge',
    l2: alpha,
    optimizer: new SGD(model.parameters(), { lr: 1.0 }),
    schedule: linearLR(1.0, 0.1, steps),
    steps,
    onStep: (s) => progress.update(s.step + 1, { loss: s.loss.toFixed(4), acc: percent(s.accuracy!), lr: s.lr.toFixed(3) }),
  });
  progress.end();
  const curve = history.steps;
  const seconds = curve.reduce((t, s) => t + s.ms, 0) / 1000;
  const { X } = data, y = signed(data.y);

  // The curve's accuracy is measured before each step's update; the model we
  // keep is the one after the last update, so measure it once more.
  const score = (x: number[]): number => model.forward(x)[0]!.data;
  const finalAccuracy = noGrad(() => accuracy(X.map(score), y));
  const loss = curve.at(-1)!.loss;

  const reportPath = writeReport(join(options.outDir ?? OUT_DIR, 'demo.html'), {
    title: 'ugrad: micrograd’s moons demo',
    summary: `A multi-layer perceptron with two hidden layers of 16 ReLU units learns to separate two interleaving half moons, trained exactly as in micrograd’s demo notebook: max-margin (hinge) loss with a small L2 penalty, ${steps} full-batch SGD steps with the learning rate decaying linearly from 1.0 to 0.1.`,
    numbers: {
      'training accuracy': percent(finalAccuracy),
      'final loss': loss.toFixed(4),
      steps: String(steps),
      'training time': `${seconds.toFixed(1)} s`,
      parameters: String(model.parameters().length),
    },
    setup: {
      data: `moons({ n: ${n}, noise: 0.1, seed: ${seed} }): labels 0/1, which fit maps to ±1 for the hinge loss`,
      model: `new MLP(2, [16, 16, 1], { seed: ${seed} }): ReLU hidden layers, linear output, weights U(−1, 1)`,
      loss: `hinge + ${alpha} · Σ p² (micrograd’s max-margin loss with its L2 penalty)`,
      optimizer: 'new SGD(model.parameters(), { lr: 1.0 }), full batch',
      schedule: `linearLR(1.0, 0.1, ${steps}): lr = 1.0 − 0.9 · k / ${steps} at step k`,
      training: `fit(model, data, { loss: 'hinge', l2: ${alpha}, optimizer, schedule, steps: ${steps} })`,
      'accuracy on the curve': 'measured on each step’s forward pass, before its update',
    },
    figures: [
      curvesFigure(curve),
      boundaryFigure(X, data.y, (x) => (score(x) > 0 ? 1 : 0), { classes: 2, names: ['y = −1', 'y = +1'] }),
    ],
  });
  return { accuracy: finalAccuracy, loss, curve, reportPath };
}

if (isMain(import.meta.url)) {
  const result = runDemo();
  console.log(`training accuracy ${percent(result.accuracy)}, loss ${result.loss.toFixed(4)}`);
  console.log(reportLine(result.reportPath));
}
