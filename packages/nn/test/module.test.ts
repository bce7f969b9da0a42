import { describe, expect, it } from 'vitest';
import { Value, sum } from '@ugrad/engine';
import { Rng } from '../src/random.js';
import { gradCheck } from '../src/gradcheck.js';
import { Module, type AnyModule } from '../src/module.js';
import { Layer, MLP, Neuron, type Activation } from '../src/layers.js';

// Central differences of `f` with respect to each input, compared with backward().
function expectGradients(xs: Value[], f: () => Value, tol = 1e-6): void {
  const { maxError, worst } = gradCheck(xs, f, { h: 1e-6 });
  expect(maxError, `gradient of input ${worst}`).toBeLessThan(tol);
}

function setParams(m: AnyModule, values: number[]): void {
  const ps = m.parameters();
  expect(ps.length).toBe(values.length);
  ps.forEach((p, i) => (p.data = values[i]!));
}

describe('Neuron', () => {
  it('draws its weights from U(-1, 1) with the seed, bias 0, ReLU by default', () => {
    const n = new Neuron(3, { seed: 7 });
    const rng = new Rng(7);
    expect(n.w.map((w) => w.data)).toEqual([rng.uniform(-1, 1), rng.uniform(-1, 1), rng.uniform(-1, 1)]);
    expect(n.b.data).toBe(0);
    expect(n.activation).toBe('relu');
    expect(n.nin).toBe(3);
  });

  it('computes act(b + Σ w·x) for each activation', () => {
    const expected: Record<Activation, number> = {
      relu: 0,
      tanh: Math.tanh(-3.5),
      sigmoid: 1 / (1 + Math.exp(3.5)),
      leakyRelu: -3.5 * 0.2,
      linear: -3.5,
    };
    for (const activation of Object.keys(expected) as Activation[]) {
      const n = new Neuron(2, { activation, negativeSlope: 0.2 });
      setParams(n, [2, -3, 0.5]); // w0, w1, b
      expect(n.forward([1, 2]).data, activation).toBeCloseTo(expected[activation], 15);
    }
    const r = new Neuron(2);
    setParams(r, [2, 3, 0.5]);
    expect(r.forward([1, 2]).data).toBe(8.5);
  });

  it("sums in micrograd's order, ((b + w0·x0) + w1·x1)", () => {
    const n = new Neuron(2, { activation: 'linear' });
    setParams(n, [1, 1, 1]);
    // 1 + 1e16 rounds to 1e16, so micrograd's order gives 0; any other order gives 1.
    expect(n.forward([1e16, -1e16]).data).toBe(0);
  });

  it('passes gradients to weights, bias and Value inputs', () => {
    for (const activation of ['relu', 'tanh', 'sigmoid', 'leakyRelu', 'linear'] as const) {
      const n = new Neuron(3, { activation, seed: 3 });
      const x = [new Value(0.3), new Value(-0.7), new Value(0.9)];
      n.b.data = 0.25;
      expectGradients([...n.parameters(), ...x], () => n.forward(x));
    }
  });

  it('takes numbers and Values mixed', () => {
    const n = new Neuron(2, { activation: 'linear' });
    setParams(n, [2, 3, 1]);
    expect(n.forward([new Value(1), 2]).data).toBe(9);
  });
});

describe('Layer', () => {
  it('returns an array, even of one output', () => {
    const out = new Layer(2, 1, { seed: 1 }).forward([1, 2]);
    expect(Array.isArray(out)).toBe(true);
    expect(out).toHaveLength(1);
    expect(out[0]).toBeInstanceOf(Value);
  });

  it('gives each neuron the same inputs, in order', () => {
    const layer = new Layer(2, 3, { activation: 'linear' });
    setParams(layer, [1, 0, 0, /**/ 0, 1, 0, /**/ 1, 1, 5]);
    expect(layer.forward([3, 4]).map((v) => v.data)).toEqual([3, 4, 12]);
    expect([layer.nin, layer.nout, layer.activation]).toEqual([2, 3, 'linear']);
  });

  it('draws neuron by neuron from one generator', () => {
    const layer = new Layer(2, 2, { seed: 'abc' });
    const rng = new Rng('abc');
    const draws = [rng.uniform(-1, 1), rng.uniform(-1, 1), 0, rng.uniform(-1, 1), rng.uniform(-1, 1), 0];
    expect(layer.parameters().map((p) => p.data)).toEqual(draws);
  });
});

describe('MLP', () => {
  it("lists parameters in micrograd's order with dotted names", () => {
    const model = new MLP(2, [16, 16, 1]);
    const names = model.namedParameters().map(([n]) => n);
    const expected: string[] = [];
    const sizes = [2, 16, 16, 1];
    for (let l = 0; l < 3; l++) {
      for (let j = 0; j < sizes[l + 1]!; j++) {
        for (let i = 0; i < sizes[l]!; i++) expected.push(`layers.${l}.neurons.${j}.w.${i}`);
        expected.push(`layers.${l}.neurons.${j}.b`);
      }
    }
    expect(names).toEqual(expected);
    expect(names).toHaveLength(337);
    expect(names).toContain('layers.0.neurons.3.w.1');
    const flat = model.layers.flatMap((l) => l.neurons.flatMap((n) => [...n.w, n.b]));
    expect(model.parameters()).toEqual(flat);
    expect(model.parameters().every((p, i) => p === flat[i])).toBe(true);
  });

  it('uses ReLU on hidden layers and a linear output by default', () => {
    const model = new MLP(3, [4, 5, 2]);
    expect(model.layers.map((l) => l.activation)).toEqual(['relu', 'relu', 'linear']);
    expect(model.nouts).toEqual([4, 5, 2]);
    expect(new MLP(3, [4, 2], { hidden: 'tanh', output: 'sigmoid' }).layers.map((l) => l.activation)).toEqual(['tanh', 'sigmoid']);
    expect(new MLP(3, [4, 4, 2], { activations: ['tanh', 'leakyRelu', 'relu'] }).layers.map((l) => l.activation)).toEqual(['tanh', 'leakyRelu', 'relu']);
  });

  it('matches a hand computation through two layers', () => {
    const model = new MLP(2, [2, 1]);
    // hidden: relu(1·x0 − 1·x1 + 0), relu(0.5·x0 + 0.5·x1 − 1); output: 2·h0 − 3·h1 + 0.25
    setParams(model, [1, -1, 0, 0.5, 0.5, -1, 2, -3, 0.25]);
    // x = (3, 1): h = (2, 1); out = 4 − 3 + 0.25
    expect(model.forward([3, 1])[0]!.data).toBe(1.25);
    // x = (1, 3): h = (0, 1); out = −3 + 0.25
    expect(model.forward([1, 3])[0]!.data).toBe(-2.75);
  });

  it('gradient-checks through every activation', () => {
    for (const hidden of ['relu', 'tanh', 'sigmoid', 'leakyRelu', 'linear'] as const) {
      const model = new MLP(3, [4, 3, 2], { hidden, output: 'tanh', seed: 11 });
      const xs = [[0.5, -1.2, 0.3], [-0.4, 0.8, 1.1]];
      expectGradients(model.parameters(), () => sum(xs.flatMap((x) => model.forward(x))));
    }
  });

  it('is deterministic: the same seed gives bit-identical weights', () => {
    const a = new MLP(2, [8, 8, 1], { seed: 42 }).stateDict();
    expect(new MLP(2, [8, 8, 1], { seed: 42 }).stateDict()).toEqual(a);
    expect(new MLP(2, [8, 8, 1], { rng: new Rng(42) }).stateDict()).toEqual(a);
    expect(new MLP(2, [8, 8, 1], { seed: 43 }).stateDict()).not.toEqual(a);
    // With neither seed nor rng, seed 0: still repeatable.
    expect(new MLP(2, [3]).stateDict()).toEqual(new MLP(2, [3], { seed: 0 }).stateDict());
  });

  it('initialises Xavier and He within their bounds, drawing the same stream', () => {
    const rng = new Rng(5);
    const xavier = new MLP(50, [30], { init: 'xavier', seed: 5 });
    const a = Math.sqrt(6 / (50 + 30));
    const ws = xavier.layers[0]!.neurons.flatMap((n) => n.w.map((w) => w.data));
    expect(ws).toEqual(ws.map(() => rng.uniform(-a, a)));
    expect(Math.max(...ws.map(Math.abs))).toBeLessThanOrEqual(a);
    expect(Math.max(...ws.map(Math.abs))).toBeGreaterThan(0.98 * a);
    const he = new MLP(50, [30], { init: 'he', seed: 5 });
    const b = Math.sqrt(6 / 50);
    const hs = he.parameters().map((p) => p.data);
    expect(Math.max(...hs.map(Math.abs))).toBeLessThanOrEqual(b);
    expect(Math.max(...hs.map(Math.abs))).toBeGreaterThan(0.98 * b);
    expect(he.layers[0]!.neurons.every((n) => n.b.data === 0)).toBe(true);
  });

  it('describes its architecture as JSON that rebuilds it', () => {
    const model = new MLP(2, [5, 3], { activations: ['leakyRelu', 'sigmoid'], negativeSlope: 0.1 });
    const config = JSON.parse(JSON.stringify(model.config())) as ReturnType<MLP['config']>;
    expect(config).toEqual({ nin: 2, nouts: [5, 3], activations: ['leakyRelu', 'sigmoid'], negativeSlope: 0.1 });
    const copy = new MLP(config.nin, config.nouts, { activations: config.activations, negativeSlope: config.negativeSlope, seed: 9 });
    copy.loadStateDict(model.stateDict());
    expect(copy.forward([-1, 0.5]).map((v) => v.data)).toEqual(model.forward([-1, 0.5]).map((v) => v.data));
  });

  it('prints a PyTorch-like tree with sizes and activations', () => {
    expect(String(new MLP(2, [16, 16, 1]))).toBe(
      [
        'MLP(',
        '  (layers.0): Layer(nin=2, nout=16, activation=relu)',
        '  (layers.1): Layer(nin=16, nout=16, activation=relu)',
        '  (layers.2): Layer(nin=16, nout=1, activation=linear)',
        ')',
      ].join('\n'),
    );
    expect(String(new Neuron(3, { activation: 'leakyRelu' }))).toBe('Neuron(nin=3, activation=leakyRelu(0.01))');
  });
});

describe('forward input checks', () => {
  const model = new MLP(2, [3, 1]);
  it('names the module and the expected and received lengths', () => {
    expect(() => model.forward([1, 2, 3])).toThrow(new RangeError('MLP.forward: expected 2 inputs, got 3'));
    expect(() => new Layer(3, 2).forward([1, 2])).toThrow(new RangeError('Layer.forward: expected 3 inputs, got 2'));
    expect(() => new Neuron(2).forward([])).toThrow(new RangeError('Neuron.forward: expected 2 inputs, got 0'));
  });

  it('rejects a non-array and non-number inputs with a TypeError naming them', () => {
    expect(() => model.forward(3 as unknown as number[])).toThrow(new TypeError('MLP.forward: expected the input to be an array of 2 Values or numbers, got number 3'));
    expect(() => model.forward([1, '2'] as unknown as number[])).toThrow(new TypeError('MLP.forward: expected input 1 to be a Value or a number, got string "2"'));
    expect(() => new Layer(1, 1).forward([null] as unknown as number[])).toThrow(new TypeError('Layer.forward: expected input 0 to be a Value or a number, got null'));
  });
});

describe('constructor checks', () => {
  it('rejects bad sizes with a RangeError and wrong kinds with a TypeError', () => {
    expect(() => new Neuron(0)).toThrow(new RangeError('Neuron: expected nin to be a positive integer, got 0'));
    expect(() => new Layer(2, 1.5)).toThrow(new RangeError('Layer: expected nout to be a positive integer, got 1.5'));
    expect(() => new MLP('2' as unknown as number, [1])).toThrow(new TypeError('MLP: expected nin to be a positive integer, got string "2"'));
    expect(() => new MLP(2, [])).toThrow(new RangeError('MLP: expected nouts to have at least 1 entry, got 0'));
    expect(() => new MLP(2, [4, -1])).toThrow(new RangeError('MLP: expected nouts[1] to be a positive integer, got -1'));
    expect(() => new MLP(2, 4 as unknown as number[])).toThrow(TypeError);
  });

  it('rejects unknown activations, inits and options', () => {
    expect(() => new Layer(2, 2, { activation: 'gelu' as Activation })).toThrow(
      new RangeError('Layer: expected options.activation to be one of \'relu\', \'tanh\', \'sigmoid\', \'leakyRelu\', \'linear\', got "gelu"'),
    );
    expect(() => new MLP(2, [2, 1], { init: 'normal' as 'he' })).toThrow(new RangeError('MLP: expected options.init to be one of \'uniform\', \'xavier\', \'he\', got "normal"'));
    expect(() => new MLP(2, [2, 1], { activations: ['relu'] })).toThrow(
      new RangeError('MLP: expected options.activations to have one entry per layer (2), got 1'),
    );
    expect(() => new MLP(2, [2, 1], { activations: ['relu', 'relu'], hidden: 'tanh' })).toThrow(TypeError);
    expect(() => new MLP(2, [1], { seed: 1, rng: new Rng(1) })).toThrow(new TypeError('MLP: give options.seed or options.rng, not both'));
    expect(() => new MLP(2, [1], { rng: {} as Rng })).toThrow(new TypeError('MLP: expected options.rng to be an Rng, got an object'));
    expect(() => new MLP(2, [1], { lr: 1 } as object)).toThrow(/MLP: unknown option "lr"/);
    expect(() => new Neuron(2, { negativeSlope: NaN })).toThrow(RangeError);
  });
});

// A custom layer: fields and forward(), nothing else.
class Residual extends Module<Value[], Value[]> {
  inner: Layer;
  scale: Value;
  constructor(width: number, rng: Rng) {
    super();
    this.inner = new Layer(width, width, { activation: 'tanh', rng });
    this.scale = new Value(0.5);
  }
  forward(x: Value[]): Value[] {
    return this.inner.forward(x).map((fx, i) => x[i]!.add(fx.mul(this.scale)));
  }
}

class Net extends Module<number[], Value> {
  name = 'net';
  blocks: Residual[][];
  head: { proj: Layer; gain: Value };
  tied: Value;
  note: string[] = ['not a parameter'];
  constructor() {
    super();
    const rng = new Rng(1);
    this.blocks = [[new Residual(2, rng)], [new Residual(2, rng)]];
    const gain = new Value(2);
    this.head = { proj: new Layer(2, 1, { activation: 'linear', rng }), gain };
    this.tied = gain; // shared: listed once, under its first name
  }
  forward(x: number[]): Value {
    let h = x.map((v) => new Value(v));
    for (const row of this.blocks) for (const block of row) h = block.forward(h);
    return this.head.proj.forward(h)[0]!.mul(this.head.gain);
  }
}

describe('Module', () => {
  it('finds Values and Modules in fields, arrays, nested arrays and plain objects, in order', () => {
    const net = new Net();
    const names = net.namedParameters().map(([n]) => n);
    expect(names).toEqual([
      'blocks.0.0.inner.neurons.0.w.0', 'blocks.0.0.inner.neurons.0.w.1', 'blocks.0.0.inner.neurons.0.b',
      'blocks.0.0.inner.neurons.1.w.0', 'blocks.0.0.inner.neurons.1.w.1', 'blocks.0.0.inner.neurons.1.b',
      'blocks.0.0.scale',
      'blocks.1.0.inner.neurons.0.w.0', 'blocks.1.0.inner.neurons.0.w.1', 'blocks.1.0.inner.neurons.0.b',
      'blocks.1.0.inner.neurons.1.w.0', 'blocks.1.0.inner.neurons.1.w.1', 'blocks.1.0.inner.neurons.1.b',
      'blocks.1.0.scale',
      'head.proj.neurons.0.w.0', 'head.proj.neurons.0.w.1', 'head.proj.neurons.0.b',
      'head.gain',
    ]);
    expect(net.parameters()).toHaveLength(18);
    expect(names).not.toContain('tied');
    expect(names.some((n) => n.includes('training'))).toBe(false);
  });

  it('lists a shared sub-module once, under its first name', () => {
    class Shared extends Module<number[], Value[]> {
      a: Layer;
      b: Layer;
      constructor() {
        super();
        this.a = new Layer(1, 1);
        this.b = this.a;
      }
      forward(x: number[]): Value[] {
        return this.b.forward(this.a.forward(x));
      }
    }
    const m = new Shared();
    expect(m.namedParameters().map(([n]) => n)).toEqual(['a.neurons.0.w.0', 'a.neurons.0.b']);
    expect(m.namedModules().map(([n]) => n)).toEqual(['', 'a', 'a.neurons.0']);
  });

  it('survives cycles between modules and containers', () => {
    class Node extends Module<number[], Value[]> {
      self: Node[] = [];
      w = new Value(1);
      parent: Node | null = null;
      forward(): Value[] {
        return [this.w];
      }
    }
    const a = new Node(), b = new Node();
    a.self.push(a, b);
    b.parent = a;
    expect(a.namedParameters().map(([n]) => n)).toEqual(['self.1.w', 'w']); // field order: self, then w
  });

  it('trains a custom layer end to end', () => {
    const net = new Net();
    expectGradients(net.parameters(), () => net.forward([0.3, -0.6]));
    expect(net.modules().map((m) => m.constructor.name)).toEqual(['Net', 'Residual', 'Layer', 'Neuron', 'Neuron', 'Residual', 'Layer', 'Neuron', 'Neuron', 'Layer', 'Neuron']);
  });

  it('zeroGrad clears every parameter', () => {
    const net = new Net();
    net.forward([1, 2]).backward();
    expect(net.parameters().some((p) => p.grad !== 0)).toBe(true);
    net.zeroGrad();
    expect(net.parameters().every((p) => p.grad === 0)).toBe(true);
  });

  it('train() and eval() set the flag on every sub-module', () => {
    const net = new Net();
    expect(net.modules().every((m) => m.training)).toBe(true);
    expect(net.eval()).toBe(net);
    expect(net.modules().every((m) => !m.training)).toBe(true);
    net.train();
    expect(net.modules().every((m) => m.training)).toBe(true);
    net.train(false);
    expect(net.blocks[1]![0]!.inner.neurons[1]!.training).toBe(false);
    expect(net.stateDict()).not.toHaveProperty('training');
  });

  it('prints nested modules indented', () => {
    expect(String(new Net())).toBe(
      [
        'Net(',
        '  (blocks.0.0): Residual(',
        '    (inner): Layer(nin=2, nout=2, activation=tanh)',
        '  )',
        '  (blocks.1.0): Residual(',
        '    (inner): Layer(nin=2, nout=2, activation=tanh)',
        '  )',
        '  (head.proj): Layer(nin=2, nout=1, activation=linear)',
        ')',
      ].join('\n'),
    );
  });
});

describe('stateDict / loadStateDict', () => {
  it('round-trips through JSON bit for bit', () => {
    const a = new MLP(2, [4, 1], { seed: 1 });
    const b = new MLP(2, [4, 1], { seed: 2 });
    const state = JSON.parse(JSON.stringify(a.stateDict())) as Record<string, number>;
    expect(Object.keys(state)).toEqual(a.namedParameters().map(([n]) => n));
    expect(b.loadStateDict(state)).toEqual({ missingKeys: [], unexpectedKeys: [] });
    expect(b.parameters().map((p) => p.data)).toEqual(a.parameters().map((p) => p.data));
  });

  it('names missing and unexpected keys and leaves the model untouched', () => {
    const model = new MLP(2, [2, 1], { seed: 1 });
    const before = model.stateDict();
    const state = { ...before, 'layers.0.neurons.0.w.0': 99 };
    delete (state as Record<string, number>)['layers.1.neurons.0.b'];
    expect(() => model.loadStateDict(state)).toThrow(new RangeError('MLP.loadStateDict: missing key "layers.1.neurons.0.b"'));
    expect(() => model.loadStateDict({ ...before, extra: 1, 'layers.9.b': 2 })).toThrow(
      new RangeError('MLP.loadStateDict: unexpected keys "extra", "layers.9.b"'),
    );
    expect(() => model.loadStateDict({})).toThrow(/missing keys "layers\.0\.neurons\.0\.w\.0", .* and 4 more$/);
    expect(model.stateDict()).toEqual(before);
  });

  it('checks every value before writing any', () => {
    const model = new MLP(2, [2, 1], { seed: 1 });
    const before = model.stateDict();
    const names = Object.keys(before);
    const bad = { ...before, [names[0]!]: 5, [names[7]!]: Number.NaN };
    expect(() => model.loadStateDict(bad)).toThrow(new RangeError(`MLP.loadStateDict: expected state["${names[7]}"] to be a finite number, got NaN`));
    const wrong = { ...before, [names[0]!]: 5, [names[3]!]: '1' as unknown as number };
    expect(() => model.loadStateDict(wrong)).toThrow(new TypeError(`MLP.loadStateDict: expected state["${names[3]}"] to be a finite number, got string "1"`));
    expect(() => model.loadStateDict({ ...before, [names[2]!]: Infinity })).toThrow(RangeError);
    expect(() => model.loadStateDict(null as unknown as Record<string, number>)).toThrow(TypeError);
    expect(() => model.loadStateDict([] as unknown as Record<string, number>)).toThrow(TypeError);
    expect(model.stateDict()).toEqual(before);
  });

  it('loads what matches with strict: false and reports the rest', () => {
    const model = new MLP(2, [1], { seed: 1 });
    const result = model.loadStateDict({ 'layers.0.neurons.0.b': 3, other: 1 }, { strict: false });
    expect(result).toEqual({ missingKeys: ['layers.0.neurons.0.w.0', 'layers.0.neurons.0.w.1'], unexpectedKeys: ['other'] });
    expect(model.layers[0]!.neurons[0]!.b.data).toBe(3);
  });
});

describe('containers call their children', () => {
  it("Layer and MLP run each child's forward(), so a Neuron subclass or a patched child is used (as PyTorch containers do)", () => {
    class Doubled extends Neuron {
      override forward(x: readonly (number | Value)[]): Value {
        return super.forward(x).mul(2);
      }
    }
    const layer = new Layer(2, 2, { activation: 'linear', seed: 1 });
    const plain = layer.forward([1, 2]).map((v) => v.data);
    layer.neurons[1] = Object.assign(new Doubled(2, { activation: 'linear' }), { w: layer.neurons[1]!.w, b: layer.neurons[1]!.b }) as Neuron;
    expect(layer.forward([1, 2]).map((v) => v.data)).toEqual([plain[0], 2 * plain[1]!]);

    const mlp = new MLP(2, [3, 1], { seed: 2 });
    const before = mlp.forward([0.5, -1])[0]!.data;
    const calls: number[] = [];
    const inner = mlp.layers[0]!;
    const original = inner.forward.bind(inner);
    inner.forward = (x) => { calls.push(x.length); return original(x).map((v) => v.mul(0)); };
    const after = mlp.forward([0.5, -1])[0]!.data;
    expect(calls).toEqual([2]);
    expect(after).toBe(mlp.layers[1]!.neurons[0]!.b.data); // the zeroed layer leaves only the bias
    expect(after).not.toBe(before);
  });
});

describe('MLP.fromConfig', () => {
  it('rebuilds the architecture, leakyRelu slope included, and checks the config field by field', () => {
    const model = new MLP(3, [4, 2], { activations: ['leakyRelu', 'sigmoid'], negativeSlope: 0.3, seed: 5 });
    const copy = MLP.fromConfig(model.config(), { seed: 9 });
    expect(copy.config()).toEqual({ nin: 3, nouts: [4, 2], activations: ['leakyRelu', 'sigmoid'], negativeSlope: 0.3 });
    copy.loadStateDict(model.stateDict());
    expect(copy.forward([1, -2, 0.5]).map((v) => v.data)).toEqual(model.forward([1, -2, 0.5]).map((v) => v.data));
    expect(() => MLP.fromConfig({ ...model.config(), nouts: [4, 0] })).toThrow(new RangeError('MLP.fromConfig: expected config.nouts[1] to be a positive integer, got 0'));
    expect(() => MLP.fromConfig({ ...model.config(), extra: 1 } as never)).toThrow(new TypeError('MLP.fromConfig: unknown key "extra" in config (expected one of nin, nouts, activations, negativeSlope)'));
    expect(() => MLP.fromConfig(null as never)).toThrow(new TypeError('MLP.fromConfig: expected config to be an object, got null'));
  });
});

describe('namedChildren', () => {
  it('lists a direct child even when another child reaches it first (PyTorch named_children)', () => {
    const shared = new Layer(2, 2);
    class Pair extends Module {
      a = new MLP(2, [2]);
      b = shared;
      constructor() {
        super();
        (this.a.layers as Layer[])[0] = shared;
      }
      forward(x: readonly number[]): Value[] {
        return this.b.forward(this.a.forward(x));
      }
    }
    const pair = new Pair();
    expect(pair.namedChildren().map(([n]) => n)).toEqual(['a', 'b']);
    // Parameters and modules list the shared layer once, under the first path found.
    expect(pair.namedModules().map(([n]) => n)).toEqual(['', 'a', 'a.layers.0', 'a.layers.0.neurons.0', 'a.layers.0.neurons.1']);
    expect(pair.parameters()).toHaveLength(6);
  });
});
