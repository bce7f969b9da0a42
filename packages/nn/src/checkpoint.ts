import { describe } from '@ugrad/engine/internal';
import { ACTIVATIONS, MLP, Module, checkOptions, quotedList, type Activation, type AnyModule, type MLPConfig } from './module.js';
import { Optimizer, type OptimizerStateBase } from './optim.js';
import { Trainer, checkArray, checkNumber, checkObject, checkTrainerState, isCount, withContext, type TrainerState } from './fit.js';

// The checkpoint format, as plain data: build, check, turn into text and back,
// apply. Browser-safe; reading and writing files lives in `node.ts`. Each
// function's optional last argument, `where`, starts its error messages, so
// `node.ts` can name the file: `loadCheckpoint: run.json: …`.

/** The `format` field of every ugrad checkpoint. */
export const CHECKPOINT_FORMAT = 'ugrad-checkpoint';
/** The version this code writes and reads. */
export const CHECKPOINT_VERSION = 1;

/** What the model is: enough to refuse a checkpoint of another shape, and to rebuild an MLP. */
export interface Architecture {
  /** The model's class name: `'MLP'`, `'Layer'`, or your own. */
  module: string;
  /** `MLP.config()` for an MLP; null for other modules. */
  config: MLPConfig | null;
}

/**
 * A training run frozen as plain JSON: the architecture, the parameters
 * (`model.stateDict()`), and optionally the optimizer's and trainer's state.
 */
export interface Checkpoint {
  format: typeof CHECKPOINT_FORMAT;
  version: typeof CHECKPOINT_VERSION;
  architecture: Architecture;
  parameters: Record<string, number>;
  optimizer: OptimizerStateBase | null;
  trainer: TrainerState | null;
}

/**
 * What a checkpoint is made from or loaded into. With a `trainer`, the
 * optimizer defaults to the trainer's, and both must be the trainer's own.
 */
export interface CheckpointParts {
  model: AnyModule;
  optimizer?: Optimizer;
  trainer?: Trainer;
}

/**
 * A checkpoint of `parts`, checked as a loader would check it, so a model
 * with a NaN weight cannot be saved into a file that will not load.
 * @example const text = JSON.stringify(createCheckpoint({ model, trainer }));
 */
export function createCheckpoint(parts: CheckpointParts, where = 'createCheckpoint'): Checkpoint {
  const { model, optimizer, trainer } = resolveParts(parts, where);
  return validateCheckpoint({
    format: CHECKPOINT_FORMAT,
    version: CHECKPOINT_VERSION,
    architecture: architectureOf(model),
    parameters: model.stateDict(),
    optimizer: optimizer?.stateDict() ?? null,
    trainer: trainer?.stateDict() ?? null,
  }, where);
}

/** `createCheckpoint(parts)` as JSON text (what `saveCheckpoint` writes). */
export function serializeCheckpoint(parts: CheckpointParts, where = 'serializeCheckpoint'): string {
  return JSON.stringify(createCheckpoint(parts, where));
}

/**
 * Parses checkpoint text and checks every field; errors name the field, e.g.
 * `parseCheckpoint: expected parameters["layers.0.neurons.0.b"] to be a finite number, got null`.
 */
export function parseCheckpoint(text: string, where = 'parseCheckpoint'): Checkpoint {
  if (typeof text !== 'string') throw new TypeError(`${where}: expected checkpoint text, got ${describe(text)}`);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new SyntaxError(`${where}: not valid JSON (a truncated or corrupted file?): ${(err as Error).message}`, { cause: err });
  }
  return validateCheckpoint(value, where);
}

/** Checks that `value` is a checkpoint of this format and version, every field; returns it typed. */
export function validateCheckpoint(value: unknown, where = 'validateCheckpoint'): Checkpoint {
  const c = checkObject(value, where, 'the checkpoint');
  if (c.format !== CHECKPOINT_FORMAT) throw new RangeError(`${where}: not a ugrad checkpoint (expected format "${CHECKPOINT_FORMAT}", got ${describe(c.format)})`);
  if (c.version !== CHECKPOINT_VERSION) {
    throw new RangeError(`${where}: expected version to be ${CHECKPOINT_VERSION} (the version this ugrad reads), got ${describe(c.version)}`);
  }
  const a = checkObject(c.architecture, where, 'architecture');
  if (typeof a.module !== 'string' || a.module === '') throw new TypeError(`${where}: expected architecture.module to be a class name, got ${describe(a.module)}`);
  const parameters = checkObject(c.parameters, where, 'parameters');
  for (const [name, v] of Object.entries(parameters)) checkNumber(v, where, `parameters[${JSON.stringify(name)}]`, Number.isFinite, 'a finite number');
  let optimizer: OptimizerStateBase | null = null;
  if (c.optimizer !== null) {
    const o = checkObject(c.optimizer, where, 'optimizer');
    if (typeof o.type !== 'string') throw new TypeError(`${where}: expected optimizer.type to be an optimizer's name, got ${describe(o.type)}`);
    checkFiniteNumbers(o, where, 'optimizer');
    optimizer = o as unknown as OptimizerStateBase;
  }
  return {
    format: CHECKPOINT_FORMAT,
    version: CHECKPOINT_VERSION,
    architecture: { module: a.module, config: a.config === null ? null : checkConfig(a.config, where) },
    parameters: parameters as Record<string, number>,
    optimizer,
    trainer: c.trainer === null ? null : checkTrainerState(c.trainer, where, 'trainer'),
  };
}

/**
 * Loads a checkpoint into `parts`: parameters into the model, and the
 * optimizer and trainer state when those are given (the checkpoint must hold
 * them). Everything is checked first — format, architecture, every parameter,
 * the trainer state against the trainer — and the optimizer, which checks its
 * state before writing any, is loaded before anything else is written, so a
 * failed load leaves the model, optimizer and trainer untouched.
 */
export function applyCheckpoint(checkpoint: Checkpoint, parts: CheckpointParts, where = 'applyCheckpoint'): void {
  const { model, optimizer, trainer } = resolveParts(parts, where);
  const c = validateCheckpoint(checkpoint, where);
  const saved = c.architecture, actual = architectureOf(model);
  if (saved.module !== actual.module || JSON.stringify(saved.config) !== JSON.stringify(actual.config)) {
    throw new RangeError(`${where}: the checkpoint holds ${architectureText(saved)}, but the model is ${architectureText(actual)}`);
  }
  const names = model.namedParameters().map(([name]) => name);
  const missing = names.filter((name) => !Object.hasOwn(c.parameters, name));
  const known = new Set(names);
  const unexpected = Object.keys(c.parameters).filter((name) => !known.has(name));
  if (missing.length > 0 || unexpected.length > 0) {
    const problems = [...(missing.length > 0 ? [`missing ${quotedList(missing)}`] : []), ...(unexpected.length > 0 ? [`unexpected ${quotedList(unexpected)}`] : [])];
    throw new RangeError(`${where}: the checkpoint's parameters do not match the model's: ${problems.join('; ')}`);
  }
  if (optimizer !== undefined && c.optimizer === null) throw new RangeError(`${where}: an optimizer was given, but the checkpoint holds no optimizer state`);
  if (trainer !== undefined && c.trainer === null) throw new RangeError(`${where}: a trainer was given, but the checkpoint holds no trainer state`);
  const commitTrainer = trainer?._prepareLoad(c.trainer!, where, 'trainer');
  if (optimizer !== undefined) {
    try {
      optimizer.loadStateDict(c.optimizer!);
    } catch (err) {
      throw withContext(err, `${where}: optimizer: `);
    }
  }
  // Checked above, so neither of these can fail now.
  model.loadStateDict(c.parameters);
  commitTrainer?.();
}

/**
 * A new MLP built from the checkpoint's architecture, holding its parameters
 * (for inference, or to resume with a new optimizer and trainer).
 */
export function modelFromCheckpoint(checkpoint: Checkpoint, where = 'modelFromCheckpoint'): MLP {
  const c = validateCheckpoint(checkpoint, where);
  const config = c.architecture.config;
  if (config === null) {
    throw new RangeError(`${where}: only an MLP can be rebuilt from a checkpoint, this one holds a ${c.architecture.module}; build the model yourself and apply the checkpoint to it`);
  }
  const model = new MLP(config.nin, config.nouts, { activations: config.activations, negativeSlope: config.negativeSlope });
  applyCheckpoint(c, { model }, where);
  return model;
}

function architectureOf(model: AnyModule): Architecture {
  return model instanceof MLP ? { module: 'MLP', config: model.config() } : { module: model.constructor.name, config: null };
}

function architectureText(a: Architecture): string {
  const c = a.config;
  return c === null ? `a ${a.module}` : `MLP(${c.nin}, [${c.nouts.join(', ')}]; ${c.activations.join(', ')}; negativeSlope ${c.negativeSlope})`;
}

// Fields in MLP.config()'s order, so two configs compare equal as JSON.
function checkConfig(x: unknown, where: string): MLPConfig {
  const c = checkObject(x, where, 'architecture.config');
  const count = (v: unknown, what: string): number => checkNumber(v, where, `architecture.config.${what}`, isCount, 'a positive integer');
  const nin = count(c.nin, 'nin');
  const nouts = checkArray(c.nouts, where, 'architecture.config.nouts').map((v, i) => count(v, `nouts[${i}]`));
  if (nouts.length === 0) throw new RangeError(`${where}: expected architecture.config.nouts to have at least one layer size, got an empty array`);
  const activations = checkArray(c.activations, where, 'architecture.config.activations').map((v, i) => {
    if (!(ACTIVATIONS as readonly unknown[]).includes(v)) {
      throw new RangeError(`${where}: expected architecture.config.activations[${i}] to be one of ${ACTIVATIONS.join(', ')}, got ${describe(v)}`);
    }
    return v as Activation;
  });
  if (activations.length !== nouts.length) {
    throw new RangeError(`${where}: expected architecture.config.activations to have one entry per layer (${nouts.length}), got ${activations.length}`);
  }
  const negativeSlope = checkNumber(c.negativeSlope, where, 'architecture.config.negativeSlope', Number.isFinite, 'a finite number');
  return { nin, nouts, activations, negativeSlope };
}

// Every number inside `x` (objects and arrays, walked with a stack) must be
// finite: JSON would silently write NaN as null. The optimizer checks the rest.
function checkFiniteNumbers(x: unknown, where: string, path: string): void {
  const stack: [unknown, string][] = [[x, path]];
  while (stack.length > 0) {
    const [v, at] = stack.pop()!;
    if (typeof v === 'number') checkNumber(v, where, at, Number.isFinite, 'a finite number');
    else if (Array.isArray(v)) v.forEach((e, i) => stack.push([e, `${at}[${i}]`]));
    else if (typeof v === 'object' && v !== null) for (const [k, e] of Object.entries(v)) stack.push([e, `${at}.${k}`]);
  }
}

function resolveParts(parts: CheckpointParts, where: string): { model: AnyModule; optimizer?: Optimizer; trainer?: Trainer } {
  if (typeof parts !== 'object' || parts === null) throw new TypeError(`${where}: expected { model, optimizer?, trainer? }, got ${describe(parts)}`);
  checkOptions(parts, ['model', 'optimizer', 'trainer'], where);
  const { model, optimizer, trainer } = parts;
  if (!(model instanceof Module)) throw new TypeError(`${where}: expected model to be a Module, got ${describe(model)}`);
  if (optimizer !== undefined && !(optimizer instanceof Optimizer)) throw new TypeError(`${where}: expected optimizer to be an Optimizer, got ${describe(optimizer)}`);
  if (trainer === undefined) return optimizer === undefined ? { model } : { model, optimizer };
  if (!(trainer instanceof Trainer)) throw new TypeError(`${where}: expected trainer to be a Trainer, got ${describe(trainer)}`);
  if ((trainer.model as AnyModule) !== model) throw new RangeError(`${where}: the trainer trains another model than the one given`);
  if (optimizer !== undefined && optimizer !== trainer.optimizer) throw new RangeError(`${where}: the trainer uses another optimizer than the one given`);
  return { model, optimizer: trainer.optimizer, trainer };
}
