// 1-D regression: an MLP with tanh hidden units fits noisy samples of
// sin(x) by mean squared error with Adam, and the report plots the fitted
// curve over the data.
import { join } from 'node:path';
import { noGrad } from '@ugrad/engine';
import { Adam, MLP, fit, sine } from '@ugrad/nn';
import { isMain, reportLine } from './lib/cli.js';
import { curvesFigure, type CurvePoint } from './lib/plots.js';
import { Progress, type Sink } from './lib/progress.js';
import { OUT_DIR, writeReport, type Figure } from './lib/report.js';

export interface RegressionOptions {
  /** Samples of sin(x) on [−π, π]. */
  n?: number;
  /** Full-batch Adam steps. */
  steps?: number;
  seed?: number;
  outDir?: string;
  out?: Sink | null;
}

export interface RegressionResult {
  /** Mean squared error of the trained model on the training samples. */
  mse: number;
  /** The same against the noiseless curve sin(x), on a grid over the interval. */
  curveMse: number;
  curve: CurvePoint[];
  reportPath: string;
}

export function runRegression(options: RegressionOptions = {}): RegressionResult {
  const { n = 60, steps = 300, seed = 0 } = options;
  const noise = 0.1;
  const data = sine({ n, noise, seed });
  // tanh hidden units: a smooth target is a sum of smooth bumps, where ReLU would give a polyline.
  const model = new MLP(1, [16, 16, 1], { hidden: 'tanh', seed });
  const lr = 0.02;
  const progress = new Progress(steps, { out: options.out });
  const history = fit(model, data, {
    loss: 'mse',
    optimizer: new Adam(model.parameters(), { lr }),
    steps,
    onStep: (s) => progress.update(s.step + 1, { mse: s.loss.toFixed(4) }),
  });
  progress.end();

  const predict = (x: number): number => noGrad(() => model.forward([x])[0]!.data);
  const mse = data.X.reduce((t, [x], i) => t + (predict(x!) - data.y[i]!) ** 2, 0) / n;
  const grid = Array.from({ length: 201 }, (_, i) => -Math.PI + (2 * Math.PI * i) / 200);
  const curveMse = grid.reduce((t, x) => t + (predict(x) - Math.sin(x)) ** 2, 0) / grid.length;
  const seconds = history.steps.reduce((t, s) => t + s.ms, 0) / 1000;

  const fitFigure: Figure = {
    title: 'The fit',
    data: [
      { type: 'scatter', mode: 'lines', name: 'sin(x)', x: grid, y: grid.map(Math.sin), line: { color: '#8c959f', width: 1.5, dash: 'dash' } },
      { type: 'scatter', mode: 'markers', name: 'samples', x: data.X.map(([x]) => x), y: data.y, marker: { color: '#2e86ab', size: 7, line: { color: '#fff', width: 1 } } },
      { type: 'scatter', mode: 'lines', name: 'model', x: grid, y: grid.map(predict), line: { color: '#d1495b', width: 3 } },
    ],
    layout: { showlegend: true, xaxis: { title: { text: 'x' } }, yaxis: { title: { text: 'y' } } },
  };
  const reportPath = writeReport(join(options.outDir ?? OUT_DIR, 'regression.html'), {
    title: 'ugrad: fitting a curve',
    summary: `An MLP with two hidden layers of 16 tanh units fits ${n} noisy samples of sin(x) by mean squared error, trained with ${steps} full-batch Adam steps. The noise has standard deviation ${noise}, so an error near its variance, ${(noise ** 2).toFixed(2)}, means the model fits the curve, not the noise.`,
    numbers: {
      'training MSE': mse.toFixed(4),
      'MSE against sin(x)': curveMse.toFixed(4),
      'noise variance': (noise ** 2).toFixed(4),
      steps: String(steps),
      'training time': `${seconds.toFixed(1)} s`,
    },
    setup: {
      data: `sine({ n: ${n}, noise: ${noise}, seed: ${seed} }): x uniform on [−π, π], y = sin(x) + ${noise}·N(0, 1)`,
      model: `new MLP(1, [16, 16, 1], { hidden: 'tanh', seed: ${seed} }): linear output`,
      optimizer: `new Adam(model.parameters(), { lr: ${lr} }), full batch`,
      training: `fit(model, data, { loss: 'mse', optimizer, steps: ${steps} })`,
    },
    figures: [curvesFigure(history.steps, 'Training loss (MSE)'), fitFigure],
  });
  return { mse, curveMse, curve: history.steps, reportPath };
}

if (isMain(import.meta.url)) {
  const result = runRegression();
  console.log(`training MSE ${result.mse.toFixed(4)}, MSE against sin(x) ${result.curveMse.toFixed(4)}`);
  console.log(reportLine(result.reportPath));
}
