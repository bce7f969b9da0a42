import { arrayOf, bool, fn, instance, integer, oneOf, optional, parseOptions, typeError, withDefault } from './check.js';
import { Value } from './value.js';
import { TraceError, outputsOnly, retrace, sameGraph, traceTwice, type Flat, type TraceSpec, type Traced } from './trace.js';
import { generate, type Generated } from './codegen.js';

/** What a sample function returns: its loss, or its loss and values to report per sample (e.g. the model's outputs). */
export type SampleResult = Traced;

interface CommonSpec {
  /** The trainable leaves. Each call reads their `data` and adds to their `grad`, as `backward()` would. */
  params: readonly Value[];
  /** Numbers per input row. */
  inputs: number;
  /** Numbers per target row (default 1). */
  targets?: number;
  /** How the per-sample losses combine: `'mean'` (default; `sum(losses) · (1/n)`, as `mean()`) or `'sum'`. */
  reduce?: 'mean' | 'sum';
  /** A term added once per batch, e.g. an L2 penalty over `params`. */
  extra?: () => Value;
}

/** Targets as Values: one compiled program serves every target (regression). */
export interface ValueTargetsSpec extends CommonSpec {
  /** Absent or false: targets reach the sample function as Values. */
  labels?: false;
  /**
   * One sample's loss from its inputs and targets, written with ordinary Value
   * code, e.g. `(x, y) => model(x)[0].sub(y[0]).pow(2)`. It is traced, not
   * re-run: it must not read `.data` (a TraceError says so) and must build the
   * same graph on every call.
   */
  sample: (x: Value[], y: Value[]) => SampleResult;
}

/**
 * Targets as plain numbers, e.g. class labels: the graph may depend on them
 * (`logits[label]`, `mul(-y)`), so a program is compiled for each distinct
 * target row the first time it is met (at most {@link MAX_LABELS}).
 */
export interface LabelsSpec extends CommonSpec {
  /** True: targets reach the sample function as numbers, one program per distinct target row. */
  labels: true;
  /** One sample's loss from its inputs (Values) and its targets (numbers); traced once per target row. */
  sample: (x: Value[], y: number[]) => SampleResult;
}

/** What {@link compileStep} compiles: one sample's loss. */
export type StepSpec = ValueTargetsSpec | LabelsSpec;

/** A batch of rows: arrays (or typed arrays) of numbers. */
export type Rows = ArrayLike<ArrayLike<number>>;
/** Targets: one number per sample, or one row of numbers per sample. */
export type Targets = ArrayLike<number | ArrayLike<number>>;

/** The most distinct target rows a `labels: true` step compiles programs for. */
export const MAX_LABELS = 64;

/**
 * Traces a per-sample loss once and compiles it to JavaScript that runs the
 * forward and backward passes over flat Float64Arrays, sample after sample,
 * without building a graph. `step(X, Y)` equals the eager graph
 * `reduce(samples' losses) + extra()` followed by `backward()`: it returns the
 * loss (bit for bit the eager one) and adds each gradient to its parameter's
 * `grad` (to rounding); `data` is read afresh on every call, so optimizers,
 * checkpoints and user code keep working on the `Value`s.
 *
 * Throws a {@link TraceError} when the code cannot be compiled — it reads
 * `.data`, or builds a graph that changes from call to call: train eagerly then.
 *
 * @example
 * const step = compileStep({
 *   params, inputs: 2,
 *   sample: (x, [y]) => mlp(x).mul(y.neg()).add(1).relu(), // hinge
 *   extra: () => sum(params.map((p) => p.mul(p))).mul(1e-4),
 * });
 * for (const p of params) p.grad = 0;
 * const loss = step.step(X, Y); // then p.data -= lr * p.grad
 */
export function compileStep(spec: StepSpec): CompiledStep {
  return new CompiledStep(spec);
}

// One compiled graph with its scratch space.
interface Program { spec: TraceSpec; flat: Flat; code: Generated; T: Float64Array; D: Float64Array }
// The forward pass of the outputs alone, made from the first sample program when first needed.
interface Forward { width: number; code: Generated; T: Float64Array }

// Numbers per row: each becomes a Value in the trace, so the bound keeps a
// mistake from exhausting memory.
const MAX_WIDTH = 1e6;
const width = integer(0, MAX_WIDTH);
const SPEC = {
  params: arrayOf(instance(Value, 'a Value')),
  inputs: width,
  targets: withDefault(width, 1),
  sample: fn,
  reduce: withDefault(oneOf(['mean', 'sum']), 'mean'),
  extra: optional(fn),
  labels: withDefault(bool, false),
};

/** A compiled training step; see {@link compileStep}. */
export class CompiledStep {
  readonly #where = 'compileStep';
  readonly #labels: boolean;
  readonly #mean: boolean;
  readonly #sample: (x: Value[], y: never) => SampleResult;
  readonly #params: Value[];
  readonly #index: Map<Value, number>;
  readonly #inputs: number;
  readonly #targets: number;
  // Leaves from outside the traced code, read and updated like parameters.
  readonly #outside = new Map<Value, number>();
  // The sample programs: one, keyed '', or one per target row with `labels`.
  readonly #programs = new Map<string, Program>();
  readonly #extra: Program | null;
  // Label programs by their one target (when `targets` is 1), and each sample's program in the current batch.
  readonly #byNumber = new Map<number, Program>();
  readonly #perSample: Program[] = [];
  #forward: Forward | null = null;
  #P = new Float64Array(0);
  #G = new Float64Array(0);
  // Which leaves (by P index) were frozen when the programs' code was generated.
  #frozen = new Uint8Array(0);
  #X = new Float64Array(0);
  #Y = new Float64Array(0);
  #rows: unknown[] = [];

  /** Use {@link compileStep}. */
  constructor(spec: StepSpec) {
    const where = this.#where;
    const o = parseOptions(where, spec, SPEC, 'spec');
    this.#index = new Map();
    o.params.forEach((p, i) => {
      if (p._a !== null) throw new TypeError(`${where}: expected spec.params[${i}] to be a leaf, got a Value made by '${p._op}'`);
      if (this.#index.has(p)) throw new RangeError(`${where}: expected spec.params to hold each Value once, got params[${i}] the same as params[${this.#index.get(p)}]`);
      this.#index.set(p, i);
    });
    this.#labels = o.labels;
    this.#mean = o.reduce === 'mean';
    this.#sample = o.sample as (x: Value[], y: never) => SampleResult;
    this.#params = o.params;
    this.#inputs = o.inputs;
    this.#targets = o.targets;
    const extra = o.extra;
    if (!o.labels) this.#programs.set('', this.#program({ where, what: 'the sample function', fn: this.#sample as ValueTargetsSpec['sample'], params: this.#index, inputs: o.inputs, targets: o.targets }));
    this.#extra = extra ? this.#program({ where, what: 'the extra function', fn: () => extra() as Value, params: this.#index, inputs: 0, targets: 0 }) : null;
  }

  /**
   * Forward and backward over a batch: returns the loss and adds each
   * parameter's gradient to its `grad` (zero them first, as with `backward()`).
   * Any batch size works; rows must have `inputs` numbers and targets `targets`.
   * With `outputs`, each sample's reported values are written to it, row after row.
   */
  step(X: Rows, Y: Targets, outputs?: Float64Array): number {
    return this.#run(X, Y, outputs, true, 'CompiledStep.step');
  }

  /** The loss over a batch, without gradients (e.g. on a validation set); `outputs` as in `step`. */
  evaluate(X: Rows, Y: Targets, outputs?: Float64Array): number {
    return this.#run(X, Y, outputs, false, 'CompiledStep.evaluate');
  }

  /**
   * What the sample function reports (`outputs`) for each row of X — e.g. a
   * model's predictions — row after row in `outputs` (or a new array): the
   * same numbers as `step` and `evaluate` write there, bit for bit, without
   * the loss or gradients. Only what the outputs depend on is computed, so no
   * targets are needed (a TraceError says so if the outputs depend on them).
   * With `labels: true` the outputs must not depend on the target either, and
   * a program must have been compiled (by a first `step` or `evaluate`).
   *
   * @example
   * const step = compileStep({ params, inputs: 2, sample: (x, [y]) => { const o = model.forward(x); return { loss: o[0].sub(y).pow(2), outputs: o }; } });
   * const predictions = step.forward([[0.5, -1], [1, 2]]); // Float64Array of 2 numbers
   */
  forward(X: Rows, outputs?: Float64Array): Float64Array {
    const where = 'CompiledStep.forward';
    if (outputs !== undefined && !(outputs instanceof Float64Array)) throw typeError(where, 'outputs', 'a Float64Array', outputs);
    const f = this.#forwardProgram(where);
    const n = this.#copyBatch(X, null, where);
    const O = outputs ?? new Float64Array(n * f.width);
    if (O.length < n * f.width) throw new RangeError(`${where}: expected outputs to have room for ${n * f.width} numbers (${f.width} per row), got ${O.length}`);
    this.#load();
    f.code.run(this.#P, this.#G, f.T, f.T, this.#X, this.#Y, O, 0, n, this.#inputs, 0, f.width, 0, false, 0);
    return O;
  }

  // The forward pass of the outputs, generated the first time it is needed.
  #forwardProgram(where: string): Forward {
    if (this.#forward !== null) return this.#forward;
    const programs = [...this.#programs.values()];
    const first = programs[0];
    if (first === undefined) throw new TraceError(`${where}: with labels: true a program is compiled for each target the first time it is met; call step or evaluate once first`);
    if (first.flat.outputs.length === 0) throw new TypeError(`${where}: expected the sample function to report outputs ({ loss, outputs }), got a bare loss`);
    const flat = outputsOnly(first.flat, where, first.spec.what);
    for (const p of programs.slice(1)) {
      if (!sameGraph(flat, outputsOnly(p.flat, where, p.spec.what))) throw new TraceError(`${where}: the outputs of ${p.spec.what} differ from those of ${first.spec.what}; with labels: true they must not depend on the target`);
    }
    const code = this.#generate(flat, where, true);
    return (this.#forward = { width: flat.outputs.length, code, T: new Float64Array(code.slots) });
  }

  /**
   * Traces the functions again and throws a {@link TraceError} if they no
   * longer build the graphs that were compiled — e.g. after a model switched
   * between training and evaluation behaviour, or was changed.
   */
  check(): void {
    for (const p of [...this.#programs.values(), ...(this.#extra ? [this.#extra] : [])]) retrace(p.spec, p.flat, this.#outside);
  }

  #run(X: unknown, Y: unknown, outputs: unknown, grad: boolean, where: string): number {
    if (outputs !== undefined && !(outputs instanceof Float64Array)) throw typeError(where, 'outputs', 'a Float64Array', outputs);
    const O = outputs ?? null;
    const n = this.#copyBatch(X, Y, where);
    // Programs for new labels first: tracing may find new outside leaves.
    const programs = this.#labels ? this.#labelPrograms(n) : [this.#programs.get('')!];
    if (O !== null && O.length < n * programs[0]!.flat.outputs.length) {
      throw new RangeError(`${where}: expected outputs to have room for ${n * programs[0]!.flat.outputs.length} numbers (${programs[0]!.flat.outputs.length} per row), got ${O.length}`);
    }
    this.#load();
    const P = this.#P, G = this.#G, nx = this.#inputs, ny = this.#targets;
    G.fill(0);
    const mean = this.#mean;
    const seed = mean ? 1 / n : 1; // as eager `mean`: the sum times 1/n
    // Each stretch of samples with the same program in one call, the running
    // loss passed along, so the losses add up left to right as eager's do.
    // −0 is the additive identity (−0 + x is x, even for x = −0), so a −0 loss stays −0 as in eager.
    let loss = -0;
    for (let s = 0, e = 1; s < n; s = e++) {
      const p = programs[programs.length === 1 ? 0 : s]!;
      if (programs.length === 1) e = n;
      else while (e < n && programs[e] === p) e++;
      loss = p.code.run(P, G, p.T, p.D, this.#X, this.#Y, O, s, e - s, nx, ny, p.flat.outputs.length, seed, grad, loss);
    }
    if (mean) loss *= seed;
    const e = this.#extra;
    if (e) loss = e.code.run(P, G, e.T, e.D, this.#X, this.#Y, null, 0, 1, 0, 0, 0, 1, grad, loss);
    if (grad) {
      const params = this.#params;
      for (let i = 0; i < params.length; i++) params[i]!._grad += G[i]!;
      this.#outside.forEach((i, v) => { v._grad += G[i]!; });
    }
    return loss;
  }

  // With `labels`, each sample's program, compiled the first time its target row is seen.
  #labelPrograms(n: number): Program[] {
    const ny = this.#targets, Y = this.#Y, out = this.#perSample;
    const sample = this.#sample as LabelsSpec['sample'];
    out.length = 0;
    let outputs = -1;
    for (let s = 0; s < n; s++) {
      // A single number is its own key (fast); rows become strings. Either way
      // -0 is told from 0, which a graph built from the number could do too.
      const single = ny === 1 && !Object.is(Y[s], -0);
      let p = single ? this.#byNumber.get(Y[s]!) : undefined;
      if (!p) {
        const row = Array.from(Y.subarray(s * ny, (s + 1) * ny));
        const key = row.map((v) => (Object.is(v, -0) ? '-0' : String(v))).join(',');
        p = this.#programs.get(key);
        if (!p) {
          if (this.#programs.size >= MAX_LABELS) {
            throw new TraceError(`${this.#where}: more than ${MAX_LABELS} distinct targets; with labels: true a program is compiled per target, so pass continuous targets as Values (labels: false)`);
          }
          p = this.#program({ where: this.#where, what: `the sample function (targets ${key})`, fn: (x) => sample(x, [...row]), params: this.#index, inputs: this.#inputs, targets: 0 });
          this.#programs.set(key, p);
        }
        if (single) this.#byNumber.set(Y[s]!, p);
      }
      if (outputs >= 0 && p.flat.outputs.length !== outputs) {
        throw new TraceError(`${this.#where}: ${p.spec.what} reports ${p.flat.outputs.length} outputs, other targets ${outputs}`);
      }
      outputs = p.flat.outputs.length;
      out.push(p);
    }
    return out;
  }

  // Traces, generates and checks one program, and makes room for any new outside leaves.
  #program(spec: TraceSpec): Program {
    const trace = traceTwice(spec, this.#outside);
    const size = this.#params.length + this.#outside.size;
    if (this.#P.length < size) {
      this.#P = new Float64Array(size);
      const G = new Float64Array(size);
      G.set(this.#G);
      this.#G = G;
      const frozen = new Uint8Array(size);
      frozen.set(this.#frozen);
      this.#outside.forEach((i, v) => { if (i >= this.#frozen.length) frozen[i] = v.requiresGrad ? 0 : 1; });
      this.#params.forEach((v, i) => { if (i >= this.#frozen.length) frozen[i] = v.requiresGrad ? 0 : 1; });
      this.#frozen = frozen;
    }
    const p: Program = { spec, flat: trace, code: this.#generate(trace, spec.where), T: new Float64Array(0), D: new Float64Array(0) };
    p.T = new Float64Array(p.code.slots);
    p.D = new Float64Array(p.code.slots);
    // A replay of the first trace must give the loss the engine computed.
    this.#load();
    const x = Float64Array.from(trace.inputs);
    const got = p.code.run(this.#P, this.#G, p.T, p.D, x, x.subarray(spec.inputs), null, 0, 1, 0, 0, 0, 1, false, -0);
    // −0 and +0 are the same loss (and NaN is NaN): anything else is a bug in the compiler, so train eagerly.
    if (got !== trace.value && (got === got || trace.value === trace.value)) {
      throw new TraceError(`${spec.where}: internal error: the compiled replay of ${spec.what} gave ${got} where the engine gave ${trace.value}; train eagerly, and please report this`);
    }
    return p;
  }

  // The code for a flat graph; frozen leaves get no gradient code.
  #generate(flat: Flat, where: string, noGrad = false): Generated {
    try {
      return generate(flat, noGrad ? () => true : (i) => this.#frozen[i] === 1);
    } catch (e) {
      // e.g. a browser page whose Content-Security-Policy forbids eval
      throw new TraceError(`${where}: could not generate code (${(e as Error).message})`);
    }
  }

  // Parameters (and leaves from outside the traced code) are read on every
  // call, so updates made to the Values between steps are seen; so is a leaf
  // frozen or unfrozen since the code was generated, which regenerates it.
  #load(): void {
    const P = this.#P, frozen = this.#frozen, params = this.#params;
    let changed = false;
    const read = (v: Value, i: number) => {
      P[i] = v._data;
      const f = v.requiresGrad ? 0 : 1;
      if (f !== frozen[i]) { frozen[i] = f; changed = true; }
    };
    for (let i = 0; i < params.length; i++) read(params[i]!, i);
    this.#outside.forEach((i, v) => read(v, i));
    if (!changed) return;
    for (const p of [...this.#programs.values(), ...(this.#extra ? [this.#extra] : [])]) {
      p.code = this.#generate(p.flat, this.#where);
      if (p.T.length < p.code.slots) [p.T, p.D] = [new Float64Array(p.code.slots), new Float64Array(p.code.slots)];
    }
  }

  // Validates a batch (Y null: inputs only) and copies it into flat arrays;
  // returns its size. Rows are checked before anything is allocated (a sparse
  // array may claim any length), and each number as it is copied; messages
  // are only built for what fails.
  #copyBatch(X: unknown, Y: unknown, where: string): number {
    const nx = this.#inputs, ny = this.#targets;
    if (!isList(X)) throw typeError(where, 'X', 'an array of rows', X);
    if (Y !== null && !isList(Y)) throw typeError(where, 'Y', 'an array of targets', Y);
    const n = X.length;
    if (Y !== null && Y.length !== n) throw new RangeError(`${where}: expected one target per row, got ${n} rows and ${Y.length} targets`);
    if (n === 0) throw new RangeError(`${where}: expected at least one row, got an empty batch`);
    // Each row read once (a getter could answer differently twice), into a reused list.
    const rows = this.#rows;
    rows.length = 0;
    for (let s = 0; s < n; s++) {
      const x = X[s];
      if (!isRow(x, nx)) throw badRow(x, nx, where, 'X', s, 'inputs');
      rows.push(x);
      if (Y !== null) {
        const y = (Y as ArrayLike<unknown>)[s];
        if (!isRow(y, ny)) throw badRow(y, ny, where, 'Y', s, 'targets');
        rows.push(y);
      }
    }
    if (this.#X.length < n * nx) this.#X = new Float64Array(n * nx);
    if (Y !== null && this.#Y.length < n * ny) this.#Y = new Float64Array(n * ny);
    const stride = Y === null ? 1 : 2;
    for (let s = 0; s < n; s++) {
      copyRow(this.#X, s * nx, rows[stride * s], nx, where, 'X', s);
      if (Y !== null) copyRow(this.#Y, s * ny, rows[2 * s + 1], ny, where, 'Y', s);
    }
    rows.length = 0;
    return n;
  }
}

// A row of `width` numbers' shape (its numbers are checked as they are copied); a number is a row of 1.
function isRow(r: unknown, width: number): boolean {
  return (typeof r === 'number' && width === 1) || (isList(r) && r.length === width);
}

// The error for a row isRow refused.
function badRow(r: unknown, width: number, where: string, name: string, s: number, what: string): Error {
  const numbers = width === 1 ? 'a number or an array of 1 number' : `an array of ${width} numbers`;
  if (!isList(r)) return typeError(where, `${name}[${s}]`, numbers, r);
  return new RangeError(`${where}: expected ${name}[${s}] to have ${width} entr${width === 1 ? 'y' : 'ies'} (the ${what} per sample it was compiled for), got ${r.length}`);
}

// Copies a checked row (or a single number) into out from off, number by
// number; one loop per kind of row keeps each fast.
function copyRow(out: Float64Array, off: number, r: unknown, width: number, where: string, name: string, s: number): void {
  if (typeof r === 'number') { out[off] = r; return; }
  if (r instanceof Float64Array) { out.set(r, off); return; }
  const row = r as ArrayLike<unknown>;
  for (let j = 0; j < width; j++) {
    const v = row[j];
    if (typeof v !== 'number') throw typeError(where, `${name}[${s}][${j}]`, 'a number', v);
    out[off + j] = v;
  }
}

// Arrays and typed arrays: what a batch, a row or a target row may be.
function isList(x: unknown): x is ArrayLike<unknown> {
  return Array.isArray(x) || (ArrayBuffer.isView(x) && !(x instanceof DataView));
}
