import { describe, expect, it } from 'vitest';
import type { Value, ValueLike } from '@ugrad/engine';
import { Layer, MLP } from '../src/layers.js';
import { Module } from '../src/module.js';
import { Sequential } from '../src/sequential.js';
import { type Optimizer } from '../src/optim.js';
import { Adam, SGD } from '../src/optimizers.js';
import { cosineLR } from '../src/schedule.js';
import { moons } from '../src/datasets.js';
import { Trainer } from '../src/trainer.js';
import type { FitOptions } from '../src/options.js';
import type { History } from '../src/trainer-state.js';
import { checkpointToJSON, restoreCheckpoint, type Checkpoint } from '../src/checkpoint.js';

// The checkpoint of `parts` as the object its JSON holds.
const createCheckpoint = (parts: Parameters<typeof checkpointToJSON>[0]): Checkpoint => JSON.parse(checkpointToJSON(parts)) as Checkpoint;

const data = moons({ n: 20, noise: 0.2, seed: 21 });

// A module a checkpoint cannot rebuild by itself: its own class.
class Residual extends Module<readonly ValueLike[], Value[]> {
  inner = new Layer(2, 2, { activation: 'tanh' });
  forward(x: readonly ValueLike[]): Value[] {
    return this.inner.forward(x).map((v, i) => v.add(x[i]!));
  }
}

function untimed(h: History): unknown {
  return { stopReason: h.stopReason, steps: h.steps.map(({ ms: _, ...s }) => s), epochs: h.epochs.map(({ ms: _, ...e }) => e) };
}

// Mini-batches, shuffling, a validation split, Adam and a schedule: every piece of state a resume needs.
function run(seed: number, options: Partial<FitOptions> = {}): { model: MLP; optimizer: Adam; trainer: Trainer } {
  const model = new MLP(2, [6, 1], { seed });
  const optimizer = new Adam(model.parameters(), { lr: 0.05 });
  const trainer = new Trainer(model, data, {
    loss: 'hinge', optimizer, schedule: cosineLR(0.05, 12), steps: 12, batchSize: 6, validation: 0.2, seed: 5, l2: 1e-4, ...options,
  });
  return { model, optimizer, trainer };
}

function finish(t: Trainer): void {
  while (!t.done) t.step();
}

describe('resuming from a checkpoint', () => {
  const a = run(1);
  finish(a.trainer);

  it('mid-epoch: ends bit-identical to the uninterrupted run', () => {
    const b = run(1);
    for (let k = 0; k < 4; k++) b.trainer.step(); // 3 batches per epoch: step 4 is the second of epoch 1
    const text = checkpointToJSON({ model: b.model, trainer: b.trainer });

    const c = run(99); // other initial weights, overwritten by the checkpoint
    restoreCheckpoint(text, { model: c.model, trainer: c.trainer });
    expect(c.trainer.stepCount).toBe(4);
    expect(c.trainer.history.steps.map((s) => s.ms)).toEqual(b.trainer.history.steps.map((s) => s.ms));
    finish(c.trainer);
    expect(untimed(c.trainer.history)).toEqual(untimed(a.trainer.history));
    expect(c.model.stateDict()).toEqual(a.model.stateDict());
    expect(c.optimizer.stateDict()).toEqual(a.optimizer.stateDict());
  });

  it('from inside a callback at an epoch boundary, adopting the saved schedule', () => {
    let text = '';
    const b = run(1, { onStep: (info, t) => void (info.step === 2 && (text = checkpointToJSON({ model: t.model, trainer: t }))) });
    finish(b.trainer);
    expect(untimed(b.trainer.history)).toEqual(untimed(a.trainer.history));

    const c = run(7, { schedule: undefined as never }); // no schedule: the checkpoint's is adopted
    restoreCheckpoint(text, { model: c.model, optimizer: c.optimizer, trainer: c.trainer });
    expect(c.trainer.epoch).toBe(1);
    finish(c.trainer);
    expect(untimed(c.trainer.history)).toEqual(untimed(a.trainer.history));
    expect(c.model.stateDict()).toEqual(a.model.stateDict());
  });

  it('the trainer state matters: resuming with weights and optimizer alone diverges', () => {
    const b = run(1);
    for (let k = 0; k < 4; k++) b.trainer.step();
    const checkpoint = createCheckpoint({ model: b.model, trainer: b.trainer });
    const c = run(1);
    restoreCheckpoint(JSON.stringify(checkpoint), { model: c.model, optimizer: c.optimizer });
    for (let k = 4; k < 12; k++) c.trainer.step();
    expect(c.model.stateDict()).not.toEqual(a.model.stateDict());
  });
});

describe('checkpoint format', () => {
  it('is versioned JSON with the architecture, parameters, optimizer and trainer state', () => {
    const { model, optimizer, trainer } = run(2);
    trainer.step();
    const c = createCheckpoint({ model, trainer });
    expect(c).toMatchObject({ format: 'ugrad-checkpoint', version: 1, architecture: { module: 'MLP', config: model.config() } });
    expect(c.parameters).toEqual(model.stateDict());
    expect(c.optimizer).toEqual(optimizer.stateDict());
    expect(c.trainer).toEqual(trainer.stateDict());
    expect(c.trainer!.schedule).toEqual({ type: 'cosine', lr: 0.05, steps: 12, minLr: 0 });
    expect(JSON.parse(checkpointToJSON({ model, trainer }))).toEqual(c);
    expect(createCheckpoint({ model: new Layer(2, 1) })).toMatchObject({ architecture: { module: 'Layer', config: { nin: 2, nout: 1, activation: 'relu', negativeSlope: 0.01 } }, optimizer: null, trainer: null });
    expect(createCheckpoint({ model: new Residual() })).toMatchObject({ architecture: { module: 'Residual', config: null } });
    // A chain is rebuildable when every link is.
    expect(createCheckpoint({ model: new Sequential(new Layer(2, 3), new Residual()) }).architecture).toEqual({ module: 'Sequential', config: null });
  });

  it('rebuilds an MLP from its architecture', () => {
    const model = new MLP(3, [5, 2], { activations: ['leakyRelu', 'tanh'], negativeSlope: 0.2, seed: 3 });
    const rebuilt = restoreCheckpoint(checkpointToJSON({ model })) as MLP;
    expect(rebuilt.config()).toEqual(model.config());
    expect(rebuilt.stateDict()).toEqual(model.stateDict());
    expect(rebuilt.forward([0.1, -2, 3]).map((v) => v.data)).toEqual(model.forward([0.1, -2, 3]).map((v) => v.data));
    expect(() => restoreCheckpoint(checkpointToJSON({ model: new Residual() }))).toThrow(
      new RangeError('restoreCheckpoint: a Residual cannot be rebuilt from a checkpoint (only MLP, Layer, Sequential can, and a Sequential only when each of its modules can); build the model yourself and pass it as parts.model'),
    );
  });

  it('records and rebuilds a Sequential of layers, MLPs and Sequentials, named by position', () => {
    const model = new Sequential(new Layer(2, 4, { activation: 'tanh', seed: 1 }), new Sequential(new MLP(4, [3, 3], { seed: 2 })), new Layer(3, 1, { activation: 'linear', seed: 3 }));
    expect(model.namedParameters().map(([n]) => n).slice(0, 2)).toEqual(['0.neurons.0.w.0', '0.neurons.0.w.1']);
    expect(model.namedParameters().map(([n]) => n)).toContain('1.0.layers.1.neurons.2.b');
    const text = checkpointToJSON({ model });
    const rebuilt = restoreCheckpoint<Sequential>(text);
    expect(rebuilt).toBeInstanceOf(Sequential);
    expect(rebuilt.stateDict()).toEqual(model.stateDict());
    expect(rebuilt.forward([0.3, -0.4]).map((v) => v.data)).toEqual(model.forward([0.3, -0.4]).map((v) => v.data));
    expect(String(rebuilt)).toBe(String(model));
    // A checkpoint of one chain does not load into another.
    expect(() => restoreCheckpoint(text, { model: new Sequential(new Layer(2, 4, { activation: 'tanh' }), new Layer(4, 1)) })).toThrow(
      /^restoreCheckpoint: the checkpoint holds Sequential\(Layer\(2, 4; tanh; negativeSlope 0\.01\), Sequential\(MLP\(4, \[3, 3\]; relu, linear; negativeSlope 0\.01\)\), Layer\(3, 1; linear; negativeSlope 0\.01\)\), but the model is Sequential\(Layer/,
    );
  });

  it('refuses to create a checkpoint that could not be loaded', () => {
    const model = new MLP(2, [2, 1]);
    model.parameters()[0]!.data = NaN;
    expect(() => createCheckpoint({ model })).toThrow(new RangeError('checkpointToJSON: expected parameters["layers.0.neurons.0.w.0"] to be a finite number, got NaN'));
    expect(() => checkpointToJSON({ model })).toThrow(new RangeError('checkpointToJSON: expected parameters["layers.0.neurons.0.w.0"] to be a finite number, got NaN'));
    const other = run(3);
    expect(() => createCheckpoint({ model: new MLP(2, [6, 1]), trainer: other.trainer })).toThrow(new RangeError('checkpointToJSON: the trainer trains another model than the one given'));
    expect(() => createCheckpoint({ model: other.model, optimizer: new SGD(other.model.parameters()), trainer: other.trainer })).toThrow(
      new RangeError('checkpointToJSON: the trainer uses another optimizer than the one given'),
    );
    expect(() => createCheckpoint({ model: {} as MLP })).toThrow(new TypeError('checkpointToJSON: expected parts.model to be a Module, got an object'));
    expect(() => createCheckpoint({ model: other.model, trainr: other.trainer } as never)).toThrow(new TypeError('checkpointToJSON: unknown key "trainr" in parts (expected one of model, optimizer, trainer, extra)'));
  });
});

describe('bad checkpoints', () => {
  const saved = run(4);
  for (let k = 0; k < 3; k++) saved.trainer.step();
  const text = checkpointToJSON({ model: saved.model, trainer: saved.trainer });
  const edited = (edit: (c: Record<string, any>) => void): string => {
    const c = JSON.parse(text) as Record<string, any>;
    edit(c);
    return JSON.stringify(c);
  };

  it('garbage and truncated text', () => {
    expect(() => restoreCheckpoint('ugrad')).toThrow(SyntaxError);
    expect(() => restoreCheckpoint('ugrad')).toThrow(/^restoreCheckpoint: not valid JSON \(a truncated or corrupted file\?\): Unexpected token/);
    expect(() => restoreCheckpoint(text.slice(0, text.length / 2))).toThrow(/^restoreCheckpoint: not valid JSON \(a truncated or corrupted file\?\): /);
    expect(() => restoreCheckpoint('')).toThrow(/^restoreCheckpoint: not valid JSON \(a truncated or corrupted file\?\): Unexpected end of JSON input$/);
    // JSON has no NaN: a NaN written by hand is not JSON at all.
    expect(() => restoreCheckpoint(text.replace(/("layers\.0\.neurons\.0\.w\.0":)[^,]+/, '$1NaN'))).toThrow(SyntaxError);
    expect(() => restoreCheckpoint('[]')).toThrow(new TypeError('restoreCheckpoint: expected the checkpoint to be an object, got an array of length 0'));
    expect(() => restoreCheckpoint(42 as never)).toThrow(new TypeError('restoreCheckpoint: expected the checkpoint to be JSON text, got number 42'));
  });

  it('wrong format or version', () => {
    expect(() => restoreCheckpoint(edited((c) => (c.format = 'keras')))).toThrow(new RangeError('restoreCheckpoint: not a ugrad checkpoint (expected format "ugrad-checkpoint", got "keras")'));
    expect(() => restoreCheckpoint('{}')).toThrow(new RangeError('restoreCheckpoint: not a ugrad checkpoint (expected format "ugrad-checkpoint", got undefined)'));
    expect(() => restoreCheckpoint(edited((c) => (c.version = 2)))).toThrow(new RangeError('restoreCheckpoint: expected version to be 1 (the version this ugrad reads), got 2'));
  });

  it('every field is checked and named', () => {
    const cases: [(c: Record<string, any>) => unknown, Error][] = [
      [(c) => (c.parameters['layers.0.neurons.0.w.0'] = null), new TypeError('restoreCheckpoint: expected parameters["layers.0.neurons.0.w.0"] to be a finite number, got null')],
      [(c) => (c.parameters = [1, 2]), new TypeError('restoreCheckpoint: expected parameters to be an object, got an array of length 2')],
      [(c) => delete c.architecture, new TypeError('restoreCheckpoint: expected architecture to be an object, got undefined')],
      [(c) => (c.architecture.module = ''), new RangeError('restoreCheckpoint: expected architecture.module to be a class name, got ""')],
      [(c) => (c.architecture.config.nouts = [6, 0]), new RangeError('restoreCheckpoint: expected architecture.config.nouts[1] to be a positive integer, got 0')],
      [(c) => (c.architecture.config.activations = ['relu', 'gelu']), new RangeError('restoreCheckpoint: expected architecture.config.activations[1] to be one of \'relu\', \'tanh\', \'sigmoid\', \'leakyRelu\', \'linear\', got "gelu"')],
      [(c) => (c.architecture.config.activations = ['relu']), new RangeError('restoreCheckpoint: expected architecture.config.activations to have 2 entries, got 1')],
      [(c) => (c.optimizer.type = 3), new TypeError("restoreCheckpoint: expected optimizer.type to be an optimizer's name, got number 3")],
      [(c) => (c.trainer.step = -1), new RangeError('restoreCheckpoint: expected trainer.step to be a whole number ≥ 0, got -1')],
      [(c) => (c.trainer.history.steps[1].loss = 'x'), new TypeError('restoreCheckpoint: expected trainer.history.steps[1].loss to be a finite number, got string "x"')],
      [(c) => (c.trainer.history.steps[0].accuracy = 1.5), new RangeError('restoreCheckpoint: expected trainer.history.steps[0].accuracy to be in [0, 1], got 1.5')],
      [(c) => c.trainer.history.steps.pop(), new RangeError('restoreCheckpoint: expected trainer.history.steps to have one entry per step taken (3), got 2')],
      [(c) => (c.trainer.history.epochs[0].valLoss = null), new TypeError('restoreCheckpoint: expected trainer.history.epochs[0].valLoss to be a finite number, got null')],
      [(c) => (c.trainer.history.stopReason = 'tired'), new RangeError('restoreCheckpoint: expected trainer.history.stopReason to be one of \'completed\', \'callback\', \'earlyStopping\', \'targetLoss\', got "tired"')],
      [(c) => c.trainer.rng.arc4.S.pop(), new RangeError('restoreCheckpoint: expected trainer.rng.arc4.S to have 256 entries, got 255')],
      [(c) => (c.trainer.rng.arc4.S[7] = 256), new RangeError('restoreCheckpoint: expected trainer.rng.arc4.S[7] to be an integer in [0, 255], got 256')],
      [(c) => (c.trainer.order[0] = 1.5), new RangeError('restoreCheckpoint: expected trainer.order[0] to be a whole number ≥ 0, got 1.5')],
      [(c) => (c.trainer.schedule.steps = 0), new RangeError('restoreCheckpoint: trainer.schedule: scheduleFromSpec: expected spec.steps to be a positive integer, got 0')],
      [(c) => (c.trainer.earlyStopping = null), new TypeError('restoreCheckpoint: expected trainer.earlyStopping to be an object, got null')],
    ];
    for (const [edit, error] of cases) expect(() => restoreCheckpoint(edited(edit)), error.message).toThrow(error);
  });

  // A checkpoint that parses but does not fit what it is loaded into changes nothing.
  function expectUntouched(load: (t: { model: MLP; optimizer: Optimizer; trainer: Trainer }) => void, error: Error): void {
    const t = run(5);
    t.trainer.step();
    const before = [t.model.stateDict(), t.optimizer.stateDict(), t.trainer.stateDict()];
    expect(() => load(t)).toThrow(error);
    expect([t.model.stateDict(), t.optimizer.stateDict(), t.trainer.stateDict()]).toEqual(before);
  }

  it('a different architecture', () => {
    const other = createCheckpoint({ model: new MLP(2, [8, 1]) });
    expectUntouched(({ model }) => restoreCheckpoint(JSON.stringify(other), { model }), new RangeError(
      'restoreCheckpoint: the checkpoint holds MLP(2, [8, 1]; relu, linear; negativeSlope 0.01), but the model is MLP(2, [6, 1]; relu, linear; negativeSlope 0.01)',
    ));
    const layer = createCheckpoint({ model: new Layer(2, 1) });
    expectUntouched(({ model }) => restoreCheckpoint(JSON.stringify(layer), { model }), new RangeError(
      'restoreCheckpoint: the checkpoint holds Layer(2, 1; relu; negativeSlope 0.01), but the model is MLP(2, [6, 1]; relu, linear; negativeSlope 0.01)',
    ));
    const renamed = JSON.parse(checkpointToJSON({ model: new Layer(2, 1) })) as Checkpoint;
    renamed.parameters['neurons.0.w.9'] = renamed.parameters['neurons.0.w.1']!;
    delete renamed.parameters['neurons.0.w.1'];
    const target = new Layer(2, 1, { seed: 9 });
    const weights = target.stateDict();
    expect(() => restoreCheckpoint(JSON.stringify(renamed), { model: target })).toThrow(
      new RangeError('restoreCheckpoint: the checkpoint\'s parameters do not match the model\'s: missing key "neurons.0.w.1"; unexpected key "neurons.0.w.9"'),
    );
    expect(target.stateDict()).toEqual(weights);
  });

  it('optimizer state that does not fit the optimizer, checked before the weights are written', () => {
    const sgd = new MLP(2, [6, 1]);
    const withSgd = createCheckpoint({ model: sgd, optimizer: new SGD(sgd.parameters()) });
    expectUntouched(({ model, optimizer }) => restoreCheckpoint(JSON.stringify(withSgd), { model, optimizer }), new RangeError(
      'restoreCheckpoint: optimizer: Adam.loadStateDict: expected a state of type "Adam", got "SGD"',
    ));
    const short = JSON.parse(edited(((c) => c.optimizer.expAvg.pop())));
    expectUntouched(({ model, optimizer }) => restoreCheckpoint(JSON.stringify(short), { model, optimizer }), new RangeError(
      'restoreCheckpoint: optimizer: Adam.loadStateDict: expected expAvg to have 25 entries, got 24',
    ));
    const weightsOnly = createCheckpoint({ model: new MLP(2, [6, 1]) });
    expectUntouched(({ model, optimizer }) => restoreCheckpoint(JSON.stringify(weightsOnly), { model, optimizer }), new RangeError(
      'restoreCheckpoint: an optimizer was given, but the checkpoint holds no optimizer state',
    ));
    const noTrainer = createCheckpoint({ model: saved.model, optimizer: saved.optimizer });
    expectUntouched(({ model, trainer }) => restoreCheckpoint(JSON.stringify(noTrainer), { model, trainer }), new RangeError(
      'restoreCheckpoint: a trainer was given, but the checkpoint holds no trainer state',
    ));
  });

  it('trainer state that does not fit the trainer', () => {
    const ckpt = JSON.parse(text) as Checkpoint;
    expectUntouched(({ model }) => {
      const optimizer = new Adam(model.parameters());
      restoreCheckpoint(JSON.stringify(ckpt), { model, trainer: new Trainer(model, data, { loss: 'hinge', optimizer, batchSize: 4, validation: 0.2, seed: 5 }) });
    }, new RangeError("restoreCheckpoint: expected trainer.batchSize to be this trainer's batch size, 4, got 6"));
    expectUntouched(({ model }) => {
      const optimizer = new Adam(model.parameters());
      restoreCheckpoint(JSON.stringify(ckpt), { model, trainer: new Trainer(model, data, { loss: 'hinge', optimizer, batchSize: 6, seed: 5 }) });
    }, new RangeError("restoreCheckpoint: expected trainer.order to order this trainer's 20 training samples, got 16 entries"));
    const repeated = JSON.parse(edited(((c) => (c.trainer.order[1] = c.trainer.order[0]))));
    expectUntouched(({ model, trainer }) => restoreCheckpoint(JSON.stringify(repeated), { model, trainer }), new RangeError(
      `restoreCheckpoint: expected trainer.order to be a permutation of 0…15, got ${repeated.trainer!.order[0]} at trainer.order[1]`,
    ));
    expect(() => new Trainer(new MLP(2, [1]), data, { loss: 'hinge' }).loadStateDict({} as never)).toThrow(
      new TypeError('Trainer.loadStateDict: expected state.step to be a whole number ≥ 0, got undefined'),
    );
  });
});

describe('extra state', () => {
  // A stand-in for any object with PyTorch's state-dict pair (a fitted scaler, say).
  class Counter {
    n = 0;
    stateDict(): { n: number } {
      return { n: this.n };
    }
    loadStateDict(state: { n: number }): void {
      if (typeof state?.n !== 'number') throw new TypeError('Counter.loadStateDict: expected n to be a number');
      this.n = state.n;
    }
  }

  it('rides along by name, and a restore that fails on it rolls back the optimizer and writes no weight', () => {
    const a = run(6);
    a.trainer.step();
    const counter = Object.assign(new Counter(), { n: 7 });
    const text = checkpointToJSON({ model: a.model, trainer: a.trainer, extra: { counter } });
    expect(JSON.parse(text).extra).toEqual({ counter: { n: 7 } });
    const b = run(8);
    const other = new Counter();
    restoreCheckpoint(text, { model: b.model, trainer: b.trainer, extra: { counter: other } });
    expect(other.n).toBe(7);
    expect(b.model.stateDict()).toEqual(a.model.stateDict());

    const c = run(9);
    const before = [c.model.stateDict(), c.optimizer.stateDict(), c.trainer.stateDict()];
    const broken = text.replace('"counter":{"n":7}', '"counter":{"m":7}');
    expect(() => restoreCheckpoint(broken, { model: c.model, trainer: c.trainer, extra: { counter: new Counter() } })).toThrow(
      new TypeError('restoreCheckpoint: extra.counter: Counter.loadStateDict: expected n to be a number'),
    );
    expect([c.model.stateDict(), c.optimizer.stateDict(), c.trainer.stateDict()]).toEqual(before);
    expect(() => restoreCheckpoint(text, { model: c.model, extra: { scaler: new Counter() } })).toThrow(
      new RangeError('restoreCheckpoint: extra.scaler was given, but the checkpoint holds no state of that name'),
    );
    expect(() => checkpointToJSON({ model: c.model, extra: { x: {} as never } })).toThrow(
      new TypeError('checkpointToJSON: expected parts.extra.x to be an object with stateDict() and loadStateDict(), got an object'),
    );
  });
});
