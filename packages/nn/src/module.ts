import { Value, type ValueLike } from '@ugrad/engine';
import { describe } from '@ugrad/engine/internal';
import { rngFrom, type RandomOptions } from './random.js';

/** Any module, whatever it takes and returns; the type to use when only the tree matters. */
export type AnyModule = Module<never, unknown>;

/**
 * The base class of every layer and model, as in PyTorch's `nn.Module`.
 *
 * A subclass declares fields and implements `forward()`; nothing else is
 * required. Every `Value` held in a field — directly, in an array, a nested
 * array or a plain object — is a parameter, and every `Module` held the same
 * way is a sub-module whose parameters are found in turn. Names are the field
 * path, dotted: `layers.0.neurons.3.w.1`. Keep a `Value` that is not a
 * parameter (a cached output, say) in a local variable or a `#private` field.
 *
 * @typeParam In what `forward` takes (an array of inputs by default)
 * @typeParam Out what `forward` returns
 *
 * @example
 * // A residual block, y = x + f(x): fields and forward(), nothing else.
 * class Residual extends Module<Value[], Value[]> {
 *   inner: Layer;
 *   constructor(width: number, rng: Rng) {
 *     super();
 *     this.inner = new Layer(width, width, { activation: 'tanh', rng });
 *   }
 *   forward(x: Value[]): Value[] {
 *     return this.inner.forward(x).map((fx, i) => x[i]!.add(fx));
 *   }
 * }
 * new Residual(3, new Rng(0)).namedParameters()[0]![0]; // 'inner.neurons.0.w.0'
 */
export abstract class Module<In = readonly ValueLike[], Out = Value[]> {
  /** True in training mode (the default), false after `eval()`; never a parameter. */
  training = true;

  /** The computation; what it takes and returns is up to the subclass. */
  abstract forward(input: In): Out;

  /**
   * Every parameter with its dotted name, in field declaration order, depth
   * first. A parameter reachable twice (shared) is listed once, under the
   * first name found, as are shared sub-modules.
   */
  namedParameters(): [string, Value][] {
    const out: [string, Value][] = [];
    const seen = new Set<Value | AnyModule>();
    // Values and sub-modules interleave in field order: a field declared
    // before a sub-module lists its parameters before the sub-module's.
    const visit = (prefix: string, module: AnyModule): void => {
      seen.add(module);
      for (const [name, member] of members(module)) {
        if (seen.has(member)) continue;
        const path = prefix === '' ? name : `${prefix}.${name}`;
        if (member instanceof Value) {
          seen.add(member);
          out.push([path, member]);
        } else {
          visit(path, member);
        }
      }
    };
    visit('', this);
    return out;
  }

  /** Every parameter, in the order of `namedParameters()`. */
  parameters(): Value[] {
    return this.namedParameters().map(([, p]) => p);
  }

  /** This module (named `''`) and every sub-module below it, depth first, each once. */
  namedModules(): [string, AnyModule][] {
    const out: [string, AnyModule][] = [];
    const seen = new Set<AnyModule>();
    const visit = (prefix: string, module: AnyModule): void => {
      if (seen.has(module)) return;
      seen.add(module);
      out.push([prefix, module]);
      for (const [name, member] of members(module)) {
        if (member instanceof Module) visit(prefix === '' ? name : `${prefix}.${name}`, member);
      }
    };
    visit('', this);
    return out;
  }

  /** This module and every sub-module, in the order of `namedModules()`. */
  modules(): AnyModule[] {
    return this.namedModules().map(([, m]) => m);
  }

  /** The sub-modules held directly in this module's fields, with their field paths. */
  namedChildren(): [string, AnyModule][] {
    const out: [string, AnyModule][] = [];
    const seen = new Set<AnyModule>();
    for (const [name, member] of members(this)) {
      if (member instanceof Module && !seen.has(member)) {
        seen.add(member);
        out.push([name, member]);
      }
    }
    return out;
  }

  /** Sets every parameter's `grad` to 0 (call it before each `backward()`). */
  zeroGrad(): void {
    for (const p of this.parameters()) p.grad = 0;
  }

  /** Sets `training` on this module and every sub-module; returns `this`. */
  train(mode = true): this {
    if (typeof mode !== 'boolean') throw new TypeError(`${this.constructor.name}.train: expected mode to be a boolean, got ${describe(mode)}`);
    for (const m of this.modules()) m.training = mode;
    return this;
  }

  /** `train(false)`: evaluation mode for this module and every sub-module. */
  eval(): this {
    return this.train(false);
  }

  /**
   * The parameters' values keyed by dotted name: plain JSON.
   * @example JSON.stringify(model.stateDict()); // {"layers.0.neurons.0.w.0":0.23,…}
   */
  stateDict(): Record<string, number> {
    const state: Record<string, number> = {};
    for (const [name, p] of this.namedParameters()) state[name] = p.data;
    return state;
  }

  /**
   * Writes values saved by `stateDict()` back into the parameters. Everything
   * is checked before anything is written, so a failed load leaves the module
   * untouched. With `strict` (the default), a missing or unexpected key is a
   * RangeError; without it, those keys are skipped and reported.
   */
  loadStateDict(
    state: Readonly<Record<string, number>>,
    options: { strict?: boolean } = {},
  ): { missingKeys: string[]; unexpectedKeys: string[] } {
    const where = `${this.constructor.name}.loadStateDict`;
    if (typeof state !== 'object' || state === null || Array.isArray(state)) {
      throw new TypeError(`${where}: expected an object of numbers keyed by parameter name, got ${describe(state)}`);
    }
    const strict = options.strict ?? true;
    const named = this.namedParameters();
    const names = named.map(([name]) => name);
    const known = new Set(names);
    const missingKeys = names.filter((name) => !Object.hasOwn(state, name));
    const unexpectedKeys = Object.keys(state).filter((key) => !known.has(key));
    if (strict && (missingKeys.length > 0 || unexpectedKeys.length > 0)) {
      const parts: string[] = [];
      if (missingKeys.length > 0) parts.push(`missing ${keyList(missingKeys)}`);
      if (unexpectedKeys.length > 0) parts.push(`unexpected ${keyList(unexpectedKeys)}`);
      throw new RangeError(`${where}: ${parts.join('; ')}`);
    }
    const writes: [Value, number][] = [];
    for (const [name, p] of named) {
      if (!Object.hasOwn(state, name)) continue;
      const v: unknown = state[name];
      if (typeof v !== 'number') throw new TypeError(`${where}: expected "${name}" to be a number, got ${describe(v)}`);
      if (!Number.isFinite(v)) throw new RangeError(`${where}: expected "${name}" to be finite, got ${v}`);
      writes.push([p, v]);
    }
    for (const [p, v] of writes) p.data = v;
    return { missingKeys, unexpectedKeys };
  }

  /**
   * The text shown inside this module's parentheses by `toString()` (PyTorch's
   * `extra_repr`): its sizes and settings. Empty by default.
   */
  extraRepr(): string {
    return '';
  }

  /**
   * A PyTorch-style tree: the class name, `extraRepr()`, then each direct
   * sub-module on its own line, indented.
   */
  toString(): string {
    const name = this.constructor.name;
    const extra = this.extraRepr();
    const children = this.namedChildren();
    if (children.length === 0) return `${name}(${extra})`;
    const lines = extra === '' ? [] : extra.split('\n');
    for (const [childName, child] of children) lines.push(`(${childName}): ${String(child).replaceAll('\n', '\n  ')}`);
    return `${name}(\n  ${lines.join('\n  ')}\n)`;
  }
}

function keyList(keys: readonly string[]): string {
  return `key${keys.length === 1 ? '' : 's'} ${quotedList(keys)}`;
}

/** @internal The first five keys, quoted, then how many more: `"a", "b", "c", "d", "e" and 2 more`. */
export function quotedList(keys: readonly string[]): string {
  const more = keys.length > 5 ? ` and ${keys.length - 5} more` : '';
  return keys.slice(0, 5).map((k) => `"${k}"`).join(', ') + more;
}

// The Values and Modules held in a module's own fields, with their paths, in
// declaration order. Arrays and plain objects are searched; anything else
// (numbers, strings, an Rng, a Map) is configuration and skipped. A container
// met twice (a cycle, or shared) is searched once.
function members(module: AnyModule): [string, Value | AnyModule][] {
  const out: [string, Value | AnyModule][] = [];
  const seen = new Set<object>();
  const visit = (path: string, x: unknown): void => {
    if (x instanceof Value || x instanceof Module) {
      out.push([path, x]);
    } else if (Array.isArray(x) || isPlainObject(x)) {
      if (seen.has(x)) return;
      seen.add(x);
      for (const key of Object.keys(x)) visit(`${path}.${key}`, (x as Record<string, unknown>)[key]);
    }
  };
  for (const key of Object.keys(module)) {
    if (key !== 'training') visit(key, (module as unknown as Record<string, unknown>)[key]);
  }
  return out;
}

function isPlainObject(x: unknown): x is Record<string, unknown> {
  if (typeof x !== 'object' || x === null) return false;
  const proto: unknown = Object.getPrototypeOf(x);
  return proto === Object.prototype || proto === null;
}

// ---- micrograd's Neuron, Layer and MLP ----

/** What a neuron applies to its weighted sum. `'linear'` applies nothing. */
export type Activation = 'relu' | 'tanh' | 'sigmoid' | 'leakyRelu' | 'linear';

/** The activations, for validation and menus. */
export const ACTIVATIONS: readonly Activation[] = ['relu', 'tanh', 'sigmoid', 'leakyRelu', 'linear'];

/**
 * How weights start (biases always start at 0):
 * - `'uniform'`: micrograd's U(−1, 1);
 * - `'xavier'`: Glorot uniform, U(−a, a) with a = √(6 / (fanIn + fanOut)) (PyTorch's `xavier_uniform_`);
 * - `'he'`: Kaiming uniform for ReLU, U(−a, a) with a = √(6 / fanIn) (PyTorch's `kaiming_uniform_(nonlinearity='relu')`).
 */
export type Init = 'uniform' | 'xavier' | 'he';

/** The initialisations, for validation and menus. */
export const INITS: readonly Init[] = ['uniform', 'xavier', 'he'];

/** Options of {@link Neuron}. */
export interface NeuronOptions extends RandomOptions {
  /** Default `'relu'`, as micrograd's `Neuron(nin, nonlin=True)`. */
  activation?: Activation;
  /** Default `'uniform'`. */
  init?: Init;
  /** Slope of `'leakyRelu'` for negative inputs; default 0.01 (PyTorch's `negative_slope`). */
  negativeSlope?: number;
  /** The fan-out used by `'xavier'`; a `Layer` passes its `nout`. Default 1. */
  fanOut?: number;
}

/** Options of {@link Layer}. */
export interface LayerOptions extends RandomOptions {
  /** Default `'relu'`, as micrograd's `Layer`. */
  activation?: Activation;
  /** Default `'uniform'`. */
  init?: Init;
  /** Slope of `'leakyRelu'` for negative inputs; default 0.01. */
  negativeSlope?: number;
}

/** Options of {@link MLP}. */
export interface MLPOptions extends RandomOptions {
  /** Activation of every layer but the last; default `'relu'`. */
  hidden?: Activation;
  /** Activation of the last layer; default `'linear'`. */
  output?: Activation;
  /** One activation per layer; replaces `hidden` and `output` (give one or the other). */
  activations?: readonly Activation[];
  /** Default `'uniform'`. */
  init?: Init;
  /** Slope of `'leakyRelu'` for negative inputs; default 0.01. */
  negativeSlope?: number;
}

/** What it takes to rebuild an {@link MLP} (the weights aside): plain JSON. */
export interface MLPConfig {
  nin: number;
  nouts: number[];
  activations: Activation[];
  negativeSlope: number;
}

/**
 * One neuron: `act(b + Σ wᵢ·xᵢ)`, summed in micrograd's order,
 * `((b + w₀x₀) + w₁x₁) + …`, so its numbers match micrograd's bit for bit.
 *
 * @example
 * const n = new Neuron(2, { activation: 'tanh', seed: 1 });
 * n.forward([0.5, -1]).data;
 */
export class Neuron extends Module<readonly ValueLike[], Value> {
  /** The weights, one per input. */
  readonly w: Value[];
  /** The bias. */
  readonly b: Value;
  /** What is applied to the weighted sum. */
  readonly activation: Activation;
  /** Slope of `'leakyRelu'` for negative inputs (kept, unused, for other activations). */
  readonly negativeSlope: number;

  constructor(nin: number, options: NeuronOptions = {}) {
    super();
    const where = 'Neuron';
    checkOptions(options, ['activation', 'init', 'negativeSlope', 'fanOut', 'seed', 'rng'], where);
    checkCount(nin, where, 'nin');
    const fanOut = options.fanOut ?? 1;
    checkCount(fanOut, where, 'options.fanOut');
    const activation = checkActivation(options.activation ?? 'relu', where, 'options.activation');
    const negativeSlope = checkSlope(options.negativeSlope, where);
    const bound = initBound(checkInit(options.init ?? 'uniform', where), nin, fanOut);
    const rng = rngFrom(options, where);
    this.w = Array.from({ length: nin }, () => new Value(rng.uniform(-bound, bound)));
    this.b = new Value(0);
    this.activation = activation;
    this.negativeSlope = negativeSlope;
  }

  /** The number of inputs. */
  get nin(): number {
    return this.w.length;
  }

  /** `act(b + Σ wᵢ·xᵢ)` for one input vector of length `nin`. */
  forward(x: readonly ValueLike[]): Value {
    checkInputs(x, this.w.length, 'Neuron.forward');
    return fire(this, x);
  }

  override extraRepr(): string {
    return `nin=${this.nin}, activation=${activationText(this.activation, this.negativeSlope)}`;
  }
}

/**
 * `nout` neurons reading the same inputs. `forward` always returns an array,
 * even of one (micrograd unwraps a single output; that is a known trap).
 */
export class Layer extends Module<readonly ValueLike[], Value[]> {
  /** The neurons, one per output. */
  readonly neurons: Neuron[];

  constructor(nin: number, nout: number, options: LayerOptions = {}) {
    super();
    const where = 'Layer';
    checkOptions(options, ['activation', 'init', 'negativeSlope', 'seed', 'rng'], where);
    checkCount(nin, where, 'nin');
    checkCount(nout, where, 'nout');
    const neuron: NeuronOptions = {
      activation: checkActivation(options.activation ?? 'relu', where, 'options.activation'),
      init: checkInit(options.init ?? 'uniform', where),
      negativeSlope: checkSlope(options.negativeSlope, where),
      fanOut: nout,
      rng: rngFrom(options, where),
    };
    this.neurons = Array.from({ length: nout }, () => new Neuron(nin, neuron));
  }

  /** The number of inputs. */
  get nin(): number {
    return this.neurons[0]!.nin;
  }

  /** The number of outputs (neurons). */
  get nout(): number {
    return this.neurons.length;
  }

  /** The activation every neuron of the layer applies. */
  get activation(): Activation {
    return this.neurons[0]!.activation;
  }

  /** Each neuron's output, in order: an array of length `nout`. */
  forward(x: readonly ValueLike[]): Value[] {
    checkInputs(x, this.nin, 'Layer.forward');
    return this.neurons.map((n) => fire(n, x));
  }

  override extraRepr(): string {
    return `nin=${this.nin}, nout=${this.nout}, activation=${activationText(this.activation, this.neurons[0]!.negativeSlope)}`;
  }

  // The neurons are micrograd's bookkeeping; one line says all there is to say.
  override toString(): string {
    return `Layer(${this.extraRepr()})`;
  }
}

/**
 * A multi-layer perceptron, micrograd's `MLP(nin, nouts)`: ReLU on hidden
 * layers, a linear output layer, weights from U(−1, 1), biases 0, and
 * `parameters()` in micrograd's order (layer by layer, neuron by neuron,
 * weights then bias).
 *
 * @example
 * const model = new MLP(2, [16, 16, 1], { seed: 42 });
 * const score = model.forward([0.5, -0.2])[0]!;
 * String(model);
 * // MLP(
 * //   (layers.0): Layer(nin=2, nout=16, activation=relu)
 * //   (layers.1): Layer(nin=16, nout=16, activation=relu)
 * //   (layers.2): Layer(nin=16, nout=1, activation=linear)
 * // )
 */
export class MLP extends Module<readonly ValueLike[], Value[]> {
  /** The layers, input side first. */
  readonly layers: Layer[];

  constructor(nin: number, nouts: readonly number[], options: MLPOptions = {}) {
    super();
    const where = 'MLP';
    checkOptions(options, ['hidden', 'output', 'activations', 'init', 'negativeSlope', 'seed', 'rng'], where);
    checkCount(nin, where, 'nin');
    if (!Array.isArray(nouts)) throw new TypeError(`${where}: expected nouts to be an array of layer sizes, got ${describe(nouts)}`);
    if (nouts.length === 0) throw new RangeError(`${where}: expected at least one layer size in nouts, got an empty array`);
    nouts.forEach((n, i) => checkCount(n, where, `nouts[${i}]`));
    const activations = mlpActivations(options, nouts.length, where);
    const init = checkInit(options.init ?? 'uniform', where);
    const negativeSlope = checkSlope(options.negativeSlope, where);
    const rng = rngFrom(options, where);
    const sizes = [nin, ...nouts];
    // One generator, drawn layer by layer and neuron by neuron, as micrograd draws.
    this.layers = nouts.map((nout, i) => new Layer(sizes[i]!, nout, { activation: activations[i]!, init, negativeSlope, rng }));
  }

  /** The number of inputs. */
  get nin(): number {
    return this.layers[0]!.nin;
  }

  /** The output size of each layer. */
  get nouts(): number[] {
    return this.layers.map((l) => l.nout);
  }

  /** The architecture as plain JSON, enough to rebuild the model before loading its weights. */
  config(): MLPConfig {
    return {
      nin: this.nin,
      nouts: this.nouts,
      activations: this.layers.map((l) => l.activation),
      negativeSlope: this.layers[0]!.neurons[0]!.negativeSlope,
    };
  }

  /** Runs `x` through every layer; returns the last layer's outputs (always an array). */
  forward(x: readonly ValueLike[]): Value[] {
    checkInputs(x, this.nin, 'MLP.forward');
    let h: readonly ValueLike[] = x;
    for (const layer of this.layers) h = layer.neurons.map((n) => fire(n, h));
    return h as Value[];
  }
}

// The neuron's work without the checks, for callers that checked already.
function fire(n: Neuron, x: readonly ValueLike[]): Value {
  const w = n.w;
  // Python's sum(gen, self.b): b first, then each term, left to right.
  let act = n.b;
  for (let i = 0; i < w.length; i++) act = act.add(w[i]!.mul(x[i]!));
  switch (n.activation) {
    case 'relu': return act.relu();
    case 'tanh': return act.tanh();
    case 'sigmoid': return act.sigmoid();
    case 'leakyRelu': return act.leakyRelu(n.negativeSlope);
    case 'linear': return act;
  }
}

function checkInputs(x: unknown, nin: number, where: string): asserts x is readonly ValueLike[] {
  if (!Array.isArray(x)) throw new TypeError(`${where}: expected an array of ${nin} inputs, got ${describe(x)}`);
  if (x.length !== nin) throw new RangeError(`${where}: expected ${nin} inputs, got ${x.length}`);
  for (let i = 0; i < x.length; i++) {
    const xi: unknown = x[i];
    if (typeof xi !== 'number' && !(xi instanceof Value)) {
      throw new TypeError(`${where}: expected input ${i} to be a Value or a number, got ${describe(xi)}`);
    }
  }
}

function checkCount(n: unknown, where: string, what: string): void {
  if (typeof n !== 'number') throw new TypeError(`${where}: expected ${what} to be a positive integer, got ${describe(n)}`);
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`${where}: expected ${what} to be a positive integer, got ${n}`);
}

function checkActivation(a: unknown, where: string, what: string): Activation {
  if (typeof a !== 'string') throw new TypeError(`${where}: expected ${what} to be one of ${ACTIVATIONS.join(', ')}; got ${describe(a)}`);
  if (!(ACTIVATIONS as readonly string[]).includes(a)) {
    throw new RangeError(`${where}: expected ${what} to be one of ${ACTIVATIONS.join(', ')}; got "${a}"`);
  }
  return a as Activation;
}

function checkSlope(slope: unknown, where: string): number {
  if (slope === undefined) return 0.01;
  if (typeof slope !== 'number') throw new TypeError(`${where}: expected options.negativeSlope to be a number, got ${describe(slope)}`);
  if (!Number.isFinite(slope)) throw new RangeError(`${where}: expected options.negativeSlope to be finite, got ${slope}`);
  return slope;
}

function checkInit(init: unknown, where: string): Init {
  if (typeof init !== 'string') throw new TypeError(`${where}: expected options.init to be one of ${INITS.join(', ')}; got ${describe(init)}`);
  if (!(INITS as readonly string[]).includes(init)) {
    throw new RangeError(`${where}: expected options.init to be one of ${INITS.join(', ')}; got "${init}"`);
  }
  return init as Init;
}

// Half-width of the uniform range each initialisation draws weights from.
function initBound(init: Init, fanIn: number, fanOut: number): number {
  switch (init) {
    case 'uniform': return 1;
    case 'xavier': return Math.sqrt(6 / (fanIn + fanOut));
    case 'he': return Math.sqrt(6 / fanIn); // gain √2 for ReLU times √(3 / fanIn)
  }
}

function mlpActivations(options: MLPOptions, layers: number, where: string): Activation[] {
  const { activations, hidden, output } = options;
  if (activations !== undefined) {
    if (hidden !== undefined || output !== undefined) {
      throw new TypeError(`${where}: give options.activations or options.hidden/options.output, not both`);
    }
    if (!Array.isArray(activations)) throw new TypeError(`${where}: expected options.activations to be an array, got ${describe(activations)}`);
    if (activations.length !== layers) {
      throw new RangeError(`${where}: expected options.activations to have one entry per layer (${layers}), got ${activations.length}`);
    }
    return activations.map((a, i) => checkActivation(a, where, `options.activations[${i}]`));
  }
  const h = checkActivation(hidden ?? 'relu', where, 'options.hidden');
  const o = checkActivation(output ?? 'linear', where, 'options.output');
  return Array.from({ length: layers }, (_, i) => (i === layers - 1 ? o : h));
}

function activationText(a: Activation, slope: number): string {
  return a === 'leakyRelu' ? `leakyRelu(${slope})` : a;
}

/** @internal Throws a TypeError for an options argument that is not an object or has a key not in `allowed` (a typo would otherwise be ignored). */
export function checkOptions(options: unknown, allowed: readonly string[], where: string): void {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new TypeError(`${where}: expected options to be an object, got ${describe(options)}`);
  }
  for (const key of Object.keys(options)) {
    if (!allowed.includes(key)) throw new TypeError(`${where}: unknown option "${key}" (expected one of ${allowed.join(', ')})`);
  }
}

/** @internal A boolean, or a TypeError naming `what`. */
export function checkBoolean(x: unknown, where: string, what: string): boolean {
  if (typeof x !== 'boolean') throw new TypeError(`${where}: expected ${what} to be a boolean, got ${describe(x)}`);
  return x;
}
