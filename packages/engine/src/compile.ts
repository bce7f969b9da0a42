import { Value, describe } from './value.js';
import { TraceError, retrace, traceTwice, type Flat, type TraceSpec, type Traced } from './trace.js';
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
  /** How the per-sample losses combine: `'mean'` (default; `sum(losses) · n⁻¹`, as `mean()`) or `'sum'`. */
  reduce?: 'mean' | 'sum';
  /** A term added once per batch, e.g. an L2 penalty over `params`. */
  extra?: () => Value;
}

/** Targets as Values: one compiled program serves every target (regression). */
export interface ValueTargetsSpec extends CommonSpec {
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
  labels: true;
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

/** A compiled training step; see {@link compileStep}. */
export class CompiledStep {
  readonly #where = 'compileStep';
  readonly #spec: StepSpec;
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
  #P = new Float64Array(0);
  #G = new Float64Array(0);
  #X = new Float64Array(0);
  #Y = new Float64Array(0);

  /** Use {@link compileStep}. */
  constructor(spec: StepSpec) {
    const where = this.#where;
    if (typeof spec !== 'object' || spec === null) throw new TypeError(`${where}: expected an options object, got ${describe(spec)}`);
    const { params, inputs, targets = 1, sample, reduce = 'mean', extra } = spec;
    if (!Array.isArray(params)) throw new TypeError(`${where}: expected params to be an array of Values, got ${describe(params)}`);
    this.#index = new Map();
    params.forEach((p: unknown, i) => {
      if (!(p instanceof Value)) throw new TypeError(`${where}: expected params[${i}] to be a Value, got ${describe(p)}`);
      if (p._a !== null) throw new TypeError(`${where}: expected params[${i}] to be a leaf, got a Value made by '${p._op}'`);
      if (this.#index.has(p)) throw new RangeError(`${where}: params[${i}] is the same Value as params[${this.#index.get(p)}]`);
      this.#index.set(p, i);
    });
    for (const [name, n] of [['inputs', inputs], ['targets', targets]] as const) {
      if (!Number.isInteger(n) || n < 0) throw new RangeError(`${where}: expected ${name} to be a whole number ≥ 0, got ${describe(n)}`);
    }
    if (typeof sample !== 'function') throw new TypeError(`${where}: expected sample to be a function, got ${describe(sample)}`);
    if (extra !== undefined && typeof extra !== 'function') throw new TypeError(`${where}: expected extra to be a function, got ${describe(extra)}`);
    if (reduce !== 'mean' && reduce !== 'sum') throw new RangeError(`${where}: expected reduce to be 'mean' or 'sum', got ${describe(reduce)}`);
    if (spec.labels !== undefined && typeof spec.labels !== 'boolean') throw new TypeError(`${where}: expected labels to be a boolean, got ${describe(spec.labels)}`);

    this.#spec = spec;
    this.#params = [...params];
    this.#inputs = inputs;
    this.#targets = targets;
    if (!spec.labels) this.#programs.set('', this.#program({ where, what: 'the sample function', fn: spec.sample, params: this.#index, inputs, targets }));
    this.#extra = extra ? this.#program({ where, what: 'the extra function', fn: () => extra(), params: this.#index, inputs: 0, targets: 0 }) : null;
  }

  /**
   * Forward and backward over a batch: returns the loss and adds each
   * parameter's gradient to its `grad` (zero them first, as with `backward()`).
   * Any batch size works; rows must have `inputs` numbers and targets `targets`.
   * With `outputs`, each sample's reported values are written to it, row after row.
   */
  step(X: Rows, Y: Targets, outputs?: Float64Array): number {
    return this.#run(X, Y, outputs ?? null, true, 'CompiledStep.step');
  }

  /** The loss over a batch, without gradients (e.g. on a validation set); `outputs` as in `step`. */
  evaluate(X: Rows, Y: Targets, outputs?: Float64Array): number {
    return this.#run(X, Y, outputs ?? null, false, 'CompiledStep.evaluate');
  }

  /**
   * Traces the functions again and throws a {@link TraceError} if they no
   * longer build the graphs that were compiled — e.g. after a model switched
   * between training and evaluation behaviour, or was changed.
   */
  check(): void {
    for (const p of [...this.#programs.values(), ...(this.#extra ? [this.#extra] : [])]) retrace(p.spec, p.flat, this.#outside);
  }

  #run(X: Rows, Y: Targets, O: Float64Array | null, grad: boolean, where: string): number {
    const n = this.#copyBatch(X, Y, where);
    const spec = this.#spec;
    // Programs for new labels first: tracing may find new outside leaves.
    const programs = spec.labels ? this.#labelPrograms(n) : [this.#programs.get('')!];
    if (O !== null) {
      const no = programs[0]!.flat.outputs.length;
      if (!(O instanceof Float64Array) || O.length < n * no) throw new RangeError(`${where}: expected outputs to be a Float64Array of at least ${n * no} numbers, got ${describe(O)}${O instanceof Float64Array ? ` of ${O.length}` : ''}`);
    }
    this.#load();
    const P = this.#P, G = this.#G, nx = this.#inputs, ny = this.#targets;
    G.fill(0);
    const mean = spec.reduce !== 'sum';
    const seed = mean ? n ** -1 : 1;
    // Each stretch of samples with the same program in one call, the running
    // loss passed along, so the losses add up left to right as eager's do.
    let loss = 0;
    for (let s = 0, e = 1; s < n; s = e++) {
      const p = programs[programs.length === 1 ? 0 : s]!;
      if (programs.length === 1) e = n;
      else while (e < n && programs[e] === p) e++;
      loss = p.code.run(P, G, p.T, p.D, this.#X, this.#Y, O, s, e - s, nx, ny, p.flat.outputs.length, seed, grad, loss);
    }
    // as in eager `mean(losses)`: the sum times n^-1
    if (mean) loss *= seed;
    const e = this.#extra;
    if (e) loss = e.code.run(P, G, e.T, e.D, this.#X, this.#Y, null, 0, 1, 0, 0, 0, 1, grad, loss);
    if (grad) {
      this.#params.forEach((p, i) => { p.grad += G[i]!; });
      this.#outside.forEach((i, v) => { v.grad += G[i]!; });
    }
    return loss;
  }

  // With `labels`, each sample's program, compiled the first time its target row is seen.
  #labelPrograms(n: number): Program[] {
    const ny = this.#targets, Y = this.#Y, out = this.#perSample;
    const sample = (this.#spec as LabelsSpec).sample;
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
    let code: Generated;
    try {
      code = generate(trace);
    } catch (e) {
      // e.g. a browser page whose Content-Security-Policy forbids eval
      throw new TraceError(`${spec.where}: could not generate code (${(e as Error).message})`);
    }
    const p: Program = { spec, flat: trace, code, T: new Float64Array(code.slots), D: new Float64Array(code.slots) };
    const size = this.#params.length + this.#outside.size;
    if (this.#P.length < size) {
      this.#P = new Float64Array(size);
      const G = new Float64Array(size);
      G.set(this.#G);
      this.#G = G;
    }
    // A replay of the first trace must give the loss the engine computed.
    this.#load();
    const x = Float64Array.from(trace.inputs);
    const got = code.run(this.#P, this.#G, p.T, p.D, x, x.subarray(spec.inputs), null, 0, 1, 0, 0, 0, 1, false, 0);
    if (!Object.is(got, trace.value)) throw new Error(`${spec.where}: internal error: the compiled ${spec.what} gave ${got} where the engine gave ${trace.value}`);
    return p;
  }

  // Parameters (and leaves from outside the traced code) are read on every
  // call, so updates made to the Values between steps are seen.
  #load(): void {
    const P = this.#P;
    this.#params.forEach((p, i) => { P[i] = p._data; });
    this.#outside.forEach((i, v) => { P[i] = v._data; });
  }

  // Validates a batch and copies it into flat arrays; returns its size.
  #copyBatch(X: Rows, Y: Targets, where: string): number {
    const n = X?.length, nx = this.#inputs, ny = this.#targets;
    if (typeof n !== 'number') throw new TypeError(`${where}: expected X to be an array of rows, got ${describe(X)}`);
    if (typeof Y?.length !== 'number') throw new TypeError(`${where}: expected Y to be an array of targets, got ${describe(Y)}`);
    if (Y.length !== n) throw new RangeError(`${where}: expected one target per row, got ${n} rows and ${Y.length} targets`);
    if (n === 0) throw new RangeError(`${where}: expected at least one row, got an empty batch`);
    if (this.#X.length < n * nx) this.#X = new Float64Array(n * nx);
    if (this.#Y.length < n * ny) this.#Y = new Float64Array(n * ny);
    const fill = (out: Float64Array, off: number, row: unknown, width: number, name: string, what: string) => {
      if (typeof row === 'number' && width === 1) { out[off] = row; return; }
      const r = row as ArrayLike<unknown> | undefined;
      if (typeof r?.length !== 'number') throw new TypeError(`${where}: expected ${name} to be ${width === 1 ? 'a number or ' : ''}an array of ${width} numbers, got ${describe(row)}`);
      if (r.length !== width) throw new RangeError(`${where}: compiled for ${width} ${what} per sample, got ${r.length} in ${name}`);
      for (let j = 0; j < width; j++) {
        const v = r[j];
        if (typeof v !== 'number') throw new TypeError(`${where}: expected a number at ${name}[${j}], got ${describe(v)}`);
        out[off + j] = v;
      }
    };
    for (let s = 0; s < n; s++) {
      fill(this.#X, s * nx, X[s], nx, `X[${s}]`, 'inputs');
      fill(this.#Y, s * ny, Y[s], ny, `Y[${s}]`, 'targets');
    }
    return n;
  }
}
