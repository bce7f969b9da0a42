import { Value } from '@ugrad/engine';
import {
  arrayOf, bool, describe, finite, fn, nullable, num, object, optional, parseOptions, rangeError, rate, received, shape, str, typeError, whole, withDefault, type Check,
} from '@ugrad/engine/internal';
import { madeBy, primitive } from './module.js';

/**
 * What an optimizer class declares once, as a static `spec`: its name (for
 * messages and saved states), its options — each a check or a plain default
 * (a number, boolean or array of numbers, checked by its type) — its
 * per-parameter state buffers, each with the rule for when it may exist, and
 * any rule across options. The base class reads it to check options, save,
 * load and validate state, so a subclass writes only its update rule.
 */
export interface OptimizerSpec {
  /** The class's name, which starts its messages and is saved as the state's `type`. */
  readonly name: string;
  /** Each option: a check, or a plain default whose type is its check (`lr` is always one, default 1e-3). */
  readonly options: Readonly<Record<string, Check<unknown> | number | boolean | readonly number[]>>;
  /** Each per-parameter state buffer, with the rule for when it may exist given the options. */
  readonly buffers?: Readonly<Record<string, (options: Record<string, unknown>) => boolean>>;
  /** A rule across options (e.g. Nesterov needs momentum), thrown as a RangeError naming `where`. */
  readonly validate?: (options: Record<string, unknown>, where: string) => void;
}

/** What `stateDict()` holds: the class name, the step count, every option, and each buffer (null until used): plain JSON. */
export interface OptimizerState {
  /** The optimizer's class name; a state loads only into its own class. */
  type: string;
  /** Steps taken. */
  stepCount: number;
  /** The learning rate. */
  lr: number;
  [key: string]: number | boolean | string | readonly number[] | null;
}

/**
 * The base of every optimizer, as PyTorch's `torch.optim.Optimizer`: the
 * parameters it updates, its options (`lr` among them, settable between
 * steps to follow a schedule), the step count and named per-parameter state
 * buffers, which it saves, loads and validates for every subclass. A
 * subclass declares a static {@link OptimizerSpec} and implements `update()`,
 * skipping frozen parameters (`requiresGrad` false).
 *
 * @example
 * // signSGD: p ← p − lr·sign(g)
 * class SignSGD extends Optimizer {
 *   static override spec = { name: 'SignSGD', options: { lr: 0.01 } };
 *   protected update(): void {
 *     for (const p of this.params) if (p.requiresGrad) p.data -= this.lr * Math.sign(p.grad);
 *   }
 * }
 */
export abstract class Optimizer {
  /** The default spec: only a learning rate (default 1e-3, PyTorch's SGD's). */
  static spec: OptimizerSpec = { name: 'Optimizer', options: {} };

  /** The parameters updated by `step()`, in the order given. */
  readonly params: readonly Value[];
  /** How many times `step()` has run (PyTorch's `state['step']`). */
  stepCount = 0;
  #options: Record<string, unknown>;
  #buffers = new Map<string, Float64Array>();
  readonly #spec: OptimizerSpec;

  /** Checks `params` (a non-empty array of distinct leaf Values) and `options` against the class's spec. */
  constructor(params: readonly Value[], options: object = {}) {
    const spec = specCheck((this.constructor as typeof Optimizer).spec, this.constructor.name, 'the static spec');
    const where = spec.name;
    this.#spec = spec;
    const ps = arrayOf(paramCheck, { min: 1 })(params, where, 'params');
    const seen = new Map<Value, number>();
    ps.forEach((p, i) => {
      if (seen.has(p)) throw new RangeError(`${where}: params[${i}] is the same Value as params[${seen.get(p)}]; list each parameter once`);
      seen.set(p, i);
    });
    this.#options = this.#check(options, where, 'options');
    this.params = ps;
    optimizers.add(this);
  }

  /** The learning rate; set it between steps to follow a schedule. */
  get lr(): number {
    return this.#options.lr as number;
  }
  /** Sets the learning rate, e.g. from a schedule (finite and ≥ 0). */
  set lr(lr: number) {
    this.#options.lr = rate(lr, `${this.#spec.name}.lr`, 'lr');
  }

  /** The options in force, defaults filled in (read-only; set `lr` through its setter). */
  get options(): Readonly<Record<string, unknown>> {
    return { ...this.#options };
  }

  /** Counts the step and updates every parameter from its `grad` (the subclass's `update`). */
  step(): void {
    if (typeof this.update !== 'function') throw new TypeError(`${this.#spec.name}.step: expected the class to define update(), got ${describe(this.update)}`);
    this.stepCount++;
    try {
      this.update();
    } catch (err) {
      this.stepCount--; // the step did not happen
      throw err;
    }
  }

  /** The update rule, run by `step()` after `stepCount` has counted this step. */
  protected abstract update(): void;

  /** Sets every parameter's `grad` to 0. */
  zeroGrad(): void {
    for (const p of this.params) p.grad = 0;
  }

  /** The state buffer `name` (one the spec declares), one number per parameter, created as zeros on first use. */
  protected buffer(name: string): Float64Array {
    this.#bufferName(name, 'buffer');
    let b = this.#buffers.get(name);
    if (b === undefined) this.#buffers.set(name, (b = new Float64Array(this.params.length)));
    return b;
  }

  /** Whether the state buffer `name` (one the spec declares) exists yet. */
  protected hasBuffer(name: string): boolean {
    this.#bufferName(name, 'hasBuffer');
    return this.#buffers.has(name);
  }

  /** A typed view of the option `name`, for `update()`. */
  protected opt<T>(name: string): T {
    if (typeof name !== 'string' || !Object.hasOwn(this.#options, name)) throw (typeof name === 'string' ? rangeError : typeError)(`${this.#spec.name}.opt`, 'name', `one of ${Object.keys(this.#options).join(', ')}`, name);
    return this.#options[name] as T;
  }

  // A buffer must be declared in the spec, or a checkpoint would not save it.
  #bufferName(name: unknown, method: string): void {
    const names = Object.keys(this.#spec.buffers ?? {});
    if (typeof name !== 'string' || !names.includes(name)) {
      throw (typeof name === 'string' ? rangeError : typeError)(`${this.#spec.name}.${method}`, 'name', names.length === 0 ? 'a buffer declared in the spec (it declares none)' : `one of ${names.join(', ')} (the buffers the spec declares)`, name);
    }
  }

  /** What `JSON.stringify(optimizer)` writes: {@link stateDict}. */
  toJSON(): OptimizerState {
    return this.stateDict();
  }

  /** PyTorch-style: the class name and the options, `SGD(lr=0.1, momentum=0.9, …)`. */
  toString(): string {
    const options = Object.entries(this.#options).map(([k, v]) => `${k}=${Array.isArray(v) ? `[${v.join(', ')}]` : String(v)}`);
    return `${this.#spec.name}(${options.join(', ')})`;
  }

  /** Text for `${optimizer}`; used as a number (`+optimizer`), it is a TypeError. */
  [Symbol.toPrimitive](hint: string): string {
    return primitive(this, hint, 'an Optimizer', 'read optimizer.lr for the learning rate');
  }

  /** Everything needed to resume bit-identically: type, step count, options and buffers, as plain JSON. */
  stateDict(): OptimizerState {
    const out: OptimizerState = { type: this.#spec.name, stepCount: this.stepCount, lr: this.lr };
    for (const [k, v] of Object.entries(this.#options)) out[k] = Array.isArray(v) ? [...(v as number[])] : (v as number | boolean);
    for (const name of Object.keys(this.#spec.buffers ?? {})) out[name] = this.#buffers.has(name) ? Array.from(this.#buffers.get(name)!) : null;
    return out;
  }

  /**
   * Restores a `stateDict()`, options included (as PyTorch does). Everything
   * is checked first — type, step count, every option, every buffer's length
   * and numbers — so a bad state changes nothing.
   */
  loadStateDict(state: OptimizerState): void {
    const spec = this.#spec, where = `${spec.name}.loadStateDict`;
    const s = object(state, where, 'state');
    if (s.type !== spec.name) throw new RangeError(`${where}: expected a state of type "${spec.name}", got ${received(s.type, 'range')}`);
    const stepCount = whole(s.stepCount, where, 'stepCount');
    const { type: _t, stepCount: _s, ...rest } = s;
    const bufferNames = Object.keys(spec.buffers ?? {});
    const optionPart = Object.fromEntries(Object.entries(rest).filter(([k]) => !bufferNames.includes(k)));
    const options = this.#check(optionPart, where, 'state', true);
    const buffers = new Map<string, Float64Array>();
    for (const name of bufferNames) {
      const b = nullable(arrayOf(finite, { length: this.params.length }))(rest[name], where, name);
      if (b === null) continue;
      if (!spec.buffers![name]!(options)) throw new RangeError(`${where}: expected ${name} to be null with these options, got an array`);
      buffers.set(name, Float64Array.from(b));
    }
    this.#options = options;
    this.stepCount = stepCount;
    this.#buffers = buffers;
  }

  // The options checked against the spec (`lr` always among them); with
  // `saved`, every option must be present, as a state holds them all.
  #check(options: unknown, where: string, what: string, saved = false): Record<string, unknown> {
    const schema: Record<string, Check<unknown>> = { lr: withDefault(rate, 1e-3) };
    for (const [k, v] of Object.entries(this.#spec.options)) schema[k] = typeof v === 'function' ? v : withDefault(k === 'lr' ? rate : checkLike(v), v);
    if (saved) {
      const o = object(options, where, what);
      for (const k of Object.keys(schema)) if (o[k] === undefined) throw new TypeError(`${where}: expected ${k} in the state, got none`);
    }
    // A state's keys are named bare (`betas[0]`), options' as `options.betas[0]`.
    const parsed = saved ? Object.fromEntries(Object.entries(schema).map(([k, c]) => [k, c((options as Record<string, unknown>)[k], where, k)])) : parseOptions(where, options, schema, what);
    if (saved) {
      const extra = Object.keys(options as object).find((k) => !(k in schema));
      if (extra !== undefined) throw new TypeError(`${where}: unknown key ${JSON.stringify(extra)} in the state (expected type, stepCount, ${[...Object.keys(schema), ...Object.keys(this.#spec.buffers ?? {})].join(', ')})`);
    }
    this.#spec.validate?.(parsed, where);
    return parsed;
  }
}

const optimizers = madeBy(Optimizer, 'an Optimizer');
/** @internal An Optimizer made by its constructor (not a Proxy or copy of one). */
export const optimizerCheck: Check<Optimizer> = optimizers.check;

// A subclass's static spec, checked once per optimizer made.
const specCheck: Check<OptimizerSpec> = (x, where, what) => {
  const option: Check<unknown> = (v, w, name) => {
    if (typeof v === 'function' || typeof v === 'boolean') return v;
    if (typeof v === 'number') return finite(v, w, name);
    return arrayOf(finite)(v, w, name);
  };
  const s = shape({
    name: str,
    options: (o, w, name) => Object.fromEntries(Object.entries(object(o, w, name)).map(([k, v]) => [k, option(v, w, `${name}.${k}`)])),
    buffers: optional((b, w, name) => Object.fromEntries(Object.entries(object(b, w, name)).map(([k, v]) => [k, fn(v, w, `${name}.${k}`)]))),
    validate: optional(fn),
  })(x, where, what);
  return Object.fromEntries(Object.entries(s).filter(([, v]) => v !== undefined)) as unknown as OptimizerSpec;
};

// The specs of ugrad's optimizers, frozen, their functions checking what they
// are given (they are reachable as SGD.spec.validate and so on).
/** @internal A spec checked and frozen, its functions wrapped to check what they are given. */
export function defineSpec(s: OptimizerSpec): OptimizerSpec {
  const at = `${s.name}.spec`;
  const options = (o: unknown, where: string): Record<string, unknown> => object(o, where, 'options');
  const buffers = Object.entries(s.buffers ?? {}).map(([k, f]) => [k, (o: unknown) => f(options(o, `${at}.buffers.${k}`))]);
  const validate = s.validate;
  return Object.freeze({
    name: s.name,
    options: Object.freeze({ ...s.options }),
    ...(buffers.length === 0 ? {} : { buffers: Object.freeze(Object.fromEntries(buffers)) }),
    ...(validate === undefined ? {} : { validate: (o: Record<string, unknown>, where: string) => validate(options(o, `${at}.validate`), str(where, `${at}.validate`, 'where')) }),
  });
}

// A parameter: a leaf Value (an optimizer writes `data`, which only a leaf owns).
const paramCheck: Check<Value> = (p, where, what) => {
  if (!(p instanceof Value)) throw typeError(where, what, 'a Value', p);
  if (p.op !== '') throw new TypeError(`${where}: expected ${what} to be a leaf Value (a parameter), got a Value made by '${p.op}'`);
  return p;
};

// The check a plain default implies: its type.
function checkLike(v: number | boolean | readonly number[]): Check<unknown> {
  if (typeof v === 'number') return finite;
  if (typeof v === 'boolean') return bool;
  return arrayOf(finite, { length: v.length });
}

/** Options of {@link clipGradNorm}. */
export interface ClipGradNormOptions {
  /** The p of the p-norm; `Infinity` for the largest |grad|. Default 2. */
  normType?: number;
  /** Throw a RangeError if the total norm is NaN or infinite, instead of scaling by it. Default false. */
  errorIfNonfinite?: boolean;
}

/**
 * Scales all gradients together so their global norm is at most `maxNorm`
 * (PyTorch's `clip_grad_norm_`): `g = g·min(1, maxNorm / (norm + 1e-6))`.
 * Frozen parameters are left out, as PyTorch leaves out those without a
 * gradient. Returns the norm before clipping.
 * @example
 * loss.backward();
 * clipGradNorm(model.parameters(), 1.0);
 * opt.step();
 */
export function clipGradNorm(params: readonly Value[], maxNorm: number, options: ClipGradNormOptions = {}): number {
  const where = 'clipGradNorm';
  const ps = arrayOf(paramCheck)(params, where, 'params').filter((p) => p.requiresGrad); // frozen ones have no gradient to clip
  rate(maxNorm, where, 'maxNorm');
  const o = parseOptions(where, options, {
    normType: withDefault(num('a number > 0 (Infinity for the largest |grad|)', (x) => x > 0), 2),
    errorIfNonfinite: withDefault(bool, false),
  });
  if (ps.length === 0) return 0;
  let norm: number;
  if (o.normType === Infinity) {
    norm = 0;
    // NaN must win, as in PyTorch; Math.max propagates it.
    for (const p of ps) norm = Math.max(norm, Math.abs(p.grad));
  } else if (o.normType === 2) {
    let s = 0;
    for (const p of ps) s += p.grad * p.grad;
    norm = Math.sqrt(s);
  } else {
    let s = 0;
    for (const p of ps) s += Math.abs(p.grad) ** o.normType;
    norm = s ** (1 / o.normType);
  }
  if (o.errorIfNonfinite && !Number.isFinite(norm)) throw new RangeError(`${where}: the total norm of the gradients is ${norm}, so they cannot be clipped`);
  const coef = Math.min(maxNorm / (norm + 1e-6), 1);
  for (const p of ps) p.grad *= coef;
  return norm;
}
