import { Value, type ValueLike } from '@ugrad/engine';
import {
  arrayOf, count, finite, oneOf, optional, parseOptions, shape, typeError, withDefault, type Check,
} from '@ugrad/engine/internal';
import { Module } from './module.js';
import { withinMaxSize } from './limits.js';
import { RANDOM_SCHEMA, rngFrom, type RandomOptions, type Rng } from './random.js';

// micrograd's Neuron, Layer and MLP, with PyTorch's habits around them.

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

/** What it takes to rebuild a {@link Layer} (the weights aside): plain JSON. */
export interface LayerConfig {
  /** Inputs per neuron. */
  nin: number;
  /** Neurons. */
  nout: number;
  /** What every neuron applies. */
  activation: Activation;
  /** Slope of `'leakyRelu'` for negative inputs. */
  negativeSlope: number;
}

/** What it takes to rebuild an {@link MLP} (the weights aside): plain JSON. */
export interface MLPConfig {
  /** Inputs of the first layer. */
  nin: number;
  /** Each layer's size. */
  nouts: number[];
  /** Each layer's activation. */
  activations: Activation[];
  /** Slope of `'leakyRelu'` for negative inputs, shared by every layer. */
  negativeSlope: number;
}

// The option checks every layer shares.
const activation = oneOf(ACTIVATIONS);
// Where the weights come from (random.ts's one schema); `rngFrom` then refuses seed and rng together.
const random = RANDOM_SCHEMA;
const LAYER = {
  activation: withDefault(activation, 'relu'),
  init: withDefault(oneOf(INITS), 'uniform'),
  negativeSlope: withDefault(finite, 0.01),
  ...random,
} as const;

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
    const o = parseOptions(where, options, { ...LAYER, fanOut: withDefault(count, 1) });
    count(nin, where, 'nin');
    withinMaxSize(nin + 1, where, 'the parameter count nin + 1');
    const rng = rngFrom(o, where);
    const bound = initBound(o.init, nin, o.fanOut);
    this.w = Array.from({ length: nin }, () => new Value(rng.uniform(-bound, bound)));
    this.b = new Value(0);
    this.activation = o.activation;
    this.negativeSlope = o.negativeSlope;
  }

  /** The number of inputs. */
  get nin(): number {
    return this.w.length;
  }

  /** `act(b + Σ wᵢ·xᵢ)` for one input vector of length `nin`. */
  forward(x: readonly ValueLike[]): Value {
    checkInputs(x, this.w.length, 'Neuron.forward');
    const w = this.w;
    // Python's sum(gen, self.b): b first, then each term, left to right.
    let act = this.b;
    for (let i = 0; i < w.length; i++) act = act.add(w[i]!.mul(x[i]!));
    switch (this.activation) {
      case 'relu': return act.relu();
      case 'tanh': return act.tanh();
      case 'sigmoid': return act.sigmoid();
      case 'leakyRelu': return act.leakyRelu(this.negativeSlope);
      case 'linear': return act;
    }
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
    const o = parseOptions(where, options, LAYER);
    count(nin, where, 'nin');
    count(nout, where, 'nout');
    withinMaxSize((nin + 1) * nout, where, 'the parameter count (nin + 1)·nout');
    const neuron: NeuronOptions = { activation: o.activation, init: o.init, negativeSlope: o.negativeSlope, fanOut: nout, rng: rngFrom(o, where) };
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

  /** The layer's shape as plain JSON, enough to rebuild it (`Layer.fromConfig`) before loading its weights. */
  config(): LayerConfig {
    return { nin: this.nin, nout: this.nout, activation: this.activation, negativeSlope: this.neurons[0]!.negativeSlope };
  }

  /** Builds a layer from `config()`, checked field by field; weights are drawn from `options` as in the constructor. */
  static fromConfig(config: LayerConfig, options: RandomOptions & { init?: Init } = {}): Layer {
    const where = 'Layer.fromConfig';
    const o = parseOptions(where, options, { init: LAYER.init, ...random });
    const c = checkLayerConfig(config, where, 'config');
    return new Layer(c.nin, c.nout, { activation: c.activation, negativeSlope: c.negativeSlope, init: o.init, ...randomOf(o) });
  }

  /** Each neuron's `forward(x)`, in order: an array of length `nout`. */
  forward(x: readonly ValueLike[]): Value[] {
    checkInputs(x, this.nin, 'Layer.forward');
    return this.neurons.map((n) => n.forward(x));
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
    const o = parseOptions(where, options, {
      hidden: optional(activation), output: optional(activation), activations: optional(arrayOf(activation)),
      init: LAYER.init, negativeSlope: LAYER.negativeSlope, ...random,
    });
    count(nin, where, 'nin');
    const sizes = arrayOf(count, { min: 1 })(nouts, where, 'nouts');
    let activations: Activation[];
    if (o.activations !== undefined) {
      if (o.hidden !== undefined || o.output !== undefined) throw new TypeError(`${where}: give options.activations or options.hidden/options.output, not both`);
      if (o.activations.length !== sizes.length) throw new RangeError(`${where}: expected options.activations to have one entry per layer (${sizes.length}), got ${o.activations.length}`);
      activations = o.activations;
    } else {
      activations = sizes.map((_, i) => (i === sizes.length - 1 ? o.output ?? 'linear' : o.hidden ?? 'relu'));
    }
    const ins = [nin, ...sizes];
    withinMaxSize(sizes.reduce((n, nout, i) => n + (ins[i]! + 1) * nout, 0), where, 'the parameter count Σ (nin + 1)·nout over the layers');
    const rng = rngFrom(o, where);
    // One generator, drawn layer by layer and neuron by neuron, as micrograd draws.
    this.layers = sizes.map((nout, i) => new Layer(ins[i]!, nout, { activation: activations[i]!, init: o.init, negativeSlope: o.negativeSlope, rng }));
  }

  /**
   * The one way to rebuild an MLP from `config()` (checkpoints and the
   * playground use it): the config is checked field by field, and the new
   * model's weights are drawn from `options` as in the constructor (load
   * saved weights into it with `loadStateDict`).
   */
  static fromConfig(config: MLPConfig, options: RandomOptions & { init?: Init } = {}): MLP {
    const where = 'MLP.fromConfig';
    const o = parseOptions(where, options, { init: LAYER.init, ...random });
    const c = checkMLPConfig(config, where, 'config');
    return new MLP(c.nin, c.nouts, { activations: c.activations, negativeSlope: c.negativeSlope, init: o.init, ...randomOf(o) });
  }

  /** The number of inputs. */
  get nin(): number {
    return this.layers[0]!.nin;
  }

  /** The output size of each layer. */
  get nouts(): number[] {
    return this.layers.map((l) => l.nout);
  }

  /** The architecture as plain JSON, enough to rebuild the model (`MLP.fromConfig`) before loading its weights. */
  config(): MLPConfig {
    return {
      nin: this.nin,
      nouts: this.nouts,
      activations: this.layers.map((l) => l.activation),
      negativeSlope: this.layers[0]!.neurons[0]!.negativeSlope,
    };
  }

  /** Runs `x` through each layer's `forward`; returns the last layer's outputs (always an array). */
  forward(x: readonly ValueLike[]): Value[] {
    checkInputs(x, this.nin, 'MLP.forward');
    let h: readonly ValueLike[] = x;
    for (const layer of this.layers) h = layer.forward(h);
    return h as Value[];
  }
}

/** @internal Checks an {@link MLPConfig} (e.g. read from a checkpoint), naming fields `${what}.field`; returns a fresh copy in `config()`'s field order. */
export const checkMLPConfig: Check<MLPConfig> = (x, where, what) => {
  const c = shape({ nin: count, nouts: arrayOf(count, { min: 1 }), activations: arrayOf(activation), negativeSlope: finite })(x, where, what);
  if (c.activations.length !== c.nouts.length) throw new RangeError(`${where}: expected ${what}.activations to have ${c.nouts.length} entries, got ${c.activations.length}`);
  return c;
};

/** @internal Checks a {@link LayerConfig}, naming fields `${what}.field`. */
export const checkLayerConfig: Check<LayerConfig> = shape({ nin: count, nout: count, activation, negativeSlope: finite });

// Each input is a Value or a number, and there are `nin` of them.
function checkInputs(x: unknown, nin: number, where: string): asserts x is readonly ValueLike[] {
  if (!Array.isArray(x)) throw typeError(where, 'the input', `an array of ${nin} Values or numbers`, x);
  if (x.length !== nin) throw new RangeError(`${where}: expected ${nin} inputs, got ${x.length}`);
  for (let i = 0; i < x.length; i++) {
    const xi: unknown = x[i];
    if (typeof xi !== 'number' && !(xi instanceof Value)) throw typeError(where, `input ${i}`, 'a Value or a number', xi);
  }
}

// Half-width of the uniform range each initialisation draws weights from.
function initBound(init: Init, fanIn: number, fanOut: number): number {
  switch (init) {
    case 'uniform': return 1;
    case 'xavier': return Math.sqrt(6 / (fanIn + fanOut));
    case 'he': return Math.sqrt(6 / fanIn); // gain √2 for ReLU times √(3 / fanIn)
  }
}

function activationText(a: Activation, slope: number): string {
  return a === 'leakyRelu' ? `leakyRelu(${slope})` : a;
}

function randomOf(options: { seed?: string | number | undefined; rng?: Rng | undefined }): RandomOptions {
  return options.rng !== undefined ? { rng: options.rng } : options.seed !== undefined ? { seed: options.seed } : {};
}
