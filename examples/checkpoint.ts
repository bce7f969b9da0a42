// Train, save, load, resume: a run interrupted halfway and resumed from its
// checkpoint file ends with exactly the weights of a run that never stopped.
// The checkpoint holds everything that decides the rest of the run: weights,
// Adam's moment estimates, the step count, the schedule and the shuffling
// generator's state.
import { mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { noGrad } from '@ugrad/engine';
import { Adam, MLP, Trainer, accuracy, cosineLR, moons, signed, type Dataset, type StepInfo } from '@ugrad/nn';
import { loadCheckpoint, saveCheckpoint } from '@ugrad/nn/node';
import { isMain, reportLine } from './lib/cli.js';
import { Progress, percent, type Sink } from './lib/progress.js';
import { OUT_DIR, writeReport, type Figure } from './lib/report.js';

export interface CheckpointOptions {
  n?: number;
  /** Steps of the whole run. */
  steps?: number;
  /** The step after which the interrupted run saves and stops. */
  saveAt?: number;
  /** Mini-batches, shuffled each epoch: the generator's state must survive the checkpoint too. */
  batchSize?: number;
  seed?: number;
  outDir?: string;
  out?: Sink | null;
}

export interface CheckpointResult {
  /** Whether every weight of the resumed run equals the uninterrupted run's, bit for bit. */
  identical: boolean;
  /** The largest |difference| between the two runs' weights (0 when identical). */
  maxDifference: number;
  /** The same for a run resumed from the weights alone, without the optimizer and trainer state. */
  weightsOnlyDifference: number;
  /** Whether the resumed run's loss at every step equals the uninterrupted run's. */
  sameLosses: boolean;
  /** Training accuracy of the model rebuilt from the checkpoint file alone, at `saveAt`. */
  savedAccuracy: number;
  /** Training accuracy at the end. */
  finalAccuracy: number;
  checkpointPath: string;
  reportPath: string;
}

export function runCheckpoint(options: CheckpointOptions = {}): CheckpointResult {
  const { n = 100, steps = 160, saveAt = 80, batchSize = 20, seed = 0 } = options;
  const outDir = options.outDir ?? OUT_DIR;
  mkdirSync(outDir, { recursive: true });
  const checkpointPath = join(outDir, 'checkpoint.json');
  const data = moons({ n, noise: 0.1, seed });
  const lr = 0.02;

  // The same set-up three times; only the initial weights may differ, and the
  // resumed run's are overwritten by the checkpoint anyway.
  const setUp = (modelSeed: number): { model: MLP; trainer: Trainer } => {
    const model = new MLP(2, [16, 16, 1], { seed: modelSeed });
    const optimizer = new Adam(model.parameters(), { lr });
    const trainer = new Trainer(model, data, { loss: 'hinge', optimizer, schedule: cosineLR(lr, steps), steps, batchSize, seed });
    return { model, trainer };
  };
  // Steps `trainer` until it has taken `until` steps; `offset` is where its step 0 falls in the whole run.
  const run = (trainer: Trainer, until: number, label: string, offset = 0): void => {
    const progress = new Progress(steps, { out: options.out, label, every: 20 });
    while (!trainer.done && trainer.stepCount < until) {
      const s = trainer.step();
      progress.update(offset + s.step + 1, { loss: s.loss.toFixed(4) });
    }
    progress.end();
  };

  // 1. The reference: all the steps in one go.
  const reference = setUp(seed);
  run(reference.trainer, steps, 'uninterrupted');

  // 2. The same run, saved after `saveAt` steps and abandoned.
  const interrupted = setUp(seed);
  run(interrupted.trainer, saveAt, 'interrupted');
  saveCheckpoint(checkpointPath, { model: interrupted.model, trainer: interrupted.trainer });

  // 3. A fresh process would do this: build the same set-up (other initial
  //    weights even), load the file into it, and carry on.
  const resumed = setUp(seed + 1);
  loadCheckpoint(checkpointPath, { model: resumed.model, trainer: resumed.trainer });
  run(resumed.trainer, steps, 'resumed');

  // 4. For contrast, the weights alone: a fresh Adam, schedule and shuffle
  //    order take the remaining steps, and the run ends somewhere else.
  const weightsOnly = setUp(seed + 1);
  loadCheckpoint(checkpointPath, { model: weightsOnly.model });
  run(weightsOnly.trainer, steps - saveAt, 'weights only', saveAt);

  const a = reference.model.parameters().map((p) => p.data);
  const b = resumed.model.parameters().map((p) => p.data);
  const identical = a.every((v, i) => Object.is(v, b[i]));
  const difference = (w: number[]): number => Math.max(...a.map((v, i) => Math.abs(v - w[i]!)));
  const maxDifference = difference(b);
  const weightsOnlyDifference = difference(weightsOnly.model.parameters().map((p) => p.data));
  const lossesA = reference.trainer.history.steps.map((s) => s.loss);
  const lossesB = resumed.trainer.history.steps.map((s) => s.loss);
  const sameLosses = lossesA.length === lossesB.length && lossesA.every((v, i) => Object.is(v, lossesB[i]));

  // The file alone is enough to rebuild the model as it was at `saveAt`.
  const savedAccuracy = trainingAccuracy(loadCheckpoint(checkpointPath), data);
  const finalAccuracy = trainingAccuracy(resumed.model, data);

  const reportPath = writeReport(join(outDir, 'checkpoint.html'), {
    title: 'ugrad: train, save, load, resume',
    summary: `A run of ${steps} mini-batch Adam steps is stopped after step ${saveAt} and saved to a checkpoint file; a new model and trainer load the file and finish the run. The resumed run ends with ${identical ? 'exactly the same weights, bit for bit, as' : 'different weights from'} a run that never stopped, because the checkpoint holds everything the rest of the run depends on: the weights, Adam’s moment estimates and step count, the schedule, and the state of the generator that shuffles the batches. Resuming from the weights alone, with a fresh optimizer and trainer, ends elsewhere.`,
    numbers: {
      'resumed = uninterrupted': identical ? 'bit for bit' : `max |Δw| ${maxDifference.toExponential(1)}`,
      'losses at every step': sameLosses ? 'identical' : 'differ',
      'weights only: max |Δw|': weightsOnlyDifference.toFixed(3),
      [`accuracy at step ${saveAt}`]: percent(savedAccuracy),
      'final accuracy': percent(finalAccuracy),
      'checkpoint size': `${(statSync(checkpointPath).size / 1024).toFixed(1)} KB`,
    },
    setup: {
      data: `moons({ n: ${n}, noise: 0.1, seed: ${seed} })`,
      model: `new MLP(2, [16, 16, 1], { seed: ${seed} }) (the resumed run starts from seed ${seed + 1}, then loads)`,
      trainer: `new Trainer(model, data, { loss: 'hinge', optimizer: new Adam(model.parameters(), { lr: ${lr} }), schedule: cosineLR(${lr}, ${steps}), steps: ${steps}, batchSize: ${batchSize}, seed: ${seed} })`,
      save: `saveCheckpoint(path, { model, trainer }) after step ${saveAt}: the trainer brings its optimizer`,
      resume: 'loadCheckpoint(path, { model, trainer }); while (!trainer.done) trainer.step();',
      'weights only': `loadCheckpoint(path, { model }) into a fresh set-up, then ${steps - saveAt} steps`,
      checkpoint: checkpointPath,
    },
    figures: [resumeFigure(reference.trainer.history.steps, resumed.trainer.history.steps, weightsOnly.trainer.history.steps, saveAt)],
  });
  return { identical, maxDifference, weightsOnlyDifference, sameLosses, savedAccuracy, finalAccuracy, checkpointPath, reportPath };
}

function trainingAccuracy(model: MLP, data: Dataset): number {
  return noGrad(() => accuracy(data.X.map((x) => model.forward(x)[0]!.data), signed(data.y)));
}

// The uninterrupted run's loss as a line, the resumed run's steps as dots on
// it, and the weights-only run as a second line that wanders off.
function resumeFigure(reference: readonly StepInfo[], resumed: readonly StepInfo[], weightsOnly: readonly StepInfo[], saveAt: number): Figure {
  const after = resumed.filter((s) => s.step >= saveAt);
  return {
    title: 'Loss per mini-batch',
    wide: true,
    data: [
      { type: 'scatter', mode: 'lines', name: 'uninterrupted run', x: reference.map((s) => s.step), y: reference.map((s) => s.loss), line: { color: '#8c959f', width: 2 } },
      { type: 'scatter', mode: 'lines', name: 'resumed from the weights only', x: weightsOnly.map((s) => saveAt + s.step), y: weightsOnly.map((s) => s.loss), line: { color: '#edae49', width: 2 } },
      { type: 'scatter', mode: 'markers', name: 'resumed from the checkpoint', x: after.map((s) => s.step), y: after.map((s) => s.loss), marker: { color: '#d1495b', size: 7 } },
    ],
    layout: {
      xaxis: { title: { text: 'step' } },
      // Linear: a mini-batch's hinge loss can be exactly 0, which a log axis cannot show.
      yaxis: { title: { text: 'loss' }, rangemode: 'tozero' },
      shapes: [{ type: 'line', x0: saveAt - 0.5, x1: saveAt - 0.5, yref: 'paper', y0: 0, y1: 1, line: { color: '#2e86ab', dash: 'dot', width: 2 } }],
      annotations: [{ x: saveAt - 0.5, yref: 'paper', y: 1, text: 'saved', showarrow: false, xanchor: 'left', yanchor: 'top', font: { color: '#2e86ab' } }],
    },
  };
}

if (isMain(import.meta.url)) {
  const r = runCheckpoint();
  console.log(`resumed run = uninterrupted run: ${r.identical ? 'yes, bit for bit' : `no, max |Δw| ${r.maxDifference}`}; losses ${r.sameLosses ? 'identical' : 'differ'}`);
  console.log(`resumed from the weights only: max |Δw| ${r.weightsOnlyDifference.toFixed(3)}`);
  console.log(`checkpoint: ${r.checkpointPath}`);
  console.log(reportLine(r.reportPath));
}
