import { describe, expect, it, vi } from 'vitest';
import { TraceError, Value, noGrad, sum, type ValueLike } from '@ugrad/engine';
import { Rng } from '../src/random.js';
import { Module } from '../src/module.js';
import { Layer, MLP } from '../src/layers.js';
import { LOSSES, accuracy, bceWithLogits, hinge, l2, mse, softmaxCrossEntropy } from '../src/losses.js';
import { Adam, SGD } from '../src/optimizers.js';
import { cosineLR, linearLR, stepLR } from '../src/schedule.js';
import { blobs, moons, signed, sine, trainTestSplit, type Dataset } from '../src/datasets.js';
import { fit } from '../src/fit.js';
import { NonFiniteError } from '../src/batch.js';
import { Trainer } from '../src/trainer.js';
import type { FitOptions } from '../src/options.js';
import type { EpochInfo, StepInfo } from '../src/callbacks.js';
import type { History } from '../src/trainer-state.js';
import { thrown } from '../../../test/helpers.js';

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

// A NonFiniteError with this message (the class, the message, and fields that agree with it).
function nonFinite(message: string): NonFiniteError {
  const m = /at step (\d+) \(epoch (\d+)\)/.exec(message)!;
  const quantity = message.startsWith('fit: loss') ? 'loss' : 'gradient';
  const value = Number(/became (\S+)/.exec(message)![1]);
  const origin = quantity === 'loss' ? (/first non-finite value: (.*)$/.exec(message)?.[1] ?? null) : /parameter "([^"]+)"/.exec(message)![1]!;
  return new NonFiniteError(quantity, value, { step: Number(m[1]), epoch: Number(m[2]) }, origin);
}

// y = x: a linear layer with weight 1 and bias 0, and those two parameters.
function identity(): { model: Layer; w: Value; b: Value } {
  const model = new Layer(1, 1, { activation: 'linear' });
  const [w, b] = model.parameters() as [Value, Value];
  w.data = 1;
  b.data = 0;
  return { model, w, b };
}

const linear = (): Layer => new Layer(1, 1, { activation: 'linear', seed: 0 });

describe("fit: micrograd's demo", () => {
  // moons n=100 noise=0.1; MLP(2, [16, 16, 1]); hinge + 1e-4·Σp²; 100 full-batch SGD steps, lr 1.0 → 0.1.
  const { X, y: y01 } = moons({ n: 100, noise: 0.1, seed: 1337 });

  // micrograd's demo loop, from engine primitives only: no losses, optimizer or schedule from @ugrad/nn.
  function handLoop(): { losses: number[]; accuracies: number[]; weights: Record<string, number> } {
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
    return { losses, accuracies, weights: ref.stateDict() };
  }
  const ref = handLoop();
  const train = (compile: 'auto' | boolean): { model: MLP; history: History; trainer: Trainer } => {
    const model = new MLP(2, [16, 16, 1], { seed: 1337 });
    const trainer = new Trainer(model, { X, y: y01 }, { loss: 'hinge', l2: 1e-4, steps: 100, schedule: linearLR(1.0, 0.1, 100), compile });
    while (!trainer.done) trainer.step();
    return { model, history: trainer.history, trainer };
  };

  it('eagerly: reaches 100% training accuracy, with the same losses and weights as the loop written out by hand, bit for bit', () => {
    const { model, history, trainer } = train(false);
    expect(trainer.mode).toBe('eager');
    expect(history.steps.map((s) => s.loss)).toEqual(ref.losses);
    expect(history.steps.map((s) => s.accuracy)).toEqual(ref.accuracies);
    expect(model.stateDict()).toEqual(ref.weights);
    expect(history.steps.at(-1)!.accuracy).toBe(1);
    expect(history.steps.at(-1)!.loss).toBeLessThan(0.05);
    expect(history.steps.map((s) => s.lr)).toEqual(range(100).map((k) => linearLR(1.0, 0.1, 100)(k)));
    // Full batch: one step per epoch, and each epoch reports its step's loss exactly.
    expect(history.epochs.map((e) => e.loss)).toEqual(ref.losses);
    expect(history.stopReason).toBe('completed');
  });

  it('compiled (the default): the first loss bit for bit, then every loss and weight to 1e-12', () => {
    const { model, history, trainer } = train('auto');
    expect(trainer.mode).toBe('compiled');
    expect(trainer.eagerReason).toBe(null);
    const losses = history.steps.map((s) => s.loss);
    expect(losses[0]).toBe(ref.losses[0]);
    // Gradients add up in another order than in backward(), so the last bits of the weights differ from step 1 on.
    expectRelative(losses, ref.losses, 1e-12, 'loss');
    const weights = model.stateDict();
    expectRelative(Object.values(weights), Object.keys(weights).map((k) => ref.weights[k]!), 1e-12, 'weight', 1e-15);
    expect(history.steps.map((s) => s.accuracy)).toEqual(ref.accuracies);
    expect(history.epochs.map((e) => e.loss)).toEqual(losses);
  });
});


// |got − want| ≤ rel·|want| + abs, element by element; the first few failures in words.
function expectRelative(got: number[], want: number[], rel: number, what: string, abs = 0): void {
  expect(got).toHaveLength(want.length);
  const bad = got.flatMap((g, i) => (Math.abs(g - want[i]!) <= rel * Math.abs(want[i]!) + abs ? [] : [`${what} ${i}: ${g} vs ${want[i]}`]));
  expect(bad.slice(0, 5)).toEqual([]);
}

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
    const { model, w, b } = identity();
    expect(() => fit(model, { X: [[1e200]], y: [0] }, { loss: 'mse', lr: 0.1, steps: 3 })).toThrow(
      nonFinite("fit: loss became Infinity at step 0 (epoch 0); first non-finite value: '*' of 1e+200 and 1e+200 gave Infinity"),
    );
    expect([w!.data, b!.data]).toEqual([1, 0]);
  });

  it('catches a run diverging under a huge learning rate', () => {
    const { model, w, b } = identity();
    const kept: number[][] = [];
    // Two samples per epoch, one per batch. Step 0: residual 1, so w = b = 1 − 2e100; step 1: residual
    // −4e100, w = b ≈ 8e200 − 2e100 = 8e200; step 2: the residual 1.6e201 squared overflows.
    const run = (): History => fit(model, { X: [[1], [1]], y: [0, 0] }, {
      loss: 'mse', lr: 1e100, steps: 10, batchSize: 1, shuffle: false, onStep: () => void kept.push([w!.data, b!.data]),
    });
    expect(run).toThrow(nonFinite("fit: loss became Infinity at step 2 (epoch 1); first non-finite value: '*' of 1.6e+201 and 1.6e+201 gave Infinity"));
    expect([w!.data, b!.data]).toEqual(kept.at(-1));
  });

  it('names a custom loss op, and a gradient that is not finite', () => {
    const logLoss = (o: Value[][]): Value => o[0]![0]!.sub(10).log();
    const model = new Layer(1, 1, { activation: 'linear' });
    model.parameters().forEach((p) => (p.data = 1));
    expect(() => fit(model, { X: [[2]], y: [0] }, { loss: logLoss, lr: 0.1, steps: 1 })).toThrow(
      nonFinite("fit: loss became NaN at step 0 (epoch 0); first non-finite value: 'log' of -7 gave NaN"),
    );
    // √(0·o) is 0, but its derivative at 0 is infinite.
    const sqrtLoss = (o: Value[][]): Value => o[0]![0]!.mul(0).sqrt();
    expect(() => fit(model, { X: [[2]], y: [0] }, { loss: sqrtLoss, lr: 0.1, steps: 1 })).toThrow(
      nonFinite('fit: the gradient of parameter "neurons.0.w.0" became NaN at step 0 (epoch 0)'),
    );
    expect(model.parameters().map((p) => p.data)).toEqual([1, 1]);
  });

  it('names a parameter that is not finite', () => {
    const model = new Layer(1, 1, { activation: 'linear' });
    model.parameters()[1]!.data = NaN;
    expect(() => fit(model, { X: [[2]], y: [0] }, { loss: 'mse', lr: 0.1, steps: 1 })).toThrow(
      nonFinite('fit: loss became NaN at step 0 (epoch 0); first non-finite value: parameter "neurons.0.b" = NaN'),
    );
  });
});

describe('fit: compiled and eager', () => {
  // Each built-in loss on an MLP, with minibatches, a validation split, l2 and Adam among them.
  const setUps: Record<'hinge' | 'bce' | 'crossEntropy' | 'mse', () => { model: MLP; data: Dataset; options: FitOptions }> = {
    hinge: () => ({ model: new MLP(2, [8, 8, 1], { seed: 21 }), data: moons({ n: 40, noise: 0.1, seed: 21 }), options: { loss: 'hinge', lr: 0.1, l2: 1e-4, batchSize: 10, validation: 0.25, steps: 24 } }),
    bce: () => {
      const model = new MLP(2, [8, 1], { seed: 22 });
      return { model, data: moons({ n: 40, noise: 0.1, seed: 22 }), options: { loss: 'bce', optimizer: new Adam(model.parameters(), { lr: 0.05 }), batchSize: 16, steps: 24 } };
    },
    crossEntropy: () => ({ model: new MLP(2, [8, 3], { seed: 23 }), data: blobs({ n: 45, centers: 3, noise: 1, seed: 23 }), options: { loss: 'crossEntropy', lr: 0.05, l2: 1e-3, validation: 0.2, steps: 24 } }),
    mse: () => ({ model: new MLP(1, [16, 1], { hidden: 'tanh', seed: 24 }), data: sine({ n: 30, noise: 0.05, seed: 24 }), options: { loss: 'mse', lr: 0.1, batchSize: 8, steps: 24 } }),
  };

  for (const [loss, setUp] of Object.entries(setUps)) {
    it(`${loss}: compiled by default, with the losses, accuracies and weights of eager training to 1e-12 over 24 steps`, () => {
      const runs = ([true, false] as const).map((compile) => {
        const { model, data, options } = setUp();
        const trainer = new Trainer(model, data, { ...options, compile });
        // Before any step both see the same weights: evaluation agrees bit for bit.
        const before = trainer.evaluate(data);
        while (!trainer.done) trainer.step();
        return { trainer, before, weights: Object.values(model.stateDict()) };
      });
      const [c, e] = runs as [typeof runs[0], typeof runs[0]];
      expect([c.trainer.mode, e.trainer.mode]).toEqual(['compiled', 'eager']);
      expect(c.before).toEqual(e.before);
      const [hc, he] = [c.trainer.history, e.trainer.history];
      expect(hc.steps[0]!.loss).toBe(he.steps[0]!.loss);
      expectRelative(hc.steps.map((s) => s.loss), he.steps.map((s) => s.loss), 1e-12, 'loss');
      expect(hc.steps.map((s) => s.accuracy)).toEqual(he.steps.map((s) => s.accuracy));
      expectRelative(hc.epochs.map((s) => s.valLoss ?? 0), he.epochs.map((s) => s.valLoss ?? 0), 1e-12, 'valLoss');
      expect(hc.epochs.map((s) => s.valAccuracy)).toEqual(he.epochs.map((s) => s.valAccuracy));
      expectRelative(c.weights, e.weights, 1e-12, 'weight', 1e-15);
      // Training did something.
      expect(hc.steps.at(-1)!.loss).toBeLessThan(hc.steps[0]!.loss);
    });
  }

  it('options.compile: false trains eagerly, and says so', () => {
    const { model, data, options } = setUps.hinge();
    const trainer = new Trainer(model, data, { ...options, compile: false });
    expect([trainer.mode, trainer.eagerReason]).toEqual(['eager', 'options.compile is false']);
  });

  it('steps, eager or compiled, never walk the module tree for parameters: the trainer finds them once, at construction', () => {
    for (const compile of [true, false]) {
      const { model, data, options } = setUps.hinge();
      const trainer = new Trainer(model, data, { ...options, compile });
      const walk = vi.spyOn(model, 'namedParameters');
      while (!trainer.done) trainer.step();
      expect([trainer.mode, walk.mock.calls.length]).toEqual([compile ? 'compiled' : 'eager', 0]);
      // Training still happened, with fresh gradients each step (else the loss would not fall).
      expect(trainer.history.steps.at(-1)!.loss).toBeLessThan(trainer.history.steps[0]!.loss);
    }
  });

  // Branches on a value while tracing: the engine's data hook stops the trace.
  class Peeking extends Module {
    mlp = new MLP(2, [4, 1], { seed: 25 });
    forward(x: readonly ValueLike[]): Value[] {
      const out = this.mlp.forward(x);
      return out[0]!.data > 1e9 ? [out[0]!.tanh()] : out;
    }
  }
  const peekMessage = "compileStep: the sample function used .data of a Value (made by '+') while being traced; a compiled replay does not re-run your code, so nothing may depend on data values: use Value ops (relu, abs, …) instead of branching on .data, or train eagerly";
  const fallback = "fit: could not compile the training step (options.compile is true; 'auto' would train eagerly): ";

  it('a model that reads .data trains eagerly under auto, exactly as with compile: false, and throws under compile: true', () => {
    const data = moons({ n: 20, noise: 0.1, seed: 25 });
    const auto = new Trainer(new Peeking(), data, { loss: 'hinge', lr: 0.1, steps: 5 });
    expect([auto.mode, auto.eagerReason]).toEqual(['eager', peekMessage]);
    while (!auto.done) auto.step();
    expect(untimed(auto.history)).toEqual(untimed(fit(new Peeking(), data, { loss: 'hinge', lr: 0.1, steps: 5, compile: false })));
    const error = thrown(() => new Trainer(new Peeking(), data, { loss: 'hinge', lr: 0.1, steps: 5, compile: true }));
    expect(error).toBeInstanceOf(TraceError);
    expect((error as Error).message).toBe(fallback + peekMessage);
  });

  // Computes a feature from its inputs as numbers: a trace sees Values there, so x0·x1 becomes NaN.
  class Product extends Module {
    mlp = new MLP(3, [4, 1], { seed: 26 });
    forward(x: readonly ValueLike[]): Value[] {
      const [a, b] = x as readonly number[];
      return this.mlp.forward([a!, b!, a! * b!]);
    }
  }

  it('a model that computes with its inputs as numbers is caught by comparing with eager on the training set', () => {
    const data = moons({ n: 20, noise: 0.1, seed: 26 });
    const want = noGrad(() => new Product().forward(data.X[0]!))[0]!.data;
    void want; // a * b on two Values now throws while being traced (the engine's coercion rule), before any comparison
    const reason = 'compileStep: the sample function used a Value (a leaf) as a number (a + b, a * 2, a < b) while being traced; a compiled replay does not re-run your code: use Value ops (add, mul, max, …), or train eagerly';
    const auto = new Trainer(new Product(), data, { loss: 'bce', lr: 0.1, steps: 3 });
    expect([auto.mode, auto.eagerReason]).toEqual(['eager', reason]);
    expect(() => new Trainer(new Product(), data, { loss: 'bce', lr: 0.1, steps: 3, compile: true })).toThrow(new TraceError(fallback + reason));
  });

  it('custom losses: eager under auto; compiled with compile: true when they are per-sample means; refused when not', () => {
    const data = sine({ n: 24, noise: 0.05, seed: 27 });
    const meanAbs = (o: Value[][], t: number[]): Value => sum(o.map((row, i) => row[0]!.sub(t[i]!).abs())).mul(1 / o.length);
    const make = () => new MLP(1, [8, 1], { hidden: 'tanh', seed: 27 });
    const auto = new Trainer(make(), data, { loss: meanAbs, lr: 0.05, steps: 20 });
    expect([auto.mode, auto.eagerReason]).toEqual(['eager', 'a custom loss function is compiled only with options.compile: true']);
    // 24 distinct targets, one program each
    const compiled = new Trainer(make(), data, { loss: meanAbs, lr: 0.05, steps: 20, compile: true });
    expect(compiled.mode).toBe('compiled');
    while (!compiled.done) compiled.step();
    while (!auto.done) auto.step();
    expectRelative(compiled.history.steps.map((s) => s.loss), auto.history.steps.map((s) => s.loss), 1e-12, 'loss');
    expect(compiled.history.steps.at(-1)!.loss).toBeLessThan(compiled.history.steps[0]!.loss);

    // A sum over samples is not what a compiled step computes (a mean): refused, with both numbers.
    const sumAbs = (o: Value[][], t: number[]): Value => sum(o.map((row, i) => row[0]!.sub(t[i]!).abs()));
    const error = thrown(() => new Trainer(make(), data, { loss: sumAbs, lr: 0.05, steps: 1, compile: true })) as Error;
    expect(error).toBeInstanceOf(TraceError);
    expect(error.message).toMatch(/^fit: could not compile the training step \(options\.compile is true; 'auto' would train eagerly\): the compiled loss, [0-9.e-]+, differs from the loss function's, [0-9.e-]+, on the training set; a compiled loss must be the mean over samples of a per-sample term$/);

    // More distinct targets than programs a compiled step keeps.
    const many = sine({ n: 70, seed: 27 });
    expect(() => new Trainer(make(), many, { loss: meanAbs, lr: 0.05, steps: 1, compile: true })).toThrow(
      new TraceError(`${fallback}the training set has 70 distinct targets; a compiled step takes at most 64 (one program each)`),
    );
  });

  it('a non-finite loss or gradient in a compiled step is redone eagerly, for the same message, before the update', () => {
    const { model, w, b } = identity();
    const trainer = new Trainer(model, { X: [[1e200]], y: [0] }, { loss: 'mse', lr: 0.1, steps: 3 });
    expect(trainer.mode).toBe('compiled');
    expect(() => trainer.step()).toThrow(nonFinite("fit: loss became Infinity at step 0 (epoch 0); first non-finite value: '*' of 1e+200 and 1e+200 gave Infinity"));
    expect([w!.data, b!.data]).toEqual([1, 0]);

    // √(0·w·x) is 0, a finite loss, but its derivative at 0 is infinite.
    class Root extends Module {
      w = new Value(1);
      forward(x: readonly ValueLike[]): Value[] {
        return [this.w.mul(x[0]!).mul(0).sqrt()];
      }
    }
    const root = new Root();
    const t = new Trainer(root, { X: [[2]], y: [0] }, { loss: 'mse', lr: 0.1, steps: 1 });
    expect(t.mode).toBe('compiled');
    expect(() => t.step()).toThrow(nonFinite('fit: the gradient of parameter "w" became NaN at step 0 (epoch 0)'));
    expect(root.w.data).toBe(1);
  });

  it('a compiled run resumed from its state ends bit-identical to the uninterrupted one', () => {
    const data = moons({ n: 30, noise: 0.2, seed: 28 });
    const setUp = (seed: number) => {
      const model = new MLP(2, [6, 6, 1], { seed });
      const optimizer = new Adam(model.parameters(), { lr: 0.02 });
      const trainer = new Trainer(model, data, { loss: 'bce', optimizer, steps: 12, batchSize: 7, validation: 0.2, seed: 3, l2: 1e-4 });
      return { model, optimizer, trainer };
    };
    const whole = setUp(28);
    while (!whole.trainer.done) whole.trainer.step();
    const first = setUp(28);
    for (let i = 0; i < 5; i++) first.trainer.step();
    const saved = JSON.parse(JSON.stringify({ model: first.model.stateDict(), optimizer: first.optimizer.stateDict(), trainer: first.trainer.stateDict() }));
    const resumed = setUp(99);
    resumed.model.loadStateDict(saved.model);
    resumed.optimizer.loadStateDict(saved.optimizer);
    resumed.trainer.loadStateDict(saved.trainer);
    while (!resumed.trainer.done) resumed.trainer.step();
    expect([whole.trainer.mode, resumed.trainer.mode]).toEqual(['compiled', 'compiled']);
    expect(untimed(resumed.trainer.history)).toEqual(untimed(whole.trainer.history));
    expect(resumed.model.stateDict()).toEqual(whole.model.stateDict());
  });

  it('a model that cannot be compiled in eval mode still trains compiled, and evaluates eagerly', () => {
    // Reads .data only in eval mode, as a layer with running statistics might.
    class EvalPeek extends Module {
      mlp = new MLP(2, [4, 1], { seed: 29 });
      forward(x: readonly ValueLike[]): Value[] {
        const out = this.mlp.forward(x);
        return !this.training && out[0]!.data > 1e9 ? [out[0]!.tanh()] : out;
      }
    }
    const data = moons({ n: 20, noise: 0.1, seed: 29 });
    const [c, e] = ['auto', false].map((compile) => new Trainer(new EvalPeek(), data, { loss: 'hinge', lr: 0.1, epochs: 3, validation: 0.25, compile: compile as 'auto' | false }));
    while (!c!.done) c!.step();
    while (!e!.done) e!.step();
    expect(c!.mode).toBe('compiled');
    expect(c!.history.epochs.every((x) => x.valLoss !== undefined)).toBe(true);
    expectRelative(c!.history.epochs.map((x) => x.valLoss!), e!.history.epochs.map((x) => x.valLoss!), 1e-12, 'valLoss');
  });
});

describe('fit: bad input', () => {
  const data = { X: [[0, 0], [0, 1], [1, 0], [1, 1]], y: [0, 1, 1, 0] };
  const model = new MLP(2, [3, 1]);
  const bad = (options: Partial<FitOptions>, d: unknown = data, m: unknown = model) => () =>
    fit(m as MLP, d as Dataset, { loss: 'hinge', steps: 1, ...options } as FitOptions);

  it('options', () => {
    expect(bad({ lr: 0.1, learningRate: 0.1 } as Partial<FitOptions>)).toThrow(
      new TypeError('fit: unknown option "learningRate" (expected one of loss, optimizer, lr, schedule, epochs, steps, batchSize, shuffle, seed, rng, l2, l1, clipGradNorm, validation, onStep, onEpoch, earlyStopping, targetLoss, accuracy, compile)'),
    );
    expect(bad({ loss: 'nll' as 'mse' })).toThrow(new RangeError('fit: expected options.loss to be one of hinge, mse, l1, huber, bce, crossEntropy or a function, got "nll"'));
    expect(bad({ loss: undefined as never })).toThrow(new TypeError('fit: expected options.loss to be one of hinge, mse, l1, huber, bce, crossEntropy or a function, got undefined'));
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
    expect(bad({ validation: 0.01 })).toThrow(new RangeError('fit: expected options.validation to leave rows for both sets, got 0.01 of 4 rows, which leaves the validation set empty'));
    expect(bad({ validation: { X: [[1, 2, 3]], y: [1] } })).toThrow(new RangeError('fit: expected options.validation.X to have 2 columns like the training data, got 3'));
    expect(bad({ earlyStopping: { patience: 0 } })).toThrow(new RangeError('fit: expected options.earlyStopping.patience to be a positive integer, got 0'));
    expect(bad({ earlyStopping: { patience: 1, monitor: 'valLoss' } })).toThrow(new RangeError('fit: options.earlyStopping monitors valLoss, but there is no options.validation'));
    expect(bad({ earlyStopping: { patience: 1, mode: 'min' } as never })).toThrow(new TypeError('fit: unknown key "mode" in options.earlyStopping (expected one of patience, minDelta, monitor)'));
    expect(bad({ compile: 'yes' as never })).toThrow(new RangeError('fit: expected options.compile to be \'auto\', true or false, got "yes"'));
    expect(bad({ compile: 1 as never })).toThrow(new TypeError('fit: expected options.compile to be \'auto\', true or false, got number 1'));
    expect(() => fit(model, data, undefined as never)).toThrow(new TypeError('fit: expected options to be an object, got undefined'));
  });

  it('data and model', () => {
    expect(bad({}, { X: [[0, 0], [1]], y: [0, 1] })).toThrow(new RangeError('fit: expected data.X[1] to have 2 columns as data.X[0] does, got 1'));
    expect(bad({}, { X: [[0, NaN]], y: [0] })).toThrow(new RangeError('fit: expected data.X[0][1] to be a finite number, got NaN'));
    expect(bad({}, { X: [[0, 0]], y: [0, 1] })).toThrow(new RangeError('fit: expected data.y to have one value per row of data.X (1), got 2'));
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

describe('the loss table', () => {
  it("each built-in loss's compiled per-sample form is its function's term, bit for bit, with the same gradients", () => {
    const rng = new Rng(31);
    for (const [name, spec] of Object.entries(LOSSES)) {
      const width = name === 'crossEntropy' ? 4 : 1;
      const labels = name === 'crossEntropy' ? [0, 3, 1, 2, 2] : name === 'mse' ? [0.5, -2, 3, 0, 1e-3] : [0, 1, 1, 0, 1];
      const targets = spec.targets(labels, width, 'test', 'y');
      const outputs = () => targets.map(() => Array.from({ length: width }, () => new Value(rng.uniform(-40, 40))));
      const a = outputs();
      const b = a.map((row) => row.map((v) => new Value(v.data)));
      const eager = spec.fn(a, targets);
      eager.backward();
      const terms = b.map((row, i) => spec.sample(row, spec.targetRow(targets[i]!, width).map((t) => new Value(t))));
      const compiled = sum(terms).mul(1 / terms.length);
      compiled.backward();
      expect(compiled.data, name).toBe(eager.data);
      a.flat().forEach((v, i) => expect(Math.abs(b.flat()[i]!.grad - v.grad), name).toBeLessThanOrEqual(1e-15 * Math.max(1, Math.abs(v.grad))));
    }
  });

  it('mse on 0/1 labels counts a prediction right at the 0.5 threshold, not by sign', () => {
    const { model } = identity();
    const data = { X: [[0.3], [0.7], [0.6], [-0.2]], y: [0, 1, 1, 0] };
    // By sign this would be 75%: 0.3 > 0 reads as class 1.
    for (const compile of [true, false]) expect(new Trainer(model, data, { loss: 'mse', lr: 0, accuracy: true, compile }).evaluate().accuracy).toBe(1);
    expect(new Trainer(model, { X: data.X, y: [-1, 1, 1, -1] }, { loss: 'mse', lr: 0, accuracy: true }).evaluate().accuracy).toBe(0.75);
  });

  it('never counts a NaN prediction as correct', () => {
    expect(accuracy([NaN, NaN], [-1, 1])).toBe(0);
    expect(accuracy([[NaN, 0], [0, NaN]], [0, 1])).toBe(0);
    expect(accuracy([NaN, 0.7], [0, 1], { threshold: 0.5 })).toBe(0.5);
  });
});

describe('fit: promises kept', () => {
  it('checks every option before it calls the model, traces or compiles anything', () => {
    let calls = 0;
    class Counting extends Module {
      mlp = new MLP(2, [2, 1]);
      forward(x: readonly ValueLike[]): Value[] {
        calls++;
        return this.mlp.forward(x);
      }
    }
    const data = moons({ n: 8, seed: 1 });
    expect(() => fit(new Counting(), data, { loss: 'hinge', lr: 0.1 })).toThrow('fit: give options.epochs or options.steps');
    expect(() => fit(new Counting(), data, { loss: 'hinge', lr: 0.1, steps: 1, earlyStopping: { patience: 1, monitor: 'valLoss' } })).toThrow(RangeError);
    expect(() => fit(new Counting(), data, { loss: 'hinge', lr: 0.1, steps: 1, batchSize: 9 })).toThrow(RangeError);
    expect(() => fit(new Counting(), data, { loss: 'hinge', lr: 0.1, steps: 1, validation: { X: [[1, 2, 3]], y: [0] } })).toThrow(RangeError);
    expect(calls).toBe(0);
  });

  it('refuses an optimizer that holds none of the model’s parameters', () => {
    const model = new MLP(2, [2, 1]);
    const stranger = new SGD(new MLP(2, [2, 1]).parameters(), { lr: 0.1 });
    expect(() => fit(model, moons({ n: 8 }), { loss: 'hinge', optimizer: stranger, steps: 1 })).toThrow(
      new RangeError("fit: expected options.optimizer to hold some of the model's parameters, got one holding none of them"),
    );
  });

  it('an update that overflows leaves every weight at its last finite value', () => {
    for (const compile of [true, false]) {
      const { model, w, b } = identity();
      // The loss and gradient are finite, but lr·grad overflows to -Infinity.
      const trainer = new Trainer(model, { X: [[1e150]], y: [0] }, { loss: 'mse', lr: 1e300, steps: 2, compile });
      expect(() => trainer.step()).toThrow(/^fit: the update at step 0 \(epoch 0\) made parameter "neurons\.0\.w\.0" -Infinity; the weights are left at their last finite values \(try a lower learning rate\)$/);
      expect([w!.data, b!.data]).toEqual([1, 0]);
    }
  });

  it('the default optimizer is SGD with lr 1e-3 (PyTorch’s default), documented in FitOptions.lr', () => {
    const model = new Layer(1, 1, { activation: 'linear' });
    const trainer = new Trainer(model, { X: [[1]], y: [0] }, { loss: 'mse', steps: 1 });
    expect(trainer.optimizer).toBeInstanceOf(SGD);
    expect(trainer.optimizer.lr).toBe(1e-3);
  });
});

describe('fit: penalties and divergence, as fields', () => {
  it('l1 adds l1·Σ|p| to the loss (after l2·Σp²), compiled and eager alike', () => {
    const data = moons({ n: 20, noise: 0.1, seed: 40 });
    const make = () => new MLP(2, [4, 1], { seed: 40 });
    const base = make();
    const dataLoss = bceWithLogits(data.X.map((x) => base.forward(x)), data.y).data;
    const ps = base.parameters();
    const expected = dataLoss + ps.reduce((a, p) => a + p.data * p.data, 0) * 1e-3 + ps.reduce((a, p) => a + Math.abs(p.data), 0) * 1e-2;
    for (const compile of [true, false]) {
      const h = fit(make(), data, { loss: 'bce', l2: 1e-3, l1: 1e-2, lr: 0.1, steps: 1, compile });
      expect(Math.abs(h.steps[0]!.loss - expected)).toBeLessThan(1e-14);
    }
    expect(() => fit(make(), data, { loss: 'bce', l1: -1, steps: 1 })).toThrow(new RangeError('fit: expected options.l1 to be finite and ≥ 0, got -1'));
  });

  it('a diverging run throws a NonFiniteError that says what, where and when', () => {
    const { model, w, b } = identity();
    const trainer = new Trainer(model, { X: [[1e150]], y: [0] }, { loss: 'mse', lr: 1e300, steps: 2 });
    const error = thrown(() => trainer.step()) as NonFiniteError;
    expect(error).toBeInstanceOf(NonFiniteError);
    expect([error.quantity, error.value, error.step, error.epoch, error.origin]).toEqual(['weight', -Infinity, 0, 0, 'neurons.0.w.0']);
    expect([w.data, b.data]).toEqual([1, 0]);
  });
});
