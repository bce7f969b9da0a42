import { describe, expect, it } from 'vitest';
import { Value, type ValueLike } from '@ugrad/engine';
import {
  Adam, AdamW, LOSSES, Layer, MAX_SIZE, MLP, Module, Neuron, Optimizer, Rng, SGD, Sequential, Trainer,
  blobs, checkpointToJSON, confusionMatrix, constantLR, fit, moons, restoreCheckpoint,
  type AnyModule, type FitOptions, type History, type Stateful,
} from '@ugrad/nn';
import { thrown } from '../../../test/helpers.js';

// Issue 12 beyond the export walker's battery (exports.test.ts): the classes of
// input a battery of single bad arguments does not reach — sizes that would
// exhaust memory, user functions and models that misbehave mid-training,
// module trees that are deep, cyclic or hold getters, arrays with holes or
// behind Proxies, −0 and subnormals, coercion, divergence under every
// optimizer, and loads that fail halfway.

const data = () => ({ X: [[0, 0], [0, 1], [1, 0], [1, 1]], y: [0, 1, 1, 0] });
const untimed = (h: History) => ({ ...h, steps: h.steps.map(({ ms: _, ...s }) => s), epochs: h.epochs.map(({ ms: _, ...e }) => e) });
// Everything a failed call must leave as it was.
const snapshot = (t: Trainer) => JSON.stringify([t.stateDict(), t.optimizer.stateDict(), t.model.stateDict(), t.model.parameters().map((p) => p.requiresGrad)]);

describe('sizes beyond MAX_SIZE are refused before anything is allocated', () => {
  it('models, generated data, confusion matrices, target rows, and a checkpoint asking for them', () => {
    const start = performance.now();
    expect(MAX_SIZE).toBe(1e7);
    expect(thrown(() => new MLP(2, [1e9]))).toEqual(new RangeError('MLP: expected the parameter count Σ (nin + 1)·nout over the layers to be at most 10000000 (MAX_SIZE), got 3000000000'));
    expect(thrown(() => new Layer(1e4, 1e4))).toEqual(new RangeError('Layer: expected the parameter count (nin + 1)·nout to be at most 10000000 (MAX_SIZE), got 100010000'));
    expect(thrown(() => new Neuron(1e7))).toEqual(new RangeError('Neuron: expected the parameter count nin + 1 to be at most 10000000 (MAX_SIZE), got 10000001'));
    expect(thrown(() => moons({ n: 2 ** 31 }))).toBeInstanceOf(RangeError);
    expect(thrown(() => blobs({ n: 10, centers: 2, dim: 1e7 }))).toEqual(new RangeError('blobs: expected the number of values, samples × 10000000 features, to be at most 10000000 (MAX_SIZE), got 100000000'));
    expect(thrown(() => confusionMatrix([0], [0], 1e5))).toEqual(new RangeError("confusionMatrix: expected the confusion matrix's cells, 100000 classes squared, to be at most 10000000 (MAX_SIZE), got 10000000000"));
    expect(thrown(() => LOSSES.crossEntropy.targetRow(0, 2 ** 31))).toBeInstanceOf(RangeError);
    const checkpoint = JSON.parse(checkpointToJSON({ model: new MLP(2, [1]) }));
    checkpoint.architecture.config.nouts = [1e9];
    expect(() => restoreCheckpoint(JSON.stringify(checkpoint))).toThrow(/^MLP: expected the parameter count .* at most 10000000 \(MAX_SIZE\), got 3000000000$/);
    expect(performance.now() - start).toBeLessThan(2000);
  });
});

describe('user functions that misbehave mid-training', () => {
  // Two batches per epoch, shuffled: step 2 starts epoch 1 by drawing a new order, which a failed step must give back.
  const trainer = (options: Partial<FitOptions>, model: AnyModule = new MLP(2, [3, 1], { seed: 1 })) =>
    new Trainer(model as MLP, data(), { loss: 'mse', steps: 6, batchSize: 2, seed: 3, ...options } as FitOptions);

  for (const compile of [false, true]) {
    it(`a schedule giving NaN, a string, a negative or no rate fails the step naming it, and changes nothing (${compile ? 'compiled' : 'eager'})`, () => {
      for (const bad of [NaN, Infinity, -1, '0.1', undefined]) {
        const t = trainer({ compile, schedule: (k: number) => (k === 2 ? bad : 0.1) as number });
        t.step();
        t.step();
        const before = snapshot(t);
        const e = thrown(() => t.step()) as Error;
        expect(e).toBeInstanceOf(typeof bad === 'number' ? RangeError : TypeError);
        expect(e.message).toMatch(/^fit: expected the learning rate options\.schedule gave for step 2 to be finite and ≥ 0, got /);
        expect(snapshot(t)).toBe(before);
      }
    });
  }

  it('a step that fails (a schedule that throws) gives back the order it drew, so the run goes on as if it had not been tried', () => {
    let fail = true;
    const t = trainer({ schedule: (k: number) => { if (k === 2 && fail) throw new Error('mine'); return 0.1; } });
    const clean = trainer({ schedule: () => 0.1 });
    for (let k = 0; k < 2; k++) [t.step(), clean.step()];
    expect(thrown(() => t.step())).toEqual(new Error('mine'));
    fail = false;
    while (!t.done) [t.step(), clean.step()];
    expect(untimed(t.history)).toEqual(untimed(clean.history));
    expect(t.model.stateDict()).toEqual(clean.model.stateDict());
  });

  it('a callback that throws: its error passes, and the step it followed still counts and ends the run on time', () => {
    const t = trainer({ steps: 2, onStep: (s) => { if (s.step === 1) throw new Error('mine'); } });
    t.step();
    expect(thrown(() => t.step())).toEqual(new Error('mine'));
    expect([t.stepCount, t.done, t.history.stopReason]).toEqual([2, true, 'completed']);
  });

  it('a callback cannot re-enter step (a recursion as deep as the run)', () => {
    const t = trainer({ steps: 100_000, onStep: (_, self) => void self.step() });
    expect(() => t.step()).toThrow(/^Trainer\.step: called from a callback of this trainer/);
    expect(t.stepCount).toBe(1);
  });

  it('a model whose forward changes shape mid-training fails the step, naming it, before any update', () => {
    class Fickle extends Module {
      w = new Value(0.5);
      shape: 'one' | 'two' | 'bare' = 'one';
      forward(x: readonly ValueLike[]): Value[] {
        const y = this.w.mul(x[0]!);
        return (this.shape === 'one' ? [y] : this.shape === 'two' ? [y, y] : y) as Value[];
      }
    }
    for (const [shape, error] of [['two', RangeError], ['bare', TypeError]] as const) {
      const model = new Fickle();
      const t = trainer({ compile: false }, model);
      t.step();
      model.shape = shape;
      const before = snapshot(t);
      const e = thrown(() => t.step()) as Error;
      expect(e).toBeInstanceOf(error);
      expect(e.message).toMatch(/^fit: expected model\.forward to return an array of 1 Values, as it returned for data\.X\[0\], got .* at step 1 \(epoch 0\)$/);
      expect(snapshot(t)).toBe(before);
    }
  });

  it('a custom optimizer whose update throws midway leaves the weights and the step count as they were', () => {
    class Halfway extends Optimizer {
      protected update(): void {
        this.params[0]!.data += 1;
        throw new Error('mine');
      }
    }
    const model = new MLP(2, [3, 1], { seed: 1 });
    const t = trainer({ optimizer: new Halfway(model.parameters()) }, model);
    const before = snapshot(t);
    expect(thrown(() => t.step())).toEqual(new Error('mine'));
    expect(snapshot(t)).toBe(before);
  });

  it("a custom optimizer's mistakes are named: a bad spec, no update(), an undeclared buffer", () => {
    const p = () => [new Value(1)];
    class BadSpec extends Optimizer {
      static override spec = { name: 5 } as never;
      protected update(): void {}
    }
    expect(thrown(() => new BadSpec(p()))).toEqual(new TypeError('BadSpec: expected the static spec.name to be a string, got number 5'));
    const NoUpdate = Optimizer as unknown as new (ps: Value[]) => Optimizer; // abstract in TypeScript, not in JavaScript
    const o = new NoUpdate(p());
    expect(thrown(() => o.step())).toEqual(new TypeError('Optimizer.step: expected the class to define update(), got undefined'));
    expect(o.stepCount).toBe(0);
    class Typo extends Optimizer {
      static override spec = { name: 'Typo', options: {}, buffers: { velocity: () => true } };
      protected update(): void {
        this.buffer('velocty');
      }
    }
    const typo = new Typo(p());
    expect(thrown(() => typo.step())).toEqual(new RangeError('Typo.buffer: expected name to be one of velocity (the buffers the spec declares), got "velocty"'));
    expect(typo.stepCount).toBe(0);
  });

  it('a model without parameters, with a computed Value in a field, or whose parameters() is not a list of Values, is refused by fit before anything changes', () => {
    class Empty extends Module {
      forward(x: readonly ValueLike[]): Value[] {
        return [new Value(0).add(x[0]!)];
      }
    }
    expect(thrown(() => fit(new Empty(), data(), { loss: 'mse', steps: 1 }))).toEqual(new RangeError('fit: expected the model to have parameters to train, got none'));
    class Cached extends Module {
      w = new Value(0.5);
      twice = this.w.mul(2); // a computed Value is no parameter: keep it in a local or #private field
      forward(x: readonly ValueLike[]): Value[] {
        return [this.w.mul(x[0]!)];
      }
    }
    expect(thrown(() => fit(new Cached(), data(), { loss: 'mse', steps: 1 }))).toEqual(new TypeError("fit: SGD: expected params[1] to be a leaf Value (a parameter), got a Value made by '*'"));
    class Listed extends Module {
      w = new Value(0.5);
      override parameters(): Value[] {
        return 5 as never;
      }
      forward(x: readonly ValueLike[]): Value[] {
        return [this.w.mul(x[0]!)];
      }
    }
    expect(thrown(() => fit(new Listed(), data(), { loss: 'mse', steps: 1 }))).toEqual(new TypeError('fit: expected what model.parameters() returns to be an array, got number 5'));
  });

  it('a step that cannot be compiled (compile: true) leaves the modes and the caller’s generator as they were', () => {
    class Peeking extends Module {
      w = new Value(0.5);
      forward(x: readonly ValueLike[]): Value[] {
        return [this.w.data > 0 ? this.w.mul(x[0]!) : this.w];
      }
    }
    const model = new Peeking().eval();
    const rng = new Rng(5);
    const before = JSON.stringify(rng.state());
    expect(() => new Trainer(model, data(), { loss: 'mse', lr: 0.1, rng, validation: 0.25, compile: true })).toThrow(/^fit: could not compile the training step/);
    expect([model.training, JSON.stringify(rng.state())]).toEqual([false, before]);
  });

  it('fit reads each option once: a getter cannot give the Trainer another value than the one checked', () => {
    let reads = 0;
    const options = { loss: 'mse', lr: 0.1, get steps() { return reads++ === 0 ? 2 : undefined; } };
    expect(fit(new MLP(2, [1]), data(), options as FitOptions).steps).toHaveLength(2);
  });
});

describe('module trees: getters, depth, cycles', () => {
  it('a getter is not a field: the walks never call it, whether it throws or lists the parameters itself', () => {
    class Getters extends Module {
      w = new Value(0.5);
      constructor() {
        super();
        Object.defineProperty(this, 'boom', { enumerable: true, get: () => { throw new Error('boom'); } });
        Object.defineProperty(this, 'all', { enumerable: true, get: () => this.parameters() });
      }
      forward(x: readonly ValueLike[]): Value[] {
        return [this.w.mul(x[0]!)];
      }
    }
    const m = new Getters();
    expect(m.namedParameters().map(([name]) => name)).toEqual(['w']);
    expect(String(m)).toBe('Getters()');
    expect(fit(m, data(), { loss: 'mse', lr: 0.1, steps: 2 }).steps).toHaveLength(2);
  });

  it('10⁴ nested Sequentials: listed, run, printed (elided below 32 levels), saved and restored, without recursion', () => {
    const layer = new Layer(1, 1, { seed: 1, activation: 'linear' });
    let m: AnyModule = layer;
    for (let i = 0; i < 10_000; i++) m = new Sequential(m);
    const deep = m as Sequential;
    expect(deep.parameters()).toEqual(layer.parameters());
    expect(deep.forward([0.5])[0]!.data).toBe(layer.forward([0.5])[0]!.data);
    const text = String(deep).split('\n');
    expect(text).toHaveLength(65);
    expect(text[32]).toBe(`${'  '.repeat(32)}(0): Sequential(…)`);
    expect(JSON.stringify(deep)).toBe(JSON.stringify(deep.stateDict()));
    const saved = checkpointToJSON({ model: deep });
    expect(JSON.parse(saved).architecture).toEqual({ module: 'Sequential', config: null });
    layer.parameters()[0]!.data = 7;
    restoreCheckpoint(saved, { model: deep });
    expect(layer.parameters()[0]!.data).not.toBe(7);
    expect(fit(deep, { X: [[1], [2]], y: [0, 1] }, { loss: 'mse', lr: 0.01, steps: 2 }).steps).toHaveLength(2);
  });

  it('a cycle: each parameter once, printed as Name(…); a Sequential inside itself is refused by forward', () => {
    class Link extends Module {
      w = new Value(1);
      next: AnyModule | null = null;
      forward(x: readonly ValueLike[]): Value[] {
        return [this.w.mul(x[0]!)];
      }
    }
    const a = new Link(), b = new Link();
    a.next = b;
    b.next = a;
    expect(a.namedParameters().map(([name]) => name)).toEqual(['w', 'next.w']);
    expect(String(a)).toBe('Link(\n  (next): Link(\n    (next): Link(…)\n  )\n)');
    const s = new Sequential(new Layer(1, 1));
    (s as unknown as AnyModule[])[0] = s;
    expect(thrown(() => s.forward([1]))).toEqual(new TypeError('Sequential.forward: module 0 is a Sequential that holds itself'));
  });

  it("a Sequential names the link that refused its input; extraRepr and toString must return text", () => {
    const s = new Sequential(new Layer(2, 3), new Sequential(new Layer(3, 1)));
    expect(thrown(() => s.forward([1]))).toEqual(new RangeError('Sequential.forward: module 0: Layer.forward: expected 2 inputs, got 1'));
    class Odd extends Module {
      override extraRepr(): string {
        return 5 as never;
      }
      forward(): Value[] {
        return [];
      }
    }
    expect(thrown(() => String(new Odd()))).toEqual(new TypeError('Odd.toString: expected what extraRepr() returns to be a string, got number 5'));
  });
});

describe('arrays with holes, Proxies, −0 and subnormals', () => {
  it('data with a hole is refused where a loop would skip it; a Proxy of the data trains as the data does', () => {
    const X = data().X;
    delete X[1];
    expect(thrown(() => fit(new MLP(2, [1]), { X, y: [0, 1, 1, 0] }, { loss: 'mse', steps: 1 }))).toEqual(new TypeError('fit: expected data.X[1] to be an array of numbers, got undefined'));
    const y = [0, 1, 1, 0];
    delete y[2];
    expect(thrown(() => fit(new MLP(2, [1]), { X: data().X, y }, { loss: 'mse', steps: 1 }))).toEqual(new TypeError('fit: expected data.y[2] to be a finite number, got undefined'));
    const run = (d: { X: number[][]; y: number[] }) => untimed(fit(new MLP(2, [3, 1], { seed: 2 }), d, { loss: 'hinge', lr: 0.1, steps: 3 }));
    const d = data();
    expect(run({ X: new Proxy(d.X.map((r) => new Proxy(r, {})), {}), y: new Proxy(d.y, {}) })).toEqual(run(data()));
    expect(thrown(() => new Rng(0).shuffle(new Array(3)))).toEqual(new TypeError('Rng.shuffle: expected items[0] to be an element (an array without holes), got undefined'));
    expect(thrown(() => new Rng(0).shuffle(Object.freeze([1, 2]) as number[]))).toEqual(new TypeError('Rng.shuffle: expected items to be an array it may reorder, got a frozen array'));
  });

  it('−0 is 0: as a label, a seed, a learning rate; a subnormal learning rate trains', () => {
    const run = (y: number[], lr = 0.1) => untimed(fit(new MLP(2, [3, 1], { seed: 2 }), { X: data().X, y }, { loss: 'hinge', lr, steps: 3 }));
    expect(run([-0, 1, 1, -0])).toEqual(run([0, 1, 1, 0]));
    expect(untimed(fit(new MLP(2, [3, 2], { seed: 2 }), { X: data().X, y: [-0, 1, 1, 0] }, { loss: 'crossEntropy', lr: 0.1, steps: 2 }))).toEqual(
      untimed(fit(new MLP(2, [3, 2], { seed: 2 }), { X: data().X, y: [0, 1, 1, 0] }, { loss: 'crossEntropy', lr: 0.1, steps: 2 })),
    );
    expect(confusionMatrix([-0, 1], [0, 1])).toEqual([[1, 0], [0, 1]]);
    expect(new Rng(-0).next()).toBe(new Rng(0).next());
    expect(Object.is(constantLR(-0)(0), -0)).toBe(true);
    const model = new MLP(2, [3, 1], { seed: 2 });
    fit(model, data(), { loss: 'hinge', lr: 5e-324, steps: 2 });
    expect(model.parameters().every((p) => Number.isFinite(p.data))).toBe(true);
  });

  it('a Proxy or copy of an Optimizer or Trainer is refused where one is taken (its private state is not there)', () => {
    const model = new MLP(2, [1]);
    const opt = new SGD(model.parameters(), { lr: 0.1 });
    for (const fake of [new Proxy(opt, {}), Object.create(SGD.prototype)]) {
      expect(() => fit(model, data(), { loss: 'mse', steps: 1, optimizer: fake })).toThrow(/^fit: expected options\.optimizer to be an Optimizer made by its constructor/);
    }
    const t = new Trainer(model, data(), { loss: 'mse', steps: 1 });
    expect(() => checkpointToJSON({ model, trainer: new Proxy(t, {}) })).toThrow(/^checkpointToJSON: expected parts\.trainer to be a Trainer made by its constructor/);
  });
});

describe('no coercion traps', () => {
  const model = new MLP(2, [2, 1], { seed: 1 });
  const trainer = new Trainer(model, data(), { loss: 'mse', lr: 0.1, steps: 3 });
  trainer.step();

  it('a module, optimizer or trainer used as a number is a TypeError naming it; as text it reads well', () => {
    for (const [x, name] of [[model, 'MLP'], [trainer.optimizer, 'SGD'], [trainer, 'Trainer']] as const) {
      expect(() => +(x as never)).toThrow(new RegExp(`^${name}: an? \\w+ is not a number`));
      expect(() => (x as never) + 1).toThrow(TypeError);
      expect(() => (x as never) < 1).toThrow(TypeError);
    }
    expect(`${model}`).toBe(model.toString());
    expect(`${trainer.optimizer}`).toBe('SGD(lr=0.1, momentum=0, dampening=0, nesterov=false, weightDecay=0)');
    expect(String(trainer)).toBe('Trainer(compiled, step 1 of 3, epoch 1)');
    expect(String(new Adam(model.parameters()))).toBe('Adam(lr=0.001, betas=[0.9, 0.999], eps=1e-8, weightDecay=0, amsgrad=false)');
  });

  it('JSON.stringify writes their stateDict(), not their insides', () => {
    expect(JSON.parse(JSON.stringify(model))).toEqual(model.stateDict());
    expect(JSON.parse(JSON.stringify(trainer.optimizer))).toEqual(trainer.optimizer.stateDict());
    expect(JSON.parse(JSON.stringify(trainer))).toEqual(trainer.stateDict());
  });
});

describe('divergence: weights stay at their last finite values', () => {
  const optimizers: [string, (ps: Value[]) => Optimizer][] = [
    ['SGD with momentum', (ps) => new SGD(ps, { lr: 1e300, momentum: 0.9 })],
    ['SGD with Nesterov momentum', (ps) => new SGD(ps, { lr: 1e300, momentum: 0.9, nesterov: true })],
    ['Adam with amsgrad', (ps) => new Adam(ps, { lr: 1e300, amsgrad: true })],
    ['AdamW', (ps) => new AdamW(ps, { lr: 1e300, weightDecay: 0.5 })],
  ];
  for (const [name, make] of optimizers) {
    for (const compile of [false, true]) {
      it(`${name}, ${compile ? 'compiled' : 'eager'}: the step that goes non-finite throws and leaves every weight as the step before left it`, () => {
        const model = new MLP(1, [4, 1], { seed: 5 });
        const t = new Trainer(model, { X: [[1], [2], [-1]], y: [0, 1, 3] }, { loss: 'mse', optimizer: make(model.parameters()), steps: 50, compile });
        let before = model.stateDict();
        let error: unknown;
        for (let k = 0; k < 50 && error === undefined; k++) {
          before = model.stateDict();
          try {
            t.step();
          } catch (err) {
            error = err;
          }
        }
        expect((error as Error).message).toMatch(/^fit: (loss became|the gradient of|the update at)/);
        expect(model.stateDict()).toEqual(before);
        expect(Object.values(before).every(Number.isFinite)).toBe(true);
      });
    }
  }
});

describe('a failed load changes nothing', () => {
  // A trained run: model (one layer frozen), optimizer, trainer, and an extra part.
  const run = () => {
    const model = new MLP(2, [3, 1], { seed: 4 });
    model.layers[0]!.neurons[0]!.freeze();
    const t = new Trainer(model, data(), { loss: 'hinge', optimizer: new Adam(model.parameters(), { lr: 0.01 }), steps: 10, batchSize: 2 });
    let scale = 1;
    const extra: Stateful = {
      stateDict: () => ({ scale }),
      // breaks Stateful's rule: writes before it checks
      loadStateDict: (s: { scale: number }) => { scale = s.scale; if (s.scale === 99) throw new RangeError('extra: 99 is too big'); },
    };
    t.step();
    return { t, extra, parts: { model, trainer: t, extra: { s: extra } }, state: () => [snapshot(t), scale] };
  };

  it('from the optimizer, the trainer, an extra part that writes before it fails, or the model', () => {
    const saved = run();
    saved.t.step();
    const good = JSON.parse(checkpointToJSON(saved.parts));
    const edits: [string, (c: typeof good) => void][] = [
      ['optimizer', (c) => (c.optimizer.betas = [2, 0.9])],
      ['trainer', (c) => (c.trainer.batchSize = 3)],
      ['extra', (c) => (c.extra.s.scale = 99)],
      ['parameters', (c) => (c.parameters['layers.0.neurons.0.w.0'] = 'x')],
      ['frozen', (c) => (c.frozen = ['nope'])],
    ];
    for (const [what, edit] of edits) {
      const c = structuredClone(good);
      edit(c);
      const target = run();
      const before = target.state();
      expect(() => restoreCheckpoint(JSON.stringify(c), target.parts), what).toThrow();
      expect(target.state(), what).toEqual(before);
    }
    // and the good one loads all of it
    const target = run();
    restoreCheckpoint(JSON.stringify(good), target.parts);
    expect(target.state()).toEqual(saved.state());
  });

  it('an extra state JSON cannot hold as it is (BigInt, a cycle, NaN, a Map) is refused before anything is written', () => {
    const model = new MLP(2, [1]);
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    for (const [state, error] of [
      [{ n: 10n }, new TypeError('checkpointToJSON: expected extra.s.n to be JSON data (finite numbers, strings, booleans, null, arrays and plain objects), got bigint 10n')],
      [cyclic, new TypeError('checkpointToJSON: expected extra.s.self to be JSON data, got an object that contains itself')],
      [{ a: [1, NaN] }, new RangeError('checkpointToJSON: expected extra.s.a[1] to be a finite number, got NaN')],
      [new Map(), new TypeError('checkpointToJSON: expected extra.s to be JSON data (finite numbers, strings, booleans, null, arrays and plain objects), got a Map')],
      [JSON.parse('['.repeat(10_000) + ']'.repeat(10_000)), new RangeError(`checkpointToJSON: expected extra.s to nest arrays and objects at most 100 deep, got deeper at extra.s${'[0]'.repeat(100)}`)],
    ] as const) {
      expect(thrown(() => checkpointToJSON({ model, extra: { s: { stateDict: () => state, loadStateDict: () => {} } } }))).toEqual(error);
    }
  });
});
