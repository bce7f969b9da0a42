import { MAX_LABELS, TraceError, Value, compileStep, noGrad, opText, sum, topo, type CompiledStep, type ValueLike } from '@ugrad/engine';
import { describe, nullable, oneOf, shape, str, typeError, whole } from '@ugrad/engine/internal';
import type { Dataset } from './datasets.js';
import { checkLabelsFor, l2, type AccuracyRule } from './losses.js';
import type { Module } from './module.js';
import type { ResolvedLoss, TrainingMode } from './options.js';

// How a Trainer turns a batch into a loss and gradients: one interface, an
// eager and a compiled implementation, chosen once and cross-checked.

/** A model a Trainer can train: rows of numbers in, a row of Values out. */
export type Model = Module<readonly ValueLike[], Value[]>;

/**
 * @internal A training set as a batch step reads it: rows, the loss's targets
 * (labels converted by the loss table), and each target as the row a compiled
 * step takes (crossEntropy: one-hot).
 */
export interface Prepared {
  X: number[][];
  y: number[];
  rows: number[][];
}

/** @internal What a batch step computes over some rows of a prepared set. */
export interface BatchResult {
  /** The loss with the penalty terms. */
  loss: number;
  /** The model's outputs, `width` numbers per row, one row after another (a reused buffer: read it before the next run). */
  outputs: Float64Array;
}

/**
 * @internal One batch → its loss and, with `grad`, each parameter's gradient
 * (set, not added: the step zeroes them first). Eager and compiled steps agree
 * on the loss bit for bit for the built-in losses, and on gradients to rounding.
 */
export interface BatchStep {
  readonly mode: TrainingMode;
  run(data: Prepared, rows: readonly number[] | null, grad: boolean): BatchResult;
  /** The model's outputs for each row, `width` numbers per row (a reused buffer), without a graph or a loss. */
  predict(X: readonly (readonly number[])[]): Float64Array;
}

/** @internal What both implementations need. */
export interface StepContext {
  model: Model;
  params: Value[];
  loss: ResolvedLoss;
  /** Weights of the penalties l2·Σp² and l1·Σ|p| over `params`. */
  l2: number;
  l1: number;
  width: number;
  inputs: number;
  /** Zeroes every gradient the step writes (the model's, and the optimizer's parameters). */
  zeroGrad: () => void;
  /** The step and epoch being computed, for errors. */
  position: () => { step: number; epoch: number };
}

/** @internal The eager graph: forward each row, the loss, backward. Names what went non-finite. */
export class EagerStep implements BatchStep {
  readonly mode = 'eager';
  readonly #c: StepContext;
  #out = new Float64Array(0);

  constructor(context: StepContext) {
    this.#c = context;
  }

  run(data: Prepared, rows: readonly number[] | null, grad: boolean): BatchResult {
    const c = this.#c;
    const pick = rows ?? data.X.map((_, i) => i);
    const forward = () => {
      const outputs = pick.map((i) => checkOutputs(c.model.forward(data.X[i]!), c));
      return { outputs, loss: objective(c, outputs, pick.map((i) => data.y[i]!)) };
    };
    const { outputs, loss } = grad ? forward() : noGrad(forward);
    if (grad) {
      if (!Number.isFinite(loss.data)) throw new NonFiniteError('loss', loss.data, c.position(), firstNonFinite(loss, c));
      c.zeroGrad();
      loss.backward();
      // A non-finite gradient would poison every weight it touches; stop before the update.
      const bad = c.params.findIndex((p) => !Number.isFinite(p.grad));
      if (bad >= 0) throw new NonFiniteError('gradient', c.params[bad]!.grad, c.position(), nameOf(c, c.params[bad]!));
    }
    return { loss: loss.data, outputs: this.#write(outputs) };
  }

  predict(X: readonly (readonly number[])[]): Float64Array {
    return this.#write(noGrad(() => X.map((x) => checkOutputs(this.#c.model.forward(x), this.#c))));
  }

  // Output rows of Values into the reused buffer, one row after another.
  #write(outputs: Value[][]): Float64Array {
    const w = this.#c.width;
    if (this.#out.length < outputs.length * w) this.#out = new Float64Array(outputs.length * w);
    const out = this.#out;
    outputs.forEach((row, s) => row.forEach((v, j) => { out[s * w + j] = v.data; }));
    return out;
  }
}

/** @internal A compiled step; a non-finite loss or gradient is redone eagerly, whose error names the op. */
export class CompiledBatchStep implements BatchStep {
  readonly mode = 'compiled';
  readonly #step: CompiledStep;
  readonly #c: StepContext;
  readonly #eager: EagerStep;
  #out = new Float64Array(0);

  constructor(step: CompiledStep, context: StepContext, eager: EagerStep) {
    this.#step = step;
    this.#c = context;
    this.#eager = eager;
  }

  run(data: Prepared, rows: readonly number[] | null, grad: boolean): BatchResult {
    const c = this.#c;
    // A custom loss is compiled per label (numbers); a built-in one takes target rows.
    const targets: (number | number[])[] = c.loss.spec === null ? data.y : data.rows;
    const X = rows === null ? data.X : rows.map((i) => data.X[i]!);
    const Y = rows === null ? targets : rows.map((i) => targets[i]!);
    if (this.#out.length < X.length * c.width) this.#out = new Float64Array(X.length * c.width);
    if (grad) c.zeroGrad();
    const loss = grad ? this.#step.step(X, Y, this.#out) : this.#step.evaluate(X, Y, this.#out);
    // The eager graph has the same forward values and can name the op that went non-finite.
    if (grad && !(Number.isFinite(loss) && finiteGrads(c.params))) return this.#eager.run(data, rows, grad);
    return { loss, outputs: this.#out };
  }

  predict(X: readonly (readonly number[])[]): Float64Array {
    const w = this.#c.width;
    if (this.#out.length < X.length * w) this.#out = new Float64Array(X.length * w);
    try {
      return this.#step.forward(X, this.#out);
    } catch (err) {
      // outputs the compiled step cannot compute alone: model.forward can
      if (err instanceof TraceError) return this.#eager.predict(X);
      throw err;
    }
  }

  /** Re-traces in the model's current mode; throws a TraceError if the graph differs from the one compiled. */
  check(): void {
    this.#step.check();
  }
}

/**
 * @internal How many rows the eager cross-check runs. The tracer already
 * stops a model that uses an input as a number (`x[0] * x[1]`, `x[0] > 0`);
 * what is left for this check is rarer, and each eager row costs as much as
 * ~50 compiled ones before the first step (digits: ~0.5 ms a row).
 */
export const CHECK_ROWS = 8;

/**
 * @internal The compiled step for a context, checked against the eager graph
 * on up to {@link CHECK_ROWS} rows spread over `data`: each output bit for bit
 * (a model that tells Values from numbers, e.g. by `instanceof`, traces
 * without an error but replays wrong), and the loss (bit for bit for the
 * built-in losses, to 1e-12 relative for a custom one, which must be a mean
 * of per-sample terms).
 * Throws a TraceError when it does not apply.
 */
export function compileBatchStep(c: StepContext, data: Prepared, eager: EagerStep): CompiledBatchStep {
  const { model, params, loss } = c;
  const extra = c.l2 === 0 && c.l1 === 0 ? {} : { extra: () => penalty(c) };
  let step: CompiledStep;
  if (loss.spec !== null) {
    const spec = loss.spec;
    // Targets as Values: one program serves every label.
    step = compileStep({ params, inputs: c.inputs, targets: data.rows[0]!.length, ...extra, sample: (x, t) => { const o = model.forward(x); return { loss: spec.sample(o, t), outputs: o }; } });
  } else {
    const labels = new Set(data.y).size;
    // found before tracing as many programs as it takes
    if (labels > MAX_LABELS) throw new TraceError(`the training set has ${labels} distinct targets; a compiled step takes at most ${MAX_LABELS} (one program each)`);
    step = compileStep({ params, inputs: c.inputs, labels: true, ...extra, sample: (x, [t]) => { const o = model.forward(x); return { loss: checkLoss(loss.fn([o], [t!])), outputs: o }; } });
  }
  const compiled = new CompiledBatchStep(step, c, eager);
  const n = data.X.length, k = Math.min(n, CHECK_ROWS);
  // Every row with a distinct label among them too, so a labels program exists for each before the first step.
  const rows = loss.spec === null ? [...new Map(data.y.map((v, i) => [v, i])).values()] : [];
  const sample = [...new Set([...Array.from({ length: k }, (_, j) => Math.floor((j * n) / k)), ...rows])];
  const got = compiled.run(data, sample, false);
  const gotOutputs = Float64Array.from(got.outputs.subarray(0, sample.length * c.width));
  const want = eager.run(data, sample, false);
  for (let s = 0; s < sample.length; s++) {
    for (let j = 0; j < c.width; j++) {
      const a = gotOutputs[s * c.width + j]!, b = want.outputs[s * c.width + j]!;
      // ±0 are the same output (issue: a custom graph may round a zero either way).
      if (!(a === b || Object.is(a, b))) {
        throw new TraceError(`the compiled model gave ${a} where model.forward gave ${b} (training sample ${sample[s]}, output ${j}); it may compute with its inputs as numbers (x[0] * x[1], x[0] > 0), which a trace cannot follow: use Value ops`);
      }
    }
  }
  const tolerance = loss.spec === null ? 1e-12 : 0;
  if (!(got.loss === want.loss || Object.is(got.loss, want.loss) || Math.abs(got.loss - want.loss) <= tolerance * Math.max(Math.abs(got.loss), Math.abs(want.loss)))) {
    throw new TraceError(`the compiled loss, ${got.loss}, differs from the loss function's, ${want.loss}, on the training set; a compiled loss must be the mean over samples of a per-sample term`);
  }
  return compiled;
}

/**
 * @internal The steps a Trainer uses, chosen once: the compiled step for
 * training unless `compile` rules it out (and why not), and for evaluation in
 * eval mode the training step itself when the model traces the same graph
 * there (an MLP does), else one compiled in eval mode, else eager — quietly,
 * even with `compile: true`, which is about training.
 */
export class StepChoice {
  readonly training: BatchStep;
  /** Why training is eager; null when compiled. */
  readonly eagerReason: string | null;
  readonly #context: StepContext;
  readonly #train: Prepared;
  readonly #eager: EagerStep;
  #eval: BatchStep | undefined;

  constructor(context: StepContext, train: Prepared, compile: 'auto' | boolean) {
    this.#context = context;
    this.#train = train;
    this.#eager = new EagerStep(context);
    [this.training, this.eagerReason] = this.#choose(compile);
  }

  #choose(compile: 'auto' | boolean): [BatchStep, string | null] {
    if (compile === false) return [this.#eager, 'options.compile is false'];
    if (this.#context.loss.spec === null && compile !== true) return [this.#eager, 'a custom loss function is compiled only with options.compile: true'];
    try {
      return [compileBatchStep(this.#context, this.#train, this.#eager), null];
    } catch (err) {
      if (compile !== true) return [this.#eager, err instanceof Error ? err.message : String(err)];
      if (!(err instanceof TraceError)) throw err;
      throw new TraceError(`fit: could not compile the training step (options.compile is true; 'auto' would train eagerly): ${err.message}`, { cause: err });
    }
  }

  /** The step for evaluation; call it with the model in eval mode the first time. */
  eval(): BatchStep {
    if (this.#eval !== undefined) return this.#eval;
    const training = this.training;
    if (!(training instanceof CompiledBatchStep)) return (this.#eval = this.#eager);
    try {
      training.check();
      return (this.#eval = training);
    } catch {
      try {
        return (this.#eval = compileBatchStep(this.#context, this.#train, this.#eager));
      } catch {
        return (this.#eval = this.#eager);
      }
    }
  }

  /** Whether evaluation is compiled (and so never calls the model). */
  get compiledEval(): boolean {
    return this.#eval instanceof CompiledBatchStep;
  }
}

/** @internal A dataset as a batch step reads it: labels converted by the loss table (checked, named `${what}.y`), and target rows for a compiled step. */
export function prepare(loss: ResolvedLoss, width: number, data: Dataset, where: string, what: string): Prepared {
  const spec = loss.spec;
  if (spec === null) return { X: data.X, y: data.y, rows: [] };
  const y = spec.targets(data.y, width, where, `${what}.y`);
  return { X: data.X, y, rows: y.map((t) => spec.targetRow(t, width)) };
}

/**
 * @internal How accuracy is counted for these targets: from the loss table,
 * or for a custom loss by sign (one output) or argmax; null when not tracked.
 * The labels are checked for the rule.
 */
export function accuracyRule(loss: ResolvedLoss, y: readonly number[], width: number, wanted: boolean | undefined, where: string): AccuracyRule | null {
  const spec = loss.spec;
  if (wanted === false || (wanted === undefined && (spec === null || !spec.accuracyByDefault))) return null;
  const rule: AccuracyRule | null = spec !== null ? spec.accuracy(y, width) : width === 1 ? { kind: 'threshold', at: 0 } : { kind: 'argmax' };
  checkLabelsFor(rule ?? { kind: 'threshold', at: 0 }, y, width, where, 'data.y', ' for accuracy');
  return rule;
}

// Whether every parameter's gradient is finite (a plain loop: it runs after every compiled step).
function finiteGrads(params: readonly Value[]): boolean {
  for (let i = 0; i < params.length; i++) if (!Number.isFinite(params[i]!.grad)) return false;
  return true;
}

// The loss as minimised: the data loss plus the penalty.
function objective(c: StepContext, outputs: Value[][], y: number[]): Value {
  const loss = checkLoss(c.loss.fn(outputs, y));
  return c.l2 === 0 && c.l1 === 0 ? loss : loss.add(penalty(c));
}

// micrograd's `alpha * sum(p*p for p in model.parameters())`, and its L1 sibling l1·Σ|p|.
function penalty(c: StepContext): Value {
  const terms: Value[] = [];
  if (c.l2 !== 0) terms.push(l2(c.params).mul(c.l2));
  if (c.l1 !== 0) terms.push(sum(c.params.map((p) => p.abs())).mul(c.l1));
  return terms.length === 1 ? terms[0]! : terms[0]!.add(terms[1]!);
}

/**
 * Thrown by a training step when the loss, a gradient or an updated weight is
 * not finite, before anything is lost: the weights are those of the last
 * finite step. Its fields say what went wrong, for pages and callers that
 * show it in their own words; the message says it in full.
 */
export class NonFiniteError extends Error {
  /** Always `'NonFiniteError'`. */
  override name = 'NonFiniteError';
  /** What became non-finite: the batch's loss, a parameter's gradient, or a weight after the update. */
  readonly quantity: 'loss' | 'gradient' | 'weight';
  /** The value it became: NaN, Infinity or -Infinity. */
  readonly value: number;
  /** The step (from 0) and epoch it happened in. */
  readonly step: number;
  /** The epoch it happened in, from 0. */
  readonly epoch: number;
  /** Where: the first op that gave a non-finite value (`'*' of 1e+200 and 1e+200 gave Infinity`) for the loss, the parameter's name otherwise; null if unknown. */
  readonly origin: string | null;

  constructor(quantity: 'loss' | 'gradient' | 'weight', value: number, at: { step: number; epoch: number }, origin: string | null) {
    const where = 'new NonFiniteError';
    oneOf(['loss', 'gradient', 'weight'] as const)(quantity, where, 'quantity');
    if (typeof value !== 'number') throw typeError(where, 'value', 'a number', value);
    const pos = shape({ step: whole, epoch: whole })(at, where, 'at');
    nullable(str)(origin, where, 'origin');
    const when = `at step ${pos.step} (epoch ${pos.epoch})`;
    super(quantity === 'loss' ? `fit: loss became ${value} ${when}${origin === null ? '' : `; first non-finite value: ${origin}`}`
      : quantity === 'gradient' ? `fit: the gradient of parameter "${origin}" became ${value} ${when}`
      : `fit: the update ${when} made ${origin === null ? 'a parameter' : `parameter "${origin}"`} ${value}; the weights are left at their last finite values (try a lower learning rate)`);
    this.quantity = quantity;
    this.value = value;
    this.step = pos.step;
    this.epoch = pos.epoch;
    this.origin = origin;
  }
}

// One row's outputs as the Trainer found them on data.X[0]: `width` Values (a model may change its mind mid-training).
function checkOutputs(o: unknown, c: StepContext): Value[] {
  const wanted = `an array of ${c.width} Values, as it returned for data.X[0]`;
  const at = () => `step ${c.position().step} (epoch ${c.position().epoch})`;
  if (!Array.isArray(o)) throw new TypeError(`fit: expected model.forward to return ${wanted}, got ${describe(o)} at ${at()}`);
  if (o.length !== c.width) throw new RangeError(`fit: expected model.forward to return ${wanted}, got ${o.length} at ${at()}`);
  for (let j = 0; j < o.length; j++) if (!(o[j] instanceof Value)) throw new TypeError(`fit: expected model.forward to return ${wanted}, got ${describe(o[j])} at output ${j} at ${at()}`);
  return o;
}

function checkLoss(loss: unknown): Value {
  if (!(loss instanceof Value)) throw new TypeError(`fit: expected the loss function to return a Value, got ${describe(loss)}`);
  return loss;
}

function nameOf(c: StepContext, p: Value): string {
  return c.model.namedParameters().find(([, q]) => q === p)?.[0] ?? 'a parameter';
}

/**
 * Where a non-finite value first appeared in the graph of `root`: the first
 * node in forward order that is non-finite while its inputs are finite,
 * e.g. `'log' of -0.5 gave NaN`, or a non-finite leaf (a parameter, named).
 */
function firstNonFinite(root: Value, c: StepContext): string | null {
  const leaf = (v: Value): string => {
    const name = c.params.includes(v) ? nameOf(c, v) : null;
    return name !== null ? `parameter "${name}" = ${v.data}` : `a constant ${v.data}`;
  };
  // topo lists users before their inputs; reversed, every input comes before the ops that use it.
  for (const v of topo(root).reverse()) {
    for (const ch of v.children) if (ch.op === '' && !Number.isFinite(ch.data)) return leaf(ch);
    if (!Number.isFinite(v.data)) return `'${opText(v)}' of ${v.children.map((ch) => ch.data).join(' and ')} gave ${v.data}`;
  }
  return root.op === '' ? leaf(root) : null;
}
