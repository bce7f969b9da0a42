import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { TraceError, Value } from '@ugrad/engine';
import * as nn from '@ugrad/nn';
import * as node from '@ugrad/nn/node';
import {
  Adam, AdamW, Layer, MLP, Module, NonFiniteError, Optimizer, Rng, SGD, Sequential, Standardizer, Trainer,
  checkpointToJSON, constantLR, cosineLR, linearLR, mse, standardize, stepLR, type AnyModule,
} from '@ugrad/nn';
import { walkExports, type Call, type ClassSpec, type ExportSpec } from '../../../test/exports.js';

// Every export of @ugrad/nn and @ugrad/nn/node — every function, constructor,
// method, getter, setter and static of every class (inherited ones included),
// and every function inside an exported table — called with the export
// walker's battery of bad arguments (test/exports.ts). Each call works, or
// throws a TypeError or RangeError (a TraceError where compiling is asked for;
// a SyntaxError for checkpoint text that is not JSON) whose message starts
// with the function's name, before any side effect: a failed call leaves the
// model's weights, the optimizer's and the trainer's state as they were. A
// new export or method fails here until it is listed, with arguments that work.

const args = (...a: unknown[]): Call => ({ args: () => a });
const fresh = (make: () => unknown[]): Call => ({ args: make });

// Small things to build the good calls from, made afresh for every call.
const mlp = () => new MLP(2, [3, 1], { seed: 1 });
const data = () => ({ X: [[0, 0], [0, 1], [1, 0], [1, 1]], y: [0, 1, 1, 0] });
const params = () => [new Value(0.5), new Value(-0.25)];
const withGrads = () => params().map((p, i) => { p.grad = i + 0.5; return p; });

// What must not change when a call on a module fails: weights, grads, frozen flags, modes.
const moduleState = (m: AnyModule) => [
  m.namedParameters().map(([name, p]) => [name, p.data, p.grad, p.requiresGrad]),
  m.modules().map((x) => x.training),
];

// A custom module (fields and forward, nothing else), named Module so that its messages name the class walked.
const Custom = ({
  Module: class extends Module {
    w = [new Value(0.5), new Value(-1)];
    b = { bias: new Value(0.25) };
    forward(x: readonly (Value | number)[]): Value[] {
      return [this.w[0]!.mul(x[0]!).add(this.w[1]!.mul(x[1]!)).add(this.b.bias)];
    }
  },
}).Module;

// Module's members, which every layer inherits: the good arguments for each.
const moduleMembers = (make: () => AnyModule): Record<string, Call> => ({
  namedParameters: args(), parameters: args(), namedModules: args(), modules: args(), namedChildren: args(),
  zeroGrad: args(), freeze: args(), unfreeze: args(), train: args(true), eval: args(), stateDict: args(),
  loadStateDict: { args: () => [make().stateDict(), { strict: true }], options: [1] },
  extraRepr: args(), toString: args(), toJSON: args(),
  // `${model}` works; `model + 1` is a TypeError starting with the class name
  '[Symbol.toPrimitive]': { args: () => ['string'], prefix: make().constructor.name },
});
const moduleSpec = (make: () => AnyModule, construct: Call, members: Record<string, Call>, statics?: Record<string, Call>): ClassSpec => ({
  construct: { prefix: make().constructor.name, ...construct }, instance: make, members: { ...moduleMembers(make), ...members }, state: moduleState, ...(statics ? { statics } : {}),
});

// An optimizer: what must not change on a failed call is its whole state and the parameters.
const optimizerState = (o: Optimizer) => [o.stateDict(), o.params.map((p) => [p.data, p.grad])];
// A direct subclass with the base's spec, so its messages name Optimizer.
const Plain = ({
  Optimizer: class extends Optimizer {
    static override spec = { name: 'Optimizer', options: {}, buffers: { velocity: () => true } };
    protected update(): void {
      for (const p of this.params) p.data -= this.lr * p.grad;
    }
  },
}).Optimizer;
const optimizerMembers = (make: () => Optimizer): Record<string, Call> => ({
  lr: args(0.01), options: args(), step: args(), zeroGrad: args(), stateDict: args(),
  loadStateDict: { args: () => { const o = make(); o.step(); return [o.stateDict()]; } },
  buffer: args('momentumBuffers'), hasBuffer: args('momentumBuffers'), opt: args('lr'),
  toJSON: args(), toString: args(), '[Symbol.toPrimitive]': { args: () => ['string'], prefix: make().constructor.name },
});
// The static spec's functions: option checks (x, where, what), buffer rules (options), validate (options, where).
const specStatics = (C: typeof Optimizer): Record<string, Call | { value: true; nested?: Record<string, Call> }> => {
  const at = `${C.name}.spec`;
  const nested: Record<string, Call> = {};
  for (const [k, v] of Object.entries(C.spec.options)) if (typeof v === 'function') nested[`options.${k}`] = { args: () => [undefined, `${at}.options.${k}`, k], fuzz: [0] };
  for (const k of Object.keys(C.spec.buffers ?? {})) nested[`buffers.${k}`] = fresh(() => [{ momentum: 0.9, amsgrad: true }]);
  if (C.spec.validate) nested.validate = fresh(() => [{ momentum: 0.9, nesterov: true, dampening: 0 }, `${at}.validate`]);
  return { spec: { value: true, nested }, ...('decoupledWeightDecay' in C ? { decoupledWeightDecay: { value: true } } : {}) };
};
const optimizerSpec = (C: typeof Optimizer, make: () => Optimizer, construct: Call, buffer: string): ClassSpec => ({
  construct: { prefix: make().constructor.name, ...construct }, instance: make, state: optimizerState, statics: specStatics(C),
  members: { ...optimizerMembers(make), buffer: args(buffer), hasBuffer: args(buffer), ...(C === Optimizer ? {} : { update: args() }) },
});

// A trainer's good options: eager and stopping after one step whatever `steps` says, so that
// 2**31 steps (a legitimate request) does not make the walk train for hours.
const fitOptions = () => ({
  loss: 'mse', steps: 2, schedule: constantLR(0.01), batchSize: 2, shuffle: true, seed: 1, l2: 1e-4, l1: 1e-4, clipGradNorm: 1,
  validation: { X: [[0.5, 0.5]], y: [1] }, onStep: () => {}, onEpoch: () => {}, earlyStopping: { patience: 2, minDelta: 0, monitor: 'valLoss' },
  targetLoss: 1e300, accuracy: false, compile: false,
});
// The Trainer's: the other keys (an optimizer of the model's, an rng, a validation fraction), compiled.
const trainerArgs = () => {
  const model = mlp();
  return [model, data(), { loss: 'hinge', epochs: 1, optimizer: new SGD(model.parameters(), { lr: 0.01 }), rng: new Rng(1), validation: 0.5, batchSize: 1, accuracy: true, compile: 'auto' }];
};
const trainer = () => new Trainer(mlp(), data(), { loss: 'mse', steps: 3, lr: 0.01, compile: false });
const trainerState = (t: Trainer) => [t.stateDict(), t.optimizer.stateDict(), moduleState(t.model)];

// A loss table entry's functions: `where` and `what` are the library's own text. `fn` is the
// loss function itself (LOSSES.bce.fn is bceWithLogits), whose messages name it.
const lossFunctions: Record<string, string> = { hinge: 'hinge', mse: 'mse', l1: 'l1', huber: 'huber', bce: 'bceWithLogits', crossEntropy: 'softmaxCrossEntropy' };
const lossNested: Record<string, Call> = {};
for (const name of Object.keys(nn.LOSSES)) {
  const classes = name === 'crossEntropy' ? 2 : 1;
  const at = `LOSSES.${name}`;
  const out = () => Array.from({ length: classes }, (_, j) => new Value(j + 0.5));
  const y = () => (name === 'hinge' ? [1, -1] : [0, 1]);
  lossNested[`${name}.fn`] = { args: () => [[out(), out()], y()], prefix: lossFunctions[name]! };
  lossNested[`${name}.outputs.ok`] = args(classes);
  lossNested[`${name}.targets`] = { args: () => [y(), classes, `${at}.targets`, 'y'], fuzz: [0, 1] };
  lossNested[`${name}.targetRow`] = args(1, classes);
  lossNested[`${name}.sample`] = { args: () => [out(), Array.from({ length: classes }, (_, j) => new Value(j))] };
  lossNested[`${name}.accuracy`] = fresh(() => [y(), classes]);
}

const nnSpecs: Record<keyof typeof nn, ExportSpec> = {
  Rng: {
    construct: { args: () => [42], prefix: 'Rng' }, instance: () => new Rng(7), state: (r: Rng) => r.state(),
    members: { state: args(), next: args(), uniform: args(-1, 1), normal: args(0, 1), int: args(10), shuffle: fresh(() => [[1, 2, 3]]) },
    statics: { fromState: fresh(() => [new Rng(1).state()]) },
  },
  // `where` is the caller's name, the library's own text (as for the engine's check helpers)
  rngFrom: { args: () => [{ seed: 1 }, 'rngFrom'], fuzz: [0] },
  moons: { args: () => [{ n: 10, noise: 0.1, seed: 1, shuffle: true }], options: [0] },
  circles: { args: () => [{ n: 10, noise: 0.1, factor: 0.5, seed: 1 }], options: [0] },
  spiral: { args: () => [{ n: 9, classes: 3, noise: 0.1, seed: 1 }], options: [0] },
  xor: { args: () => [{ n: 10, noise: 0.1, seed: 1 }], options: [0] },
  blobs: { args: () => [{ n: 10, centers: 2, dim: 2, box: [-1, 1], seed: 1 }], options: [0] },
  sine: { args: () => [{ n: 10, noise: 0.1, interval: [0, 1], seed: 1 }], options: [0] },
  plane: { args: () => [{ n: 10, noise: 0.1, seed: 1 }], options: [0] },
  gaussians: { args: () => [{ n: 10, noise: 0.1, seed: 1 }], options: [0] },
  signed: fresh(() => [[0, 1, 1]]),
  trainTestSplit: { args: () => [data(), { testFraction: 0.5, stratify: true, seed: 1 }], options: [1] },
  fromArrays: fresh(() => [[[1, 2], [3, 4]], [0, 1]]),
  parseCsv: { args: () => ['a,b,label\n1,2,0\n3,4,1\n', { header: 'auto', label: 'label', delimiter: ',', source: 'x.csv' }], options: [1] },
  Module: moduleSpec(() => new Custom(), args(), {}),
  Neuron: moduleSpec(() => new nn.Neuron(2, { seed: 1 }), { args: () => [2, { activation: 'tanh', init: 'he', negativeSlope: 0.1, fanOut: 2, seed: 1 }], options: [1] }, {
    nin: args(), forward: args([0.5, -1]), extraRepr: args(),
  }),
  Layer: moduleSpec(() => new Layer(2, 3, { seed: 1 }), { args: () => [2, 3, { activation: 'leakyRelu', init: 'xavier', negativeSlope: 0.1, seed: 1 }], options: [2] }, {
    nin: args(), nout: args(), activation: args(), config: args(), forward: args([0.5, -1]), extraRepr: args(), toString: args(),
  }, { fromConfig: { args: () => [new Layer(2, 3).config(), { init: 'he', seed: 2 }], options: [1] } }),
  MLP: moduleSpec(mlp, { args: () => [2, [3, 1], { hidden: 'tanh', output: 'sigmoid', init: 'uniform', negativeSlope: 0.1, rng: new Rng(1) }], options: [2] }, {
    nin: args(), nouts: args(), config: args(), forward: args([0.5, -1]),
  }, { fromConfig: { args: () => [mlp().config(), { init: 'he', seed: 2 }], options: [1] } }),
  Sequential: moduleSpec(() => new Sequential(new Layer(2, 3, { seed: 1 }), new Layer(3, 1, { seed: 2 })), fresh(() => [new Layer(2, 3), new Layer(3, 1)]), {
    children: args(), forward: args([0.5, -1]),
  }),
  ACTIVATIONS: { value: true }, INITS: { value: true },
  mse: fresh(() => [[1, [new Value(2)]], [0, [1]]]),
  l1: fresh(() => [[1, [new Value(2)]], [0, [1]]]),
  huber: { args: () => [[1, [new Value(2)]], [0, [1]], { delta: 0.5 }], options: [2] },
  hinge: fresh(() => [[0.5, [new Value(-0.5)]], [1, -1]]),
  bceWithLogits: fresh(() => [[0.5, [new Value(-0.5)]], [1, 0]]),
  softmaxCrossEntropy: fresh(() => [[[1, new Value(2)], [0, 0]], [1, 0]]),
  l2: fresh(() => [[new Value(1), 2]]),
  accuracy: { args: () => [[0.5, [new Value(-1)]], [1, -1], { threshold: 0 }], options: [2] },
  LOSSES: { value: true, nested: lossNested },
  LOSS_NAMES: { value: true },
  Optimizer: optimizerSpec(Optimizer, () => new Plain(withGrads()), { args: () => [params(), { lr: 0.1 }], options: [1] }, 'velocity'),
  SGD: optimizerSpec(SGD, () => new SGD(withGrads(), { lr: 0.1, momentum: 0.9 }), { args: () => [params(), { lr: 0.1, momentum: 0.9, dampening: 0, nesterov: true, weightDecay: 0.01 }], options: [1] }, 'momentumBuffers'),
  Adam: optimizerSpec(Adam, () => new Adam(withGrads(), { lr: 0.1, amsgrad: true }), { args: () => [params(), { lr: 0.1, betas: [0.8, 0.9], eps: 1e-6, weightDecay: 0.01, amsgrad: true }], options: [1] }, 'expAvg'),
  AdamW: optimizerSpec(AdamW, () => new AdamW(withGrads(), { lr: 0.1 }), { args: () => [params(), { lr: 0.1, betas: [0.8, 0.9], eps: 1e-6, weightDecay: 0.01, amsgrad: false }], options: [1] }, 'expAvg'),
  clipGradNorm: { args: () => [withGrads(), 1, { normType: 2, errorIfNonfinite: true }], options: [2] },
  constantLR: args(0.1), linearLR: args(1, 0.1, 100), stepLR: args(0.1, 10, 0.5), cosineLR: args(0.1, 100, 0.01),
  scheduleFromSpec: fresh(() => [{ type: 'cosine', lr: 0.1, steps: 100, minLr: 0 }]),
  fit: { args: () => [mlp(), data(), fitOptions()], options: [2] },
  Trainer: {
    construct: { args: trainerArgs, options: [2], prefix: 'fit' },
    instance: trainer, state: trainerState,
    members: {
      mode: args(), eagerReason: args(), history: args(), stepCount: args(), epoch: args(), done: args(),
      step: args(), stop: args(), evaluate: fresh(() => [data()]), predict: fresh(() => [data().X]), stateDict: args(),
      loadStateDict: fresh(() => { const t = trainer(); t.step(); return [t.stateDict()]; }),
      _prepareLoad: fresh(() => [trainer().stateDict(), 'Trainer._prepareLoad', 'state']),
      toJSON: args(), toString: args(), '[Symbol.toPrimitive]': { args: () => ['string'], prefix: 'Trainer' },
    },
  },
  checkpointToJSON: { args: () => [{ model: mlp() }, 'checkpointToJSON'], options: [0] },
  restoreCheckpoint: {
    args: () => { const t = trainer(); t.step(); return [checkpointToJSON({ model: t.model, trainer: t }), { trainer: trainer() }, 'restoreCheckpoint']; },
    options: [1], errors: [SyntaxError],
  },
  gradCheck: { args: () => { const m = mlp(); return [m, () => mse([m.forward([1, 2])], [0]), { h: 1e-5 }]; }, options: [2] },
  iris: args({}), wine: args({}), breastCancer: args({}), digits: { args: () => [{ scale: true }], options: [0] },
  MAX_SIZE: { value: true },
  NonFiniteError: { construct: fresh(() => ['loss', NaN, { step: 1, epoch: 0 }, null]), members: {} },
  Standardizer: {
    construct: args(), instance: () => standardize([[1, 2], [3, 5]]),
    state: (s: Standardizer) => (s.fitted ? s.stateDict() : null),
    members: {
      fitted: args(), features: args(), fit: fresh(() => [[[1, 2], [3, 4]]]), transform: fresh(() => [[[1, 2]]]),
      inverseTransform: fresh(() => [[[1, 2]]]), stateDict: args(), loadStateDict: fresh(() => [{ mean: [1, 2], scale: [1, 3] }]),
    },
  },
  standardize: fresh(() => [[[1, 2], [3, 4]]]),
  confusionMatrix: fresh(() => [[0, 1, 1], [0, 1, 0], 2]),
  classificationReport: { args: () => [[0, 1, 1], [0, 1, 0], { classes: [0, 1], zeroDivision: 1 }], options: [2] },
};

// Files for @ugrad/nn/node: each call gets its own path in a temporary folder.
const dir = mkdtempSync(join(tmpdir(), 'ugrad-exports-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;
const path = (name: string) => join(dir, `${++files}-${name}`);
const csvFile = () => { const p = path('data.csv'); writeFileSync(p, 'a,b,label\n1,2,0\n3,4,1\n'); return p; };
const checkpointFile = () => { const p = path('run.json'); writeFileSync(p, checkpointToJSON({ model: mlp() })); return p; };

const nodeSpecs: Record<keyof typeof node, ExportSpec> = {
  loadCsv: { args: () => [csvFile(), { header: true, label: -1, delimiter: ',' }], options: [1] },
  saveCheckpoint: { args: () => [path('save.json'), { model: mlp() }], options: [1] },
  loadCheckpoint: { args: () => [checkpointFile(), { model: mlp() }], options: [1], errors: [SyntaxError] },
};

// The functions a library function returns: the schedules.
const schedules = { constantLR: constantLR(0.1), linearLR: linearLR(1, 0.1, 10), stepLR: stepLR(0.1, 2), cosineLR: cosineLR(0.1, 10) };
const scheduleSpecs: Record<keyof typeof schedules, ExportSpec> = {
  constantLR: args(3), linearLR: args(3), stepLR: args(3), cosineLR: args(3),
};

// A Value made by an op, where a leaf (a parameter) is wanted; a model in place of data, and so on.
const bad = (): [string, unknown][] => [
  ['a Value made by an op', new Value(1).mul(2)], ['[a Value]', [new Value(1)]], ['a Proxy of a Value', new Proxy(new Value(1), {})],
  ['an MLP', mlp()], ['[[NaN, 1]]', [[NaN, 1]]], ['[[1, 2], [3]] (ragged rows)', [[1, 2], [3]]],
];

// UGRAD_WALK_ONLY=fit,Trainer walks only those exports (to find a breach quickly).
const only = process.env.UGRAD_WALK_ONLY?.split(',');
const pick = <T extends object>(x: T): T => (only ? Object.fromEntries(Object.entries(x).filter(([k]) => only.includes(k))) as T : x);

describe('every export keeps the rule on bad arguments', () => {
  it('@ugrad/nn', async () => {
    const { problems, calls } = await walkExports('@ugrad/nn', pick(nn), pick(nnSpecs), { errors: [TraceError, NonFiniteError], bad });
    console.log(`@ugrad/nn: ${calls} calls`);
    expect(problems.slice(0, 40)).toEqual([]);
    expect(calls).toBeGreaterThan(only ? 0 : 10_000);
  });

  it('@ugrad/nn/node', async () => {
    // Relative paths of the battery ('x', '3') land in the temporary folder, not the repository.
    const cwd = process.cwd();
    process.chdir(dir);
    try {
      const { problems, calls } = await walkExports('@ugrad/nn/node', pick(node), pick(nodeSpecs), { bad, osErrors: true });
      console.log(`@ugrad/nn/node: ${calls} calls`);
      expect(problems.slice(0, 40)).toEqual([]);
      expect(calls).toBeGreaterThan(only ? 0 : 500);
    } finally {
      process.chdir(cwd);
    }
  });

  it("the schedules linearLR and its kin return", async () => {
    const { problems, calls } = await walkExports("schedules", schedules, scheduleSpecs, { bad });
    console.log(`schedules: ${calls} calls`);
    expect(problems).toEqual([]);
    expect(calls).toBeGreaterThan(200);
  });
});
