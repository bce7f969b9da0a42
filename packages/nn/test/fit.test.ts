import { describe, expect, it } from 'vitest';
import { Value, sum } from '@ugrad/engine';
import { Rng } from '../src/random.js';
import { Layer, MLP } from '../src/module.js';
import { bceWithLogits, hinge, l2, mse, softmaxCrossEntropy } from '../src/losses.js';
import { Adam, SGD } from '../src/optim.js';
import { cosineLR, linearLR, stepLR } from '../src/schedule.js';
import { blobs, moons, signed, sine, trainTestSplit, type Dataset } from '../src/datasets.js';
import { Trainer, fit, type EpochInfo, type FitOptions, type History, type StepInfo } from '../src/fit.js';

const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);

// Histories without the timings, which differ from run to run.
function untimed(h: History): unknown {
  return {
    stopReason: h.stopReason,
    steps: h.steps.map(({ ms: _, ...s }) => s),
    epochs: h.epochs.map(({ ms: _, ...e }) => e),
  };
}

// One row per sample holding its index, and y = index: a loss that records its
// targets then shows which samples each batch held, in order.
function indexed(n: number): Dataset {
  return { X: range(n).map((i) => [i / n]), y: range(n) };
}

function recorder(): { batches: number[][]; loss: (o: Value[][], t: number[]) => Value } {
  const batches: number[][] = [];
  return { batches, loss: (o, t) => (batches.push([...t]), mse(o, t)) };
}

const linear = (): Layer => new Layer(1, 1, { activation: 'linear', seed: 0 });

describe("fit: micrograd's demo", () => {
  // moons n=100 noise=0.1; MLP(2, [16, 16, 1]); hinge + 1e-4·Σp²; 100 full-batch SGD steps, lr 1.0 → 0.1.
  it('reaches 100% training accuracy, with the same losses and weights as the loop written out by hand', () => {
    const { X, y: y01 } = moons({ n: 100, noise: 0.1, seed: 1337 });
    const model = new MLP(2, [16, 16, 1], { seed: 1337 });
    const history = fit(model, { X, y: y01 }, { loss: 'hinge', l2: 1e-4, steps: 100, schedule: linearLR(1.0, 0.1, 100) });

    // micrograd's demo loop, from engine primitives only: no losses, optimizer or schedule from @ugrad/nn.
    const ref = new MLP(2, [16, 16, 1], { seed: 1337 });
    const params = ref.parameters();
    const y = y01.map((v) => v * 2 - 1);
    const losses: number[] = [], accuracies: number[] = [];
    for (let k = 0; k < 100; k++) {
      const scores = X.map((x) => ref.forward(x)[0]!);
      const dataLoss = sum(scores.map((s, i) => s.mul(-y[i]!).add(1).relu())).mul(1 / X.length);
      const total = dataLoss.add(sum(params.map((p) => p.mul(p))).mul(1e-4));
      accuracies.push(scores.filter((s, i) => s.data > 0 === y[i]! > 0).length / X.length);
      ref.zeroGrad();
      total.backward();
      const lr = 1.0 - (0.9 * k) / 100;
      for (const p of params) p.data -= lr * p.grad;
      losses.push(total.data);
    }

    expect(history.steps.map((s) => s.loss)).toEqual(losses);
    expect(history.steps.map((s) => s.accuracy)).toEqual(accuracies);
    expect(model.stateDict()).toEqual(ref.stateDict());
    expect(history.steps.at(-1)!.accuracy).toBe(1);
    expect(history.steps.at(-1)!.loss).toBeLessThan(0.05);
    expect(history.steps.map((s) => s.lr)).toEqual(range(100).map((k) => linearLR(1.0, 0.1, 100)(k)));
    // Full batch: one step per epoch, and each epoch reports its step's loss exactly.
    expect(history.epochs.map((e) => e.loss)).toEqual(losses);
    expect(history.stopReason).toBe('completed');
  });
});

describe('fit: epochs, steps and batches', () => {
  it('epochs × ceil(n / batchSize) steps, the last batch of each epoch smaller', () => {
    const r = recorder();
    const history = fit(linear(), indexed(10), { loss: r.loss, lr: 0.1, epochs: 3, batchSize: 4 });
    expect(r.batches.map((b) => b.length)).toEqual([4, 4, 2, 4, 4, 2, 4, 4, 2]);
    expect(history.steps.map((s) => [s.step, s.epoch])).toEqual([[0, 0], [1, 0], [2, 0], [3, 1], [4, 1], [5, 1], [6, 2], [7, 2], [8, 2]]);
    expect(history.epochs.map((e) => e.epoch)).toEqual([0, 1, 2]);
    // The epoch loss is the batch losses' mean weighted by batch size.
    const s = history.steps;
    expect(history.epochs[0]!.loss).toBeCloseTo((4 * s[0]!.loss + 4 * s[1]!.loss + 2 * s[2]!.loss) / 10, 14);
  });

  it('steps: stops after that many, recording only the epochs completed', () => {
    const r = recorder();
    const history = fit(linear(), indexed(10), { loss: r.loss, lr: 0.1, steps: 5, batchSize: 4 });
    expect(history.steps).toHaveLength(5);
    expect(history.epochs).toHaveLength(1);
    expect(history.stopReason).toBe('completed');
  });

  it('full batch by default, in data order; each epoch sees every sample once, shuffled with the seed when batchSize < n', () => {
    const full = recorder();
    fit(linear(), indexed(6), { loss: full.loss, lr: 0.1, epochs: 2 });
    expect(full.batches).toEqual([range(6), range(6)]);

    const shuffled = recorder();
    fit(linear(), indexed(10), { loss: shuffled.loss, lr: 0.1, epochs: 3, batchSize: 5, seed: 42 });
    const epochs = [0, 1, 2].map((e) => shuffled.batches.slice(2 * e, 2 * e + 2).flat());
    const rng = new Rng(42);
    expect(epochs).toEqual([0, 1, 2].map(() => rng.shuffle(range(10))));
    for (const order of epochs) expect([...order].sort((a, b) => a - b)).toEqual(range(10));
    expect(epochs[0]).not.toEqual(range(10));
    expect(epochs[1]).not.toEqual(epochs[0]);

    const plain = recorder();
    fit(linear(), indexed(10), { loss: plain.loss, lr: 0.1, epochs: 2, batchSize: 5, shuffle: false });
    expect(plain.batches.flat()).toEqual([...range(10), ...range(10)]);

    const forced = recorder();
    fit(linear(), indexed(4), { loss: forced.loss, lr: 0.1, epochs: 1, shuffle: true, seed: 1 });
    expect(forced.batches).toEqual([new Rng(1).shuffle(range(4))]);
  });

  it('a Trainer without epochs or steps runs until stopped', () => {
    const trainer = new Trainer(linear(), indexed(4), { loss: 'mse', lr: 0.1 });
    for (let i = 0; i < 25; i++) trainer.step();
    expect(trainer.done).toBe(false);
    expect(trainer.stepCount).toBe(25);
    expect(trainer.epoch).toBe(25);
    trainer.stop();
    expect(trainer.done).toBe(true);
    expect(trainer.history.stopReason).toBe('callback');
    expect(() => trainer.step()).toThrow(new Error('Trainer.step: training has stopped (callback) after 25 steps; make a new Trainer to train on'));
  });
});

describe('fit: losses', () => {
  // The first step's loss is the named loss of the untrained model's outputs.
  function firstLoss(make: () => MLP, data: Dataset, expected: (outputs: Value[][], y: number[]) => Value, options: Partial<FitOptions> & Pick<FitOptions, 'loss'>): History {
    const outputs = data.X.map((x) => make().forward(x));
    const history = fit(make(), data, { lr: 0.1, steps: 60, ...options });
    expect(history.steps[0]!.loss).toBe(expected(outputs, data.y).data);
    return history;
  }

  it('hinge: labels ±1, or 0/1 meaning -1/+1, give the same run', () => {
    const data = moons({ n: 40, noise: 0.1, seed: 2 });
    const make = (): MLP => new MLP(2, [8, 1], { seed: 2 });
    const a = firstLoss(make, { X: data.X, y: signed(data.y) }, hinge, { loss: 'hinge' });
    const b = fit(make(), data, { loss: 'hinge', lr: 0.1, steps: 60 });
    expect(untimed(b)).toEqual(untimed(a));
    expect(a.steps.at(-1)!.loss).toBeLessThan(0.5 * a.steps[0]!.loss);
    expect(a.steps.at(-1)!.accuracy).toBeGreaterThanOrEqual(0.8);
  });

  it('bce: logits against 0/1 labels, accuracy by logit > 0', () => {
    const data = moons({ n: 40, noise: 0.1, seed: 3 });
    const h = firstLoss(() => new MLP(2, [8, 1], { seed: 3 }), data, bceWithLogits, { loss: 'bce', steps: 150, lr: 0.5 });
    expect(h.steps.at(-1)!.loss).toBeLessThan(0.4);
    expect(h.steps.at(-1)!.accuracy).toBeGreaterThanOrEqual(0.85);
  });

  it('crossEntropy: one logit per class, accuracy by argmax', () => {
    const data = blobs({ n: 45, centers: 3, noise: 1, seed: 4 });
    const h = firstLoss(() => new MLP(2, [8, 3], { seed: 4 }), data, softmaxCrossEntropy, { loss: 'crossEntropy', steps: 80, lr: 0.05 });
    expect(h.steps.at(-1)!.loss).toBeLessThan(0.2);
    expect(h.steps.at(-1)!.accuracy).toBe(1);
  });

  it('mse: regression, no accuracy unless asked for', () => {
    const data = sine({ n: 30, noise: 0.05, seed: 5 });
    const h = firstLoss(() => new MLP(1, [16, 1], { hidden: 'tanh', seed: 5 }), data, mse, { loss: 'mse', steps: 300, lr: 0.1 });
    expect(h.steps.at(-1)!.loss).toBeLessThan(0.05);
    expect(h.steps[0]).not.toHaveProperty('accuracy');
    expect(h.epochs[0]).not.toHaveProperty('accuracy');
  });

  it('a custom loss function; accuracy on request (sign for one output)', () => {
    const data = { X: [[-1], [-0.5], [0.5], [1]], y: [0, 0, 1, 1] };
    const meanAbs = (o: Value[][], t: number[]): Value => sum(o.map((row, i) => row[0]!.sub(t[i]!).abs())).mul(1 / o.length);
    const model = new Layer(1, 1, { activation: 'linear', seed: 6 });
    const [w, b] = model.parameters();
    w!.data = -1;
    b!.data = 0.5;
    const h = fit(model, data, { loss: meanAbs, lr: 0.5, steps: 1, accuracy: true });
    // Outputs 1.5, 1, 0, -0.5: mean |o − y| = (1.5 + 1 + 1 + 1.5) / 4, and every sign is wrong
    // (0 is not > 0, so it predicts the negative class).
    expect(h.steps[0]).toMatchObject({ loss: 1.25, accuracy: 0 });
    // d/dw = mean(sign(o − y)·x) = (−1 − 0.5 − 0.5 − 1) / 4 = −0.75; d/db = (1 + 1 − 1 − 1) / 4 = 0.
    expect([w!.data, b!.data]).toEqual([-1 + 0.5 * 0.75, 0.5]);
  });

  it('adds l2 · Σp² (micrograd’s regularisation) to the loss', () => {
    const data = moons({ n: 20, noise: 0.1, seed: 7 });
    const model = new MLP(2, [4, 1], { seed: 7 });
    const expected = hinge(data.X.map((x) => model.forward(x)), signed(data.y)).add(l2(model.parameters()).mul(1e-2)).data;
    expect(fit(model, data, { loss: 'hinge', l2: 1e-2, lr: 0.1, steps: 1 }).steps[0]!.loss).toBe(expected);
  });
});

describe('fit: optimizer, schedule, clipping', () => {
  it('sets optimizer.lr = schedule(k) before step k, on any optimizer', () => {
    const model = new MLP(2, [4, 1], { seed: 8 });
    const optimizer = new Adam(model.parameters());
    const schedule = stepLR(0.1, 2, 0.5);
    const h = fit(model, moons({ n: 20, seed: 8 }), { loss: 'hinge', optimizer, schedule, steps: 6 });
    expect(h.steps.map((s) => s.lr)).toEqual([0.1, 0.1, 0.05, 0.05, 0.025, 0.025]);
    expect(optimizer.lr).toBe(0.025);
    expect(optimizer.stepCount).toBe(6);
    expect(h.epochs.map((e) => e.lr)).toEqual([0.1, 0.1, 0.05, 0.05, 0.025, 0.025]);
  });

  it('the default optimizer is SGD with options.lr (p − lr·grad)', () => {
    const model = new Layer(1, 1, { activation: 'linear', seed: 0 });
    const [w, b] = model.parameters();
    w!.data = 2;
    b!.data = 0;
    // mse of 2·1 against 0 is 4; d/dw = 2·2·1 = 4, d/db = 4.
    fit(model, { X: [[1]], y: [0] }, { loss: 'mse', lr: 0.25, steps: 1 });
    expect([w!.data, b!.data]).toEqual([1, -1]);
  });

  it('clipGradNorm bounds every update to lr · maxNorm', () => {
    const data = moons({ n: 20, noise: 0.1, seed: 9 });
    const deltas = (clip: number | undefined): number[] => {
      const model = new MLP(2, [8, 1], { seed: 9 });
      const norms: number[] = [];
      let before = model.parameters().map((p) => p.data);
      fit(model, data, {
        loss: 'hinge', lr: 1, steps: 5, ...(clip === undefined ? {} : { clipGradNorm: clip }),
        onStep: () => {
          const now = model.parameters().map((p) => p.data);
          norms.push(Math.hypot(...now.map((v, i) => v - before[i]!)));
          before = now;
        },
      });
      return norms;
    };
    for (const d of deltas(0.01)) {
      expect(d).toBeGreaterThan(0.0099);
      expect(d).toBeLessThanOrEqual(0.01 * (1 + 1e-9));
    }
    expect(Math.max(...deltas(undefined))).toBeGreaterThan(0.1);
  });
});

describe('fit: validation', () => {
  it('splits off a fraction with the seed, and reports valLoss and valAccuracy after each epoch', () => {
    const data = moons({ n: 20, noise: 0.1, seed: 10 });
    const trainer = new Trainer(new MLP(2, [4, 1], { seed: 10 }), data, { loss: 'hinge', lr: 0.1, epochs: 3, validation: 0.25, seed: 11 });
    const split = trainTestSplit({ X: data.X, y: signed(data.y) }, { testFraction: 0.25, seed: 11 });
    expect(trainer.data).toEqual(split.train);
    expect(trainer.validation).toEqual(split.test);
    while (!trainer.done) trainer.step();
    const last = trainer.history.epochs.at(-1)!;
    expect(trainer.evaluate()).toEqual({ loss: last.valLoss, accuracy: last.valAccuracy });
    expect(trainer.history.epochs.every((e) => e.valLoss !== undefined && e.valAccuracy !== undefined)).toBe(true);
  });

  it('evaluates a given validation set in eval mode, without a graph, with the l2 term', () => {
    const signedMoons = (n: number, seed: number): Dataset => {
      const d = moons({ n, noise: 0.1, seed });
      return { X: d.X, y: signed(d.y) };
    };
    const train = signedMoons(20, 12), val = signedMoons(10, 13);
    const model = new MLP(2, [4, 1], { seed: 12 });
    const modes: boolean[] = [];
    const trainer = new Trainer(model, train, {
      loss: (o, t) => (modes.push(model.training), hinge(o, t)), l2: 1e-3, lr: 0.1, epochs: 1, validation: val,
    });
    trainer.step();
    expect(modes).toEqual([true, false]);
    expect(model.training).toBe(true);
    const outputs = val.X.map((x) => model.forward(x));
    const expected = hinge(outputs, val.y).add(l2(model.parameters()).mul(1e-3)).data;
    expect(trainer.history.epochs[0]!.valLoss).toBe(expected);
    // A custom loss tracks no accuracy by default.
    expect(trainer.history.epochs[0]).not.toHaveProperty('valAccuracy');
    expect(trainer.evaluate(train).loss).toBe(hinge(train.X.map((x) => model.forward(x)), train.y).add(l2(model.parameters()).mul(1e-3)).data);
  });
});

describe('fit: callbacks and stopping', () => {
  it('onStep after every step and onEpoch after each epoch’s last step, with the trainer', () => {
    const events: string[] = [];
    const steps: StepInfo[] = [];
    const epochs: EpochInfo[] = [];
    let seen: Trainer | null = null;
    const history = fit(new MLP(2, [4, 1], { seed: 14 }), moons({ n: 10, seed: 14 }), {
      loss: 'hinge', lr: 0.1, epochs: 2, batchSize: 4, validation: 0.2,
      onStep: (info, trainer) => {
        events.push(`step ${info.step}`);
        steps.push(info);
        seen = trainer;
      },
      onEpoch: (info) => {
        events.push(`epoch ${info.epoch}`);
        epochs.push(info);
      },
    });
    expect(events).toEqual(['step 0', 'step 1', 'epoch 0', 'step 2', 'step 3', 'epoch 1']);
    expect(steps).toEqual(history.steps);
    expect(epochs).toEqual(history.epochs);
    expect(seen).toBeInstanceOf(Trainer);
    for (const s of steps) {
      expect(Object.keys(s).sort()).toEqual(['accuracy', 'epoch', 'loss', 'lr', 'ms', 'step']);
      expect(s.ms).toBeGreaterThanOrEqual(0);
      expect(s.lr).toBe(0.1);
    }
    for (const e of epochs) expect(Object.keys(e).sort()).toEqual(['accuracy', 'epoch', 'loss', 'lr', 'ms', 'valAccuracy', 'valLoss']);
  });

  it('a callback returning false, or calling trainer.stop(), stops training', () => {
    const data = moons({ n: 12, seed: 15 });
    const byStep = fit(new MLP(2, [4, 1]), data, { loss: 'hinge', lr: 0.1, steps: 10, onStep: (s) => (s.step === 3 ? false : undefined) });
    expect(byStep.steps).toHaveLength(4);
    expect(byStep.stopReason).toBe('callback');
    const byEpoch = fit(new MLP(2, [4, 1]), data, { loss: 'hinge', lr: 0.1, epochs: 10, batchSize: 6, onEpoch: (e, t) => void (e.epoch === 1 && t.stop()) });
    expect(byEpoch.epochs).toHaveLength(2);
    expect(byEpoch.steps).toHaveLength(4);
    expect(byEpoch.stopReason).toBe('callback');
  });

  it('early stopping: patience epochs in a row without an improvement of more than minDelta', () => {
    const data = moons({ n: 12, seed: 16 });
    // lr 0: the loss never improves after the first epoch.
    const flat = fit(new MLP(2, [4, 1]), data, { loss: 'hinge', lr: 0, epochs: 10, earlyStopping: { patience: 2 } });
    expect(flat.epochs).toHaveLength(3);
    expect(flat.stopReason).toBe('earlyStopping');
    // The loss falls, but never by more than minDelta.
    const slow = fit(new MLP(2, [4, 1]), data, { loss: 'hinge', lr: 0.01, epochs: 10, earlyStopping: { patience: 3, minDelta: 10 } });
    expect(slow.epochs).toHaveLength(4);
    expect(slow.epochs[3]!.loss).toBeLessThan(slow.epochs[0]!.loss);
    // With a validation set it watches valLoss by default; improving training continues to the end.
    const improving = fit(new MLP(2, [8, 1], { seed: 16 }), data, { loss: 'hinge', lr: 0.05, epochs: 5, validation: data, earlyStopping: { patience: 1 } });
    const val = improving.epochs.map((e) => e.valLoss!);
    expect(val.every((v, i) => i === 0 || v < val[i - 1]!)).toBe(true);
    expect(improving.stopReason).toBe('completed');
  });

  it('targetLoss stops after the first step whose loss is at or below it', () => {
    const h = fit(new MLP(2, [8, 1], { seed: 17 }), moons({ n: 20, noise: 0.1, seed: 17 }), { loss: 'hinge', lr: 0.1, steps: 500, targetLoss: 0.3 });
    expect(h.stopReason).toBe('targetLoss');
    expect(h.steps.at(-1)!.loss).toBeLessThanOrEqual(0.3);
    expect(h.steps.slice(0, -1).every((s) => s.loss > 0.3)).toBe(true);
    expect(h.steps.length).toBeLessThan(500);
  });
});

describe('fit: determinism', () => {
  const run = (seed: number): { history: unknown; weights: Record<string, number> } => {
    const model = new MLP(2, [6, 6, 1], { seed: 18 });
    const history = fit(model, moons({ n: 30, noise: 0.2, seed: 18 }), {
      loss: 'hinge', optimizer: new Adam(model.parameters(), { lr: 0.02 }), epochs: 4, batchSize: 7, validation: 0.2, seed, l2: 1e-4,
    });
    return { history: untimed(history), weights: model.stateDict() };
  };

  it('the same seed gives bit-identical histories and weights; another seed does not', () => {
    const a = run(1), b = run(1), c = run(2);
    expect(b).toEqual(a);
    expect(c.history).not.toEqual(a.history);
  });
});

describe('fit: non-finite values', () => {
  it('names the step and the first op whose output is not finite, before touching the weights', () => {
    const model = new Layer(1, 1, { activation: 'linear' });
    const [w, b] = model.parameters();
    w!.data = 1;
    b!.data = 0;
    expect(() => fit(model, { X: [[1e200]], y: [0] }, { loss: 'mse', lr: 0.1, steps: 3 })).toThrow(
      new Error("fit: loss became Infinity at step 0 (epoch 0); first non-finite value: '*' of 1e+200 and 1e+200 gave Infinity"),
    );
    expect([w!.data, b!.data]).toEqual([1, 0]);
  });

  it('catches a run diverging under a huge learning rate', () => {
    const model = new Layer(1, 1, { activation: 'linear' });
    const [w, b] = model.parameters();
    w!.data = 1;
    b!.data = 0;
    const kept: number[][] = [];
    // Two samples per epoch, one per batch. Step 0: residual 1, so w = b = 1 − 2e100; step 1: residual
    // −4e100, w = b ≈ 8e200 − 2e100 = 8e200; step 2: the residual 1.6e201 squared overflows.
    const run = (): History => fit(model, { X: [[1], [1]], y: [0, 0] }, {
      loss: 'mse', lr: 1e100, steps: 10, batchSize: 1, shuffle: false, onStep: () => void kept.push([w!.data, b!.data]),
    });
    expect(run).toThrow(new Error("fit: loss became Infinity at step 2 (epoch 1); first non-finite value: '*' of 1.6e+201 and 1.6e+201 gave Infinity"));
    expect([w!.data, b!.data]).toEqual(kept.at(-1));
  });

  it('names a custom loss op, and a gradient that is not finite', () => {
    const logLoss = (o: Value[][]): Value => o[0]![0]!.sub(10).log();
    const model = new Layer(1, 1, { activation: 'linear' });
    model.parameters().forEach((p) => (p.data = 1));
    expect(() => fit(model, { X: [[2]], y: [0] }, { loss: logLoss, lr: 0.1, steps: 1 })).toThrow(
      new Error("fit: loss became NaN at step 0 (epoch 0); first non-finite value: 'log' of -7 gave NaN"),
    );
    // √(0·o) is 0, but its derivative at 0 is infinite.
    const sqrtLoss = (o: Value[][]): Value => o[0]![0]!.mul(0).sqrt();
    expect(() => fit(model, { X: [[2]], y: [0] }, { loss: sqrtLoss, lr: 0.1, steps: 1 })).toThrow(
      new Error('fit: the gradient of parameter "neurons.0.w.0" became NaN at step 0 (epoch 0)'),
    );
    expect(model.parameters().map((p) => p.data)).toEqual([1, 1]);
  });

  it('names a parameter that is not finite', () => {
    const model = new Layer(1, 1, { activation: 'linear' });
    model.parameters()[1]!.data = NaN;
    expect(() => fit(model, { X: [[2]], y: [0] }, { loss: 'mse', lr: 0.1, steps: 1 })).toThrow(
      new Error('fit: loss became NaN at step 0 (epoch 0); first non-finite value: parameter "neurons.0.b" = NaN'),
    );
  });
});

describe('fit: bad input', () => {
  const data = { X: [[0, 0], [0, 1], [1, 0], [1, 1]], y: [0, 1, 1, 0] };
  const model = new MLP(2, [3, 1]);
  const bad = (options: Partial<FitOptions>, d: unknown = data, m: unknown = model) => () =>
    fit(m as MLP, d as Dataset, { loss: 'hinge', steps: 1, ...options } as FitOptions);

  it('options', () => {
    expect(bad({ lr: 0.1, learningRate: 0.1 } as Partial<FitOptions>)).toThrow(
      new TypeError('fit: unknown option "learningRate" (expected one of loss, optimizer, lr, schedule, epochs, steps, batchSize, shuffle, seed, rng, l2, clipGradNorm, validation, onStep, onEpoch, earlyStopping, targetLoss, accuracy)'),
    );
    expect(bad({ loss: 'nll' as 'mse' })).toThrow(new RangeError('fit: expected options.loss to be one of hinge, mse, bce, crossEntropy or a function, got "nll"'));
    expect(bad({ loss: undefined as never })).toThrow(new TypeError('fit: expected options.loss to be one of hinge, mse, bce, crossEntropy or a function, got undefined'));
    expect(bad({ epochs: 2 })).toThrow(new TypeError('fit: give options.epochs or options.steps, not both'));
    expect(bad({ steps: undefined as never })).toThrow(new TypeError('fit: give options.epochs or options.steps (a Trainer can run without a limit; fit cannot)'));
    expect(bad({ steps: 1.5 })).toThrow(new RangeError('fit: expected options.steps to be a positive integer, got 1.5'));
    expect(bad({ epochs: '3' as never, steps: undefined as never })).toThrow(new TypeError('fit: expected options.epochs to be a positive integer, got string "3"'));
    expect(bad({ batchSize: 5 })).toThrow(new RangeError('fit: expected options.batchSize to be at most the number of training samples (4), got 5'));
    expect(bad({ batchSize: 0 })).toThrow(new RangeError('fit: expected options.batchSize to be a positive integer, got 0'));
    expect(bad({ lr: 0.1, optimizer: new SGD(model.parameters()) })).toThrow(new TypeError('fit: give options.lr or options.optimizer, not both (set lr on the optimizer)'));
    expect(bad({ lr: 0.1, schedule: cosineLR(0.1, 10) })).toThrow(new TypeError('fit: give options.lr or options.schedule, not both'));
    expect(bad({ lr: -1 })).toThrow(new RangeError('fit: expected options.lr to be finite and ≥ 0, got -1'));
    expect(bad({ optimizer: {} as never })).toThrow(new TypeError('fit: expected options.optimizer to be an Optimizer, got an object'));
    expect(bad({ schedule: 0.1 as never })).toThrow(new TypeError('fit: expected options.schedule to be a schedule such as linearLR(1, 0.1, 100), got number 0.1'));
    expect(bad({ seed: 1, rng: new Rng(1) })).toThrow(new TypeError('fit: give options.seed or options.rng, not both'));
    expect(bad({ shuffle: 1 as never })).toThrow(new TypeError('fit: expected options.shuffle to be a boolean, got number 1'));
    expect(bad({ l2: NaN })).toThrow(new RangeError('fit: expected options.l2 to be finite and ≥ 0, got NaN'));
    expect(bad({ clipGradNorm: 0 })).toThrow(new RangeError('fit: expected options.clipGradNorm to be finite and > 0, got 0'));
    expect(bad({ targetLoss: Infinity })).toThrow(new RangeError('fit: expected options.targetLoss to be a finite number, got Infinity'));
    expect(bad({ onStep: 'log' as never })).toThrow(new TypeError('fit: expected options.onStep to be a function, got string "log"'));
    expect(bad({ validation: 1 })).toThrow(new RangeError('fit: expected options.validation to be a fraction in (0, 1) or a dataset, got 1'));
    expect(bad({ validation: 0.01 })).toThrow(new RangeError('fit: options.validation: trainTestSplit: testFraction 0.01 of 4 rows leaves the test set empty'));
    expect(bad({ validation: { X: [[1, 2, 3]], y: [1] } })).toThrow(new RangeError('fit: expected options.validation.X to have 2 columns like the training data, got 3'));
    expect(bad({ earlyStopping: { patience: 0 } })).toThrow(new RangeError('fit: expected options.earlyStopping.patience to be a positive integer, got 0'));
    expect(bad({ earlyStopping: { patience: 1, monitor: 'valLoss' } })).toThrow(new RangeError('fit: options.earlyStopping monitors valLoss, but there is no options.validation'));
    expect(bad({ earlyStopping: { patience: 1, mode: 'min' } as never })).toThrow(new TypeError('fit: options.earlyStopping: unknown option "mode" (expected one of patience, minDelta, monitor)'));
    expect(() => fit(model, data, undefined as never)).toThrow(new TypeError('fit: expected options to be an object, got undefined'));
  });

  it('data and model', () => {
    expect(bad({}, { X: [[0, 0], [1]], y: [0, 1] })).toThrow(new RangeError('fit: expected data.X[1] to have 2 columns like data.X[0], got 1'));
    expect(bad({}, { X: [[0, NaN]], y: [0] })).toThrow(new RangeError('fit: expected data.X[0][1] to be a finite number, got NaN'));
    expect(bad({}, { X: [[0, 0]], y: [0, 1] })).toThrow(new RangeError('fit: expected data.y to have one label per row of data.X (1), got 2'));
    expect(bad({}, { X: [], y: [] })).toThrow(new RangeError('fit: expected data.X to have at least one row, got none'));
    expect(bad({}, [[0, 0]])).toThrow(new TypeError('fit: expected data to be a dataset { X, y }, got an array of length 1'));
    expect(bad({}, { X: [[0, 0, 0]], y: [1] })).toThrow(new RangeError('fit: the model cannot take data.X[0]: MLP.forward: expected 2 inputs, got 3'));
    expect(bad({}, data, {})).toThrow(new TypeError('fit: expected model to be a Module, got an object'));
  });

  it('labels that do not fit the loss, and models that do not fit it', () => {
    expect(bad({}, { X: data.X, y: [0, 1, 2, 0] })).toThrow(new RangeError('fit: expected data.y[0] to be -1 or 1 (or every label 0 or 1) for the hinge loss, got 0'));
    expect(bad({}, { X: data.X, y: [-1, 0, 1, 1] })).toThrow(new RangeError('fit: expected data.y[1] to be -1 or 1 (or every label 0 or 1) for the hinge loss, got 0'));
    expect(bad({ loss: 'bce' }, { X: data.X, y: [-1, 1, 1, -1] })).toThrow(new RangeError('fit: expected data.y[0] to be 0 or 1 for the bce loss, got -1'));
    const three = new MLP(2, [3, 3]);
    expect(bad({ loss: 'crossEntropy' }, { X: data.X, y: [0, 1, 3, 2] }, three)).toThrow(new RangeError('fit: expected data.y[2] to be a class index in [0, 2] for the crossEntropy loss, got 3'));
    expect(bad({ loss: 'crossEntropy' }, { X: data.X, y: [0, 1, 0.5, 2] }, three)).toThrow(RangeError);
    expect(bad({ loss: 'crossEntropy' })).toThrow(new RangeError('fit: the crossEntropy loss needs one output per class (at least 2), but the model gives 1'));
    expect(bad({ loss: 'hinge' }, data, three)).toThrow(new RangeError('fit: the hinge loss needs one output per sample, but the model gives 3'));
    expect(bad({ loss: 'mse', accuracy: true }, { X: data.X, y: [0, 1, 2, 0] })).toThrow(new RangeError('fit: expected data.y[0] to be -1 or 1 (or every label 0 or 1) for accuracy, got 0'));
    const trainer = new Trainer(model, data, { loss: 'hinge', steps: 1 });
    expect(() => trainer.evaluate({ X: data.X, y: [3, 1, 1, 0] })).toThrow(new RangeError('Trainer.evaluate: expected data.y[0] to be -1 or 1 (or every label 0 or 1) for the hinge loss, got 3'));
  });
});
