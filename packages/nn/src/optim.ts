import { Value } from '@ugrad/engine';
import { describe } from '@ugrad/engine/internal';
import { checkBoolean, checkOptions } from './module.js';

/** What every optimizer's `stateDict()` holds at least: plain JSON. */
export interface OptimizerStateBase {
  /** The optimizer's class name, checked on load. */
  type: string;
  stepCount: number;
  lr: number;
}

/** The state of any optimizer in this module. */
export type OptimizerState = SGDState | AdamState;

/**
 * The base of every optimizer: the parameters it updates, a settable learning
 * rate, and the step count. Subclasses implement `step()` and their state.
 */
export abstract class Optimizer {
  /** The parameters updated by `step()`, in the order given. */
  readonly params: readonly Value[];
  #lr = 0;
  /** How many times `step()` has run (PyTorch's `state['step']`). */
  stepCount = 0;

  /**
   * Checks `params` (a non-empty array of distinct Values) and `lr`. A custom
   * optimizer calls `super(params, lr)` and implements `step()` and its state.
   */
  constructor(params: readonly Value[], lr: number) {
    const where = new.target.name;
    if (!Array.isArray(params)) throw new TypeError(`${where}: expected params to be an array of Values, got ${describe(params)}`);
    if (params.length === 0) throw new RangeError(`${where}: expected at least one parameter, got an empty array`);
    const seen = new Set<Value>();
    params.forEach((p: unknown, i) => {
      if (!(p instanceof Value)) throw new TypeError(`${where}: expected params[${i}] to be a Value, got ${describe(p)}`);
      if (seen.has(p)) throw new RangeError(`${where}: params[${i}] appears twice; each parameter must be listed once`);
      seen.add(p);
    });
    this.params = [...params];
    this.lr = lr;
  }

  /** The learning rate; set it between steps to follow a schedule. */
  get lr(): number {
    return this.#lr;
  }
  set lr(lr: number) {
    this.#lr = checkNumber(lr, `${this.constructor.name}.lr`, 'lr', 0, Infinity);
  }

  /** Updates every parameter from its `grad`. */
  abstract step(): void;

  /** Sets every parameter's `grad` to 0. */
  zeroGrad(): void {
    for (const p of this.params) p.grad = 0;
  }

  /** Everything needed to resume bit-identically: step count, hyper-parameters, buffers. */
  abstract stateDict(): OptimizerStateBase;

  /** Restores a `stateDict()`; checks everything first, so a bad state changes nothing. */
  abstract loadStateDict(state: OptimizerStateBase): void;
}

/** Options of {@link SGD}; the defaults are PyTorch's. */
export interface SGDOptions {
  /** Learning rate; default 1e-3. */
  lr?: number;
  /** Momentum factor, ≥ 0; default 0 (plain SGD). */
  momentum?: number;
  /** Dampening of the momentum; default 0. */
  dampening?: number;
  /** Nesterov momentum (needs momentum > 0 and dampening 0); default false. */
  nesterov?: boolean;
  /** L2 penalty added to the gradient, `g + weightDecay·p`; default 0. */
  weightDecay?: number;
}

/** Everything an {@link SGD} needs to resume exactly: plain JSON. */
export interface SGDState {
  type: 'SGD';
  stepCount: number;
  lr: number;
  momentum: number;
  dampening: number;
  nesterov: boolean;
  weightDecay: number;
  /** One momentum buffer per parameter; null until the first step (or without momentum). */
  momentumBuffers: number[] | null;
}

/**
 * Stochastic gradient descent with PyTorch's update, operation for operation:
 * ```
 * g = grad + weightDecay·p
 * b = g (first step) | momentum·b + (1 − dampening)·g
 * g = nesterov ? g + momentum·b : b        (with momentum)
 * p = p − lr·g
 * ```
 * With the defaults this is micrograd's `p.data -= lr * p.grad`.
 *
 * @example
 * const opt = new SGD(model.parameters(), { lr: 0.1, momentum: 0.9 });
 * opt.zeroGrad(); loss.backward(); opt.step();
 */
export class SGD extends Optimizer {
  /** Momentum factor; 0 is plain SGD. */
  readonly momentum: number;
  /** Dampening of the momentum. */
  readonly dampening: number;
  /** Whether the momentum is Nesterov's. */
  readonly nesterov: boolean;
  /** L2 penalty added to the gradient. */
  readonly weightDecay: number;
  #buffers: Float64Array | null = null;

  constructor(params: readonly Value[], options: SGDOptions = {}) {
    const where = 'SGD';
    checkOptions(options, ['lr', 'momentum', 'dampening', 'nesterov', 'weightDecay'], where);
    super(params, checkNumber(options.lr ?? 1e-3, where, 'options.lr', 0, Infinity));
    const h = checkSGD(options.momentum ?? 0, options.dampening ?? 0, options.nesterov ?? false, options.weightDecay ?? 0, where);
    this.momentum = h.momentum;
    this.dampening = h.dampening;
    this.nesterov = h.nesterov;
    this.weightDecay = h.weightDecay;
  }

  step(): void {
    const { params, momentum, dampening, nesterov, weightDecay } = this;
    const lr = this.lr;
    const first = this.#buffers === null;
    if (momentum !== 0 && first) this.#buffers = new Float64Array(params.length);
    const buf = this.#buffers;
    for (let i = 0; i < params.length; i++) {
      const p = params[i]!;
      let g = p.grad;
      if (weightDecay !== 0) g = g + weightDecay * p.data;
      if (buf !== null) {
        // The first step copies the gradient: no dampening on it, as in PyTorch.
        buf[i] = first ? g : momentum * buf[i]! + (1 - dampening) * g;
        g = nesterov ? g + momentum * buf[i]! : buf[i]!;
      }
      p.data = p.data + -lr * g;
    }
    this.stepCount++;
  }

  /** The step count, hyper-parameters and momentum buffers, as plain JSON. */
  stateDict(): SGDState {
    return {
      type: 'SGD',
      stepCount: this.stepCount,
      lr: this.lr,
      momentum: this.momentum,
      dampening: this.dampening,
      nesterov: this.nesterov,
      weightDecay: this.weightDecay,
      momentumBuffers: this.#buffers === null ? null : Array.from(this.#buffers),
    };
  }

  /**
   * Restores a state saved by `stateDict()`, hyper-parameters included (as
   * PyTorch does). Everything is checked first; a bad state changes nothing.
   */
  loadStateDict(state: SGDState): void {
    const where = 'SGD.loadStateDict';
    const s = checkState(state, 'SGD', where);
    const stepCount = checkStepCount(s.stepCount, where);
    const lr = checkNumber(s.lr, where, 'lr', 0, Infinity);
    const h = checkSGD(s.momentum, s.dampening, s.nesterov, s.weightDecay, where);
    const buffers = s.momentumBuffers === null ? null : checkArray(s.momentumBuffers, this.params.length, where, 'momentumBuffers');
    if (buffers !== null && h.momentum === 0) throw new RangeError(`${where}: momentumBuffers given but momentum is 0`);
    Object.assign(this, h);
    this.lr = lr;
    this.stepCount = stepCount;
    this.#buffers = buffers;
  }
}

/** Options of {@link Adam} and {@link AdamW}; the defaults are PyTorch's. */
export interface AdamOptions {
  /** Learning rate; default 1e-3. */
  lr?: number;
  /** Decay rates of the moment averages, each in [0, 1); default [0.9, 0.999]. */
  betas?: readonly [number, number];
  /** Added to the denominator for stability; default 1e-8. */
  eps?: number;
  /** Adam: L2 penalty added to the gradient; AdamW: decoupled decay. Default 0 (Adam), 1e-2 (AdamW). */
  weightDecay?: number;
  /** Use the running maximum of the second moment (AMSGrad); default false. */
  amsgrad?: boolean;
}

/** Everything an {@link Adam} or {@link AdamW} needs to resume exactly: plain JSON. */
export interface AdamState {
  type: 'Adam' | 'AdamW';
  stepCount: number;
  lr: number;
  betas: [number, number];
  eps: number;
  weightDecay: number;
  amsgrad: boolean;
  /** First moment per parameter (PyTorch's `exp_avg`). */
  expAvg: number[];
  /** Second moment per parameter (`exp_avg_sq`). */
  expAvgSq: number[];
  /** Running maximum of `expAvgSq` with `amsgrad`, else null. */
  maxExpAvgSq: number[] | null;
}

/**
 * Adam with PyTorch's update, operation for operation (t counts from 1):
 * ```
 * g = grad + weightDecay·p                      (Adam; AdamW instead does p = p·(1 − lr·weightDecay))
 * m = m + (1 − β1)·(g − m)                      (lerp)
 * v = β2·v + (1 − β2)·g·g
 * denom = √v / √(1 − β2ᵗ) + eps                 (√max(v) with amsgrad)
 * p = p − (lr / (1 − β1ᵗ))·m / denom
 * ```
 * @example
 * const opt = new Adam(model.parameters(), { lr: 0.01 });
 */
export class Adam extends Optimizer {
  /** Decay rates of the first and second moment averages. */
  readonly betas: readonly [number, number];
  /** Added to the denominator for stability. */
  readonly eps: number;
  /** Adam: L2 penalty added to the gradient; AdamW: decoupled decay. */
  readonly weightDecay: number;
  /** Whether the running maximum of the second moment is used (AMSGrad). */
  readonly amsgrad: boolean;
  #m: Float64Array;
  #v: Float64Array;
  #vmax: Float64Array | null;
  readonly #decoupled: boolean;

  constructor(params: readonly Value[], options: AdamOptions = {}) {
    const decoupled = new.target === AdamW || new.target.prototype instanceof AdamW;
    const where = decoupled ? 'AdamW' : 'Adam';
    checkOptions(options, ['lr', 'betas', 'eps', 'weightDecay', 'amsgrad'], where);
    super(params, checkNumber(options.lr ?? 1e-3, where, 'options.lr', 0, Infinity));
    const h = checkAdam(options.betas ?? [0.9, 0.999], options.eps ?? 1e-8, options.weightDecay ?? (decoupled ? 1e-2 : 0), options.amsgrad ?? false, where, 'options.');
    this.betas = h.betas;
    this.eps = h.eps;
    this.weightDecay = h.weightDecay;
    this.amsgrad = h.amsgrad;
    this.#decoupled = decoupled;
    this.#m = new Float64Array(this.params.length);
    this.#v = new Float64Array(this.params.length);
    this.#vmax = h.amsgrad ? new Float64Array(this.params.length) : null;
  }

  step(): void {
    const { params, eps, weightDecay } = this;
    const [beta1, beta2] = this.betas;
    const lr = this.lr;
    const m = this.#m, v = this.#v, vmax = this.#vmax;
    const t = ++this.stepCount;
    const stepSize = lr / (1 - beta1 ** t);
    const bc2Sqrt = Math.sqrt(1 - beta2 ** t);
    const w = 1 - beta1;
    for (let i = 0; i < params.length; i++) {
      const p = params[i]!;
      let g = p.grad;
      if (weightDecay !== 0) {
        if (this.#decoupled) p.data = p.data * (1 - lr * weightDecay);
        else g = g + weightDecay * p.data;
      }
      // m.lerp_(g, w), whose formula depends on which end w is nearer.
      m[i] = w < 0.5 ? m[i]! + w * (g - m[i]!) : g - (g - m[i]!) * (1 - w);
      v[i] = v[i]! * beta2 + (1 - beta2) * g * g;
      let vi = v[i]!;
      if (vmax !== null) vi = vmax[i] = Math.max(vmax[i]!, vi);
      const denom = Math.sqrt(vi) / bc2Sqrt + eps;
      p.data = p.data + (-stepSize * m[i]!) / denom; // addcdiv_: p + value·m / denom
    }
  }

  /** The step count, hyper-parameters and moments, as plain JSON. */
  stateDict(): AdamState {
    return {
      type: this.#decoupled ? 'AdamW' : 'Adam',
      stepCount: this.stepCount,
      lr: this.lr,
      betas: [this.betas[0], this.betas[1]],
      eps: this.eps,
      weightDecay: this.weightDecay,
      amsgrad: this.amsgrad,
      expAvg: Array.from(this.#m),
      expAvgSq: Array.from(this.#v),
      maxExpAvgSq: this.#vmax === null ? null : Array.from(this.#vmax),
    };
  }

  /**
   * Restores a state saved by `stateDict()`, hyper-parameters included (as
   * PyTorch does). Everything is checked first; a bad state changes nothing.
   */
  loadStateDict(state: AdamState): void {
    const type = this.#decoupled ? 'AdamW' : 'Adam';
    const where = `${type}.loadStateDict`;
    const s = checkState(state, type, where);
    const stepCount = checkStepCount(s.stepCount, where);
    const lr = checkNumber(s.lr, where, 'lr', 0, Infinity);
    const h = checkAdam(s.betas, s.eps, s.weightDecay, s.amsgrad, where, '');
    const n = this.params.length;
    const m = checkArray(s.expAvg, n, where, 'expAvg');
    const v = checkArray(s.expAvgSq, n, where, 'expAvgSq');
    if (h.amsgrad !== (s.maxExpAvgSq !== null)) {
      throw new RangeError(`${where}: expected maxExpAvgSq to be ${h.amsgrad ? 'an array (amsgrad is on)' : 'null (amsgrad is off)'}, got ${describe(s.maxExpAvgSq)}`);
    }
    const vmax = s.maxExpAvgSq === null ? null : checkArray(s.maxExpAvgSq, n, where, 'maxExpAvgSq');
    Object.assign(this, h);
    this.lr = lr;
    this.stepCount = stepCount;
    this.#m = m;
    this.#v = v;
    this.#vmax = vmax;
  }
}

/**
 * Adam with decoupled weight decay (Loshchilov & Hutter; PyTorch's `AdamW`):
 * each step first shrinks every parameter, `p = p·(1 − lr·weightDecay)`, then
 * takes Adam's step without decay in the gradient. Default weightDecay 1e-2.
 */
export class AdamW extends Adam {}

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
 * Returns the norm before clipping.
 * @example
 * loss.backward();
 * clipGradNorm(model.parameters(), 1.0);
 * opt.step();
 */
export function clipGradNorm(params: readonly Value[], maxNorm: number, options: ClipGradNormOptions = {}): number {
  const where = 'clipGradNorm';
  if (!Array.isArray(params)) throw new TypeError(`${where}: expected params to be an array of Values, got ${describe(params)}`);
  params.forEach((p: unknown, i) => {
    if (!(p instanceof Value)) throw new TypeError(`${where}: expected params[${i}] to be a Value, got ${describe(p)}`);
  });
  checkNumber(maxNorm, where, 'maxNorm', 0, Infinity);
  checkOptions(options, ['normType', 'errorIfNonfinite'], where);
  const normType = options.normType ?? 2;
  if (typeof normType !== 'number') throw new TypeError(`${where}: expected options.normType to be a number, got ${describe(normType)}`);
  if (!(normType > 0)) throw new RangeError(`${where}: expected options.normType to be > 0, got ${normType}`);
  if (params.length === 0) return 0;
  let norm: number;
  if (normType === Infinity) {
    norm = 0;
    // NaN must win, as in PyTorch; Math.max propagates it.
    for (const p of params) norm = Math.max(norm, Math.abs(p.grad));
  } else if (normType === 2) {
    let s = 0;
    for (const p of params) s += p.grad * p.grad;
    norm = Math.sqrt(s);
  } else {
    let s = 0;
    for (const p of params) s += Math.abs(p.grad) ** normType;
    norm = s ** (1 / normType);
  }
  if (options.errorIfNonfinite === true && !Number.isFinite(norm)) {
    throw new RangeError(`${where}: the total norm of the gradients is ${norm}, so they cannot be clipped`);
  }
  const coef = Math.min(maxNorm / (norm + 1e-6), 1);
  for (const p of params) p.grad *= coef;
  return norm;
}

// ---- validation ----

// A finite number in [lo, hi], or [lo, hi) with `hiOpen`; an infinite bound means none.
function checkNumber(x: unknown, where: string, what: string, lo: number, hi: number, hiOpen = false): number {
  if (typeof x !== 'number') throw new TypeError(`${where}: expected ${what} to be a number, got ${describe(x)}`);
  const range = hi === Infinity ? (lo === -Infinity ? 'finite' : `finite and ≥ ${lo}`) : `in [${lo}, ${hi}${hiOpen ? ')' : ']'}`;
  if (!Number.isFinite(x) || x < lo || x > hi || (hiOpen && x === hi)) throw new RangeError(`${where}: expected ${what} to be ${range}, got ${x}`);
  return x;
}

function checkSGD(momentum: unknown, dampening: unknown, nesterov: unknown, weightDecay: unknown, where: string) {
  const h = {
    momentum: checkNumber(momentum, where, 'momentum', 0, Infinity),
    dampening: checkNumber(dampening, where, 'dampening', -Infinity, Infinity),
    nesterov: checkBoolean(nesterov, where, 'nesterov'),
    weightDecay: checkNumber(weightDecay, where, 'weightDecay', 0, Infinity),
  };
  if (h.nesterov && (h.momentum <= 0 || h.dampening !== 0)) {
    throw new RangeError(`${where}: Nesterov momentum needs momentum > 0 and dampening 0, got momentum ${h.momentum} and dampening ${h.dampening}`);
  }
  return h;
}

function checkAdam(betas: unknown, eps: unknown, weightDecay: unknown, amsgrad: unknown, where: string, prefix: string) {
  if (!Array.isArray(betas) || betas.length !== 2) {
    throw new TypeError(`${where}: expected ${prefix}betas to be an array of two numbers, got ${describe(betas)}`);
  }
  return {
    betas: [
      checkNumber(betas[0], where, `${prefix}betas[0]`, 0, 1, true),
      checkNumber(betas[1], where, `${prefix}betas[1]`, 0, 1, true),
    ] as const,
    eps: checkNumber(eps, where, `${prefix}eps`, 0, Infinity),
    weightDecay: checkNumber(weightDecay, where, `${prefix}weightDecay`, 0, Infinity),
    amsgrad: checkBoolean(amsgrad, where, `${prefix}amsgrad`),
  };
}

function checkState<T extends string>(state: unknown, type: T, where: string): Record<string, unknown> {
  if (typeof state !== 'object' || state === null || Array.isArray(state)) {
    throw new TypeError(`${where}: expected a state object saved by ${type}.stateDict(), got ${describe(state)}`);
  }
  const s = state as Record<string, unknown>;
  if (s.type !== type) throw new RangeError(`${where}: expected a state of type "${type}", got ${describe(s.type)}`);
  return s;
}

function checkStepCount(x: unknown, where: string): number {
  if (typeof x !== 'number') throw new TypeError(`${where}: expected stepCount to be a number, got ${describe(x)}`);
  if (!Number.isSafeInteger(x) || x < 0) throw new RangeError(`${where}: expected stepCount to be a whole number ≥ 0, got ${x}`);
  return x;
}

function checkArray(x: unknown, n: number, where: string, what: string): Float64Array {
  if (!Array.isArray(x)) throw new TypeError(`${where}: expected ${what} to be an array of ${n} numbers, got ${describe(x)}`);
  if (x.length !== n) throw new RangeError(`${where}: expected ${what} to have one entry per parameter (${n}), got ${x.length}`);
  x.forEach((v: unknown, i) => {
    if (typeof v !== 'number') throw new TypeError(`${where}: expected ${what}[${i}] to be a number, got ${describe(v)}`);
    if (!Number.isFinite(v)) throw new RangeError(`${where}: expected ${what}[${i}] to be finite, got ${v}`);
  });
  return Float64Array.from(x as number[]);
}
