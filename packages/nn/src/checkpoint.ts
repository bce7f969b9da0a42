import { arrayOf, finite, instance, isPlainObject, nullable, object, optional, parseOptions, str, typeError, withContext, type Check } from '@ugrad/engine/internal';
import { architectureOf, architectureText, checkArchitecture, rebuild, type Architecture } from './architecture.js';
import type { MLP } from './layers.js';
import { Module, keyDiff, keyProblems, type AnyModule } from './module.js';
import { optimizerCheck, type Optimizer, type OptimizerState } from './optim.js';
import { dense } from './rows.js';
import { trainerCheck, type Trainer } from './trainer.js';
import { checkTrainerState, type TrainerState } from './trainer-state.js';

// The checkpoint format, in one place: what is written, how it is checked, how
// it is applied. Browser-safe; reading and writing files lives in `node.ts`,
// which passes its own `where` (naming the file) to the two functions here.

const FORMAT = 'ugrad-checkpoint';
const VERSION = 1;

/** Anything with PyTorch's state-dict pair, e.g. a fitted `Standardizer`, to keep in a checkpoint beside the model. */
export interface Stateful {
  /** The object's state as plain JSON. */
  stateDict(): unknown;
  /** Must check everything before it writes anything. */
  loadStateDict(state: never): void;
}

/**
 * What a checkpoint is made from or restored into. With a `trainer`, the
 * optimizer defaults to the trainer's, and both must be the trainer's own.
 * `extra` holds any other state to keep, by name (a data scaler, say).
 */
export interface CheckpointParts {
  /** The model whose parameters are saved or restored. */
  model: AnyModule;
  /** Its optimizer (default: the trainer's). */
  optimizer?: Optimizer;
  /** Its trainer, whose position, generator, schedule and history are saved too. */
  trainer?: Trainer;
  /** Other state to keep, by name: anything with `stateDict()`/`loadStateDict()`. */
  extra?: Readonly<Record<string, Stateful>>;
}

/**
 * A training run frozen as plain JSON (version 1): the architecture (enough
 * to rebuild an MLP, a Layer or a Sequential of those), the parameters (`model.stateDict()`), and the
 * optimizer's, trainer's and extra objects' state when they were saved.
 */
export interface Checkpoint {
  /** Always `'ugrad-checkpoint'`: what the file is. */
  format: 'ugrad-checkpoint';
  /** The format's version, 1. */
  version: 1;
  /** The model's class and, if it can be rebuilt from it, its config. */
  architecture: Architecture;
  /** The model's `stateDict()`: each parameter's value by dotted name. */
  parameters: Record<string, number>;
  /** The names of the frozen parameters (`requiresGrad` false); absent in files written before freezing existed. */
  frozen?: string[];
  /** The optimizer's `stateDict()`, or null when none was saved. */
  optimizer: OptimizerState | null;
  /** The trainer's `stateDict()`, or null when none was saved. */
  trainer: TrainerState | null;
  /** The `stateDict()` of each extra part, by name. */
  extra?: Record<string, unknown>;
}

/**
 * The checkpoint of `parts` as JSON text. It is checked as a restore would
 * check it, so a model with a NaN weight cannot be saved into text that will
 * not load (JSON would write NaN as null).
 * @example const text = checkpointToJSON({ model, trainer }); // the trainer's optimizer too
 */
export function checkpointToJSON(parts: CheckpointParts, where = 'checkpointToJSON'): string {
  str(where, 'checkpointToJSON', 'where');
  const p = checkParts(parts, where, true);
  const checkpoint: Checkpoint = {
    format: FORMAT,
    version: VERSION,
    architecture: architectureOf(p.model!),
    parameters: p.model!.stateDict(),
    frozen: p.model!.namedParameters().filter(([, v]) => !v.requiresGrad).map(([name]) => name),
    optimizer: p.optimizer?.stateDict() ?? null,
    trainer: p.trainer?.stateDict() ?? null,
    ...(p.extra === undefined ? {} : { extra: Object.fromEntries(Object.entries(p.extra).map(([k, v]) => [k, v.stateDict()])) }),
  };
  return JSON.stringify(checkCheckpoint(checkpoint, where));
}

/**
 * Restores checkpoint text into `parts` — the parameters into the model, and
 * the optimizer's, trainer's and extra objects' state when those are given
 * (the checkpoint must hold them) — and returns the model. Without a model
 * in `parts`, one is built from the saved architecture (an MLP, a Layer, or
 * a Sequential of those). Everything is
 * checked first (format, architecture, every parameter, the trainer state
 * against the trainer), and a part that fails to load is rolled back, so a
 * failed restore leaves every part as it was.
 * @example const model = restoreCheckpoint(text); model.forward([0.5, 0.2]);
 */
export function restoreCheckpoint<M extends AnyModule = MLP>(json: string, parts: Partial<CheckpointParts> & { model?: M } = {}, where = 'restoreCheckpoint'): M {
  str(where, 'restoreCheckpoint', 'where');
  if (typeof json !== 'string') throw typeError(where, 'the checkpoint', 'JSON text', json);
  const p = checkParts(parts, where, false);
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (err) {
    throw new SyntaxError(`${where}: not valid JSON (a truncated or corrupted file?): ${(err as Error).message}`, { cause: err });
  }
  const c = checkCheckpoint(value, where);
  const model = (p.model ?? rebuild(c.architecture, where)) as M;
  const actual = architectureOf(model);
  if (c.architecture.module !== actual.module || JSON.stringify(c.architecture.config) !== JSON.stringify(actual.config)) {
    throw new RangeError(`${where}: the checkpoint holds ${architectureText(c.architecture)}, but the model is ${architectureText(actual)}`);
  }
  const { missingKeys, unexpectedKeys } = keyDiff(model.namedParameters().map(([name]) => name), c.parameters);
  if (missingKeys.length > 0 || unexpectedKeys.length > 0) throw new RangeError(`${where}: the checkpoint's parameters do not match the model's: ${keyProblems(missingKeys, unexpectedKeys)}`);
  const frozen = new Set(c.frozen ?? []);
  const stray = [...frozen].find((name) => !Object.hasOwn(c.parameters, name));
  if (stray !== undefined) throw new RangeError(`${where}: expected frozen to name parameters of the checkpoint, got ${JSON.stringify(stray)}`);
  if (p.optimizer !== undefined && c.optimizer === null) throw new RangeError(`${where}: an optimizer was given, but the checkpoint holds no optimizer state`);
  if (p.trainer !== undefined && c.trainer === null) throw new RangeError(`${where}: a trainer was given, but the checkpoint holds no trainer state`);
  for (const name of Object.keys(p.extra ?? {})) {
    if (!Object.hasOwn(c.extra ?? {}, name)) throw new RangeError(`${where}: extra.${name} was given, but the checkpoint holds no state of that name`);
  }
  const commitTrainer = p.trainer?._prepareLoad(c.trainer!, where, 'trainer');
  // The optimizer and extra objects check their state before they write any; if a
  // later one fails, the earlier ones get their old state back.
  const loaded: [Stateful, unknown][] = [];
  try {
    for (const [name, part, state] of [
      ...(p.optimizer === undefined ? [] : [['optimizer', p.optimizer, c.optimizer] as const]),
      ...Object.entries(p.extra ?? {}).map(([k, v]) => [`extra.${k}`, v, c.extra![k]] as const),
    ]) {
      // Kept before the load, so a part that writes before it fails (breaking Stateful's rule) is put back too.
      loaded.push([part, part.stateDict()]);
      try {
        (part.loadStateDict as (s: unknown) => void)(state);
      } catch (err) {
        throw withContext(err, `${where}: ${name}: `);
      }
    }
  } catch (err) {
    for (const [part, before] of loaded.reverse()) {
      try {
        (part.loadStateDict as (s: unknown) => void)(before);
      } catch {
        // a part that cannot take back its own state: the first error is the one to report
      }
    }
    throw err;
  }
  // Checked above, so none of these can fail now.
  model.loadStateDict(c.parameters);
  if (c.frozen !== undefined) for (const [name, v] of model.namedParameters()) v.requiresGrad = !frozen.has(name);
  commitTrainer?.();
  return model;
}

// The one check of the format: every field, so a load can trust what it applies.
function checkCheckpoint(value: unknown, where: string): Checkpoint {
  const c = object(value, where, 'the checkpoint');
  if (c.format !== FORMAT) throw new RangeError(`${where}: not a ugrad checkpoint (expected format "${FORMAT}", got ${typeof c.format === 'string' ? JSON.stringify(c.format) : String(c.format)})`);
  if (c.version !== VERSION) throw new RangeError(`${where}: expected version to be ${VERSION} (the version this ugrad reads), got ${JSON.stringify(c.version) ?? 'none'}`);
  const parameters: Check<Record<string, number>> = (x, w, what) => {
    const o = object(x, w, what);
    for (const [name, v] of Object.entries(o)) finite(v, w, `${what}[${JSON.stringify(name)}]`);
    return o as Record<string, number>;
  };
  const out = parseOptions(where, c, {
    format: str, version: finite,
    architecture: checkArchitecture,
    parameters,
    frozen: optional(arrayOf(str)),
    optimizer: nullable((x, w, what) => {
      const o = object(x, w, what);
      if (typeof o.type !== 'string') throw typeError(w, `${what}.type`, "an optimizer's name", o.type);
      checkJson(o, w, what);
      return o as unknown as OptimizerState;
    }),
    trainer: nullable(checkTrainerState),
    extra: optional((x, w, what) => {
      const o = object(x, w, what);
      for (const [k, v] of Object.entries(o)) checkJson(v, w, `${what}.${k}`);
      return o;
    }),
  }, '');
  const { extra, frozen, ...rest } = out;
  return { ...rest, format: FORMAT, version: VERSION, ...(frozen === undefined ? {} : { frozen }), ...(extra === undefined ? {} : { extra }) };
}

function checkParts(parts: unknown, where: string, needModel: boolean): Partial<CheckpointParts> {
  const p = parseOptions(where, parts, {
    model: needModel ? instance(Module, 'a Module') : optional(instance(Module, 'a Module')),
    optimizer: optional(optimizerCheck), trainer: optional(trainerCheck),
    extra: optional((x, w, what) => {
      const o = object(x, w, what);
      for (const [k, v] of Object.entries(o)) {
        const s = v as Partial<Stateful> | null;
        if (typeof s?.stateDict !== 'function' || typeof s.loadStateDict !== 'function') throw typeError(w, `${what}.${k}`, 'an object with stateDict() and loadStateDict()', v);
      }
      return o as Record<string, Stateful>;
    }),
  }, 'parts');
  const { model, optimizer, trainer, extra } = p;
  const out: Partial<CheckpointParts> = { ...(model === undefined ? {} : { model }), ...(extra === undefined ? {} : { extra }) };
  if (trainer === undefined) return optimizer === undefined ? out : { ...out, optimizer };
  if (model !== undefined && (trainer.model as AnyModule) !== model) throw new RangeError(`${where}: the trainer trains another model than the one given`);
  if (optimizer !== undefined && optimizer !== trainer.optimizer) throw new RangeError(`${where}: the trainer uses another optimizer than the one given`);
  return { ...out, model: trainer.model as AnyModule, optimizer: trainer.optimizer, trainer };
}

// `x` must be JSON data that JSON writes as it is: finite numbers (JSON would
// write NaN as null), strings, booleans, null, arrays without holes and plain
// objects, nesting without a cycle (JSON.stringify would throw on one, and on a
// BigInt; it would drop a function and write a Map as {}) and at most 100 deep
// (JSON.stringify recurses). Walked with a stack.
function checkJson(x: unknown, where: string, path: string): void {
  const stack: [unknown, string, number, boolean][] = [[x, path, 0, false]];
  const open = new Set<unknown>(); // the arrays and objects being walked, to find a cycle
  while (stack.length > 0) {
    const [v, at, depth, leaving] = stack.pop()!;
    if (leaving) {
      open.delete(v);
    } else if (typeof v === 'number') {
      finite(v, where, at);
    } else if (Array.isArray(v) || isPlainObject(v)) {
      if (open.has(v)) throw new TypeError(`${where}: expected ${at} to be JSON data, got an object that contains itself`);
      if (depth === 100) throw new RangeError(`${where}: expected ${path} to nest arrays and objects at most 100 deep, got deeper at ${at}`);
      open.add(v);
      stack.push([v, at, depth, true]);
      if (Array.isArray(v)) {
        dense(v, where, at);
        for (let i = v.length - 1; i >= 0; i--) stack.push([v[i], `${at}[${i}]`, depth + 1, false]);
      } else {
        for (const [k, e] of Object.entries(v).reverse()) stack.push([e, `${at}.${k}`, depth + 1, false]);
      }
    } else if (typeof v !== 'string' && typeof v !== 'boolean' && v !== null) {
      throw typeError(where, at, 'JSON data (finite numbers, strings, booleans, null, arrays and plain objects)', v);
    }
  }
}
