import { finite, fn as isFunction, instance, number, str, typeError } from './check.js';
import { OPS, type OpName } from './optable.js';
import type { ValueJSON } from './graphviz.js';

/** A `Value` or a plain number; numbers are wrapped as constant leaves. */
export type ValueLike = Value | number;

// Labels are rare (lecture examples, pictures), so they live beside the graph
// instead of costing every node a field.
const labels = new WeakMap<Value, string>();
// Frozen leaves (requiresGrad false) are rare too: a set beside the graph, no field per node.
const frozen = new WeakSet<Value>();

let gradEnabled = true;

// Set while a graph is being traced for compilation (compile.ts), to catch user
// code that reads or writes `.data`, or uses a Value as a number: a replay
// could not follow such code. The engine itself uses `_data`, so its ops never
// trigger the hook.
let dataHook: ((v: Value, how: 'data' | 'number') => void) | null = null;

/**
 * A scalar that remembers how it was computed, so gradients can flow back to it.
 *
 * Each op stores its inputs (`children`) and the local derivative of its output
 * with respect to each (`localGrads`), computed in the same line as the value.
 * `backward()` is then one generic loop: `child.grad += local * node.grad`.
 * The op table ({@link OPS}) holds the same math as text, for the compiled
 * step, for pictures and for explanations.
 *
 * A `Value` is not a number: `a + b` on Values throws a TypeError (use
 * `a.add(b)`, or `a.data` for the number), while `${a}` and `String(a)` give
 * its `toString()`, and `JSON.stringify(a)` its `toJSON()`.
 *
 * @example
 * const a = new Value(-4), b = new Value(2);
 * const c = a.mul(b).add(b.pow(3)); // -8 + 8
 * c.backward();
 * a.grad; // 2 (= b)
 */
export class Value {
  /** @internal the number itself; code outside the engine reads it through `data` */
  _data: number;
  /** @internal d(root)/d(this); code outside the engine reads it through `grad` */
  _grad = 0;
  /** @internal first input, or null for a leaf */
  _a: Value | null = null;
  /** @internal second input, or null */
  _b: Value | null = null;
  /** @internal d(this)/d(_a) */
  _da = 0;
  /** @internal d(this)/d(_b), or the op's constant for unary ops */
  _db = 0;
  /** @internal */
  _op: OpName | '' = '';
  /** @internal parent counter of graph walks; 0 outside a walk */
  _mark = 0;

  /**
   * @param data the number this leaf holds (any number: NaN and ±Infinity too, as in IEEE arithmetic)
   * @param label an optional name shown by `toDot` and `toString`
   */
  constructor(data: number, label?: string) {
    if (typeof data !== 'number') throw typeError('new Value', 'data', 'a number', data);
    if (label !== undefined) labels.set(this, str(label, 'new Value', 'label'));
    this._data = data;
  }

  /** The number this node holds. Setting it takes numbers only. */
  get data(): number {
    if (dataHook !== null) dataHook(this, 'data');
    return this._data;
  }
  /** Sets the number (a TypeError for anything but a number). */
  set data(x: number) {
    if (typeof x !== 'number') throw typeError('Value.data', 'the new data', 'a number', x);
    if (dataHook !== null) dataHook(this, 'data');
    this._data = x;
  }

  /** d(root)/d(this), filled by `backward()`; starts at 0 and accumulates. Setting it takes numbers only. */
  get grad(): number {
    return this._grad;
  }
  /** Sets the gradient, e.g. to 0 before a step (a TypeError for anything but a number). */
  set grad(x: number) {
    if (typeof x !== 'number') throw typeError('Value.grad', 'the new grad', 'a number', x);
    this._grad = x;
  }

  /** A display name; '' unless set. */
  get label(): string {
    return labels.get(this) ?? '';
  }
  /** Names the node for pictures and `toString()` (a TypeError for anything but a string). */
  set label(name: string) {
    labels.set(this, str(name, 'Value.label', 'the label'));
  }

  /**
   * Whether this leaf is trained (PyTorch's `requires_grad`): true unless set
   * false, as `Module.freeze()` does for its parameters. Optimizers leave a
   * frozen parameter bit for bit as it is, and a compiled step computes no
   * gradient for it. Only a leaf can be frozen (as in PyTorch).
   */
  get requiresGrad(): boolean {
    return !frozen.has(this);
  }
  /** Freezes (false) or unfreezes (true) this leaf; freezing a node made by an op is a RangeError. */
  set requiresGrad(on: boolean) {
    if (typeof on !== 'boolean') throw typeError('Value.requiresGrad', 'the new flag', 'a boolean', on);
    if (on) frozen.delete(this);
    else if (this._a !== null) throw new RangeError(`Value.requiresGrad: only a leaf can be frozen, got a Value made by '${this._op}'`);
    else frozen.add(this);
  }

  /** The op that made this node (a key of {@link OPS}: `'+'`, `'*'`, `'tanh'`, …); `''` for a leaf. */
  get op(): OpName | '' {
    return this._op;
  }

  /** The inputs of the op that made this node (empty for a leaf). */
  get children(): Value[] {
    if (this._a === null) return [];
    return this._b === null ? [this._a] : [this._a, this._b];
  }

  /** d(this)/d(child) for each of `children`, as the op computed them (e.g. `[1 − out²]` for tanh). */
  get localGrads(): readonly number[] {
    if (this._a === null) return [];
    return this._b === null ? [this._da] : [this._da, this._db];
  }

  /** The number a unary op carries: `pow`'s number exponent, `leakyRelu`'s slope, a clamp bound; else null. */
  get constant(): number | null {
    return this._op !== '' && OPS[this._op].constant !== null ? this._db : null;
  }

  // ---- primitives: value and local derivatives side by side (as PyTorch computes them) ----

  /** `this + other` */
  add(other: ValueLike): Value {
    const o = toValue(other, 'Value.add', 'other');
    return node(this._data + o._data, '+', this, 1, o, 1); // d(a+b)/da = 1, d(a+b)/db = 1
  }

  /** `this * other` */
  mul(other: ValueLike): Value {
    const o = toValue(other, 'Value.mul', 'other');
    return node(this._data * o._data, '*', this, o._data, o, this._data); // d(ab)/da = b, d(ab)/db = a
  }

  /** `this / other`. A primitive, not micrograd's `this · other⁻¹`, which rounds twice and overflows where 1/other does. */
  div(other: ValueLike): Value {
    const o = toValue(other, 'Value.div', 'other');
    const out = this._data / o._data;
    return node(out, '/', this, 1 / o._data, o, -out / o._data); // d(a/b)/da = 1/b, d(a/b)/db = −(a/b)/b
  }

  /**
   * `this ** exponent`. A number exponent is a constant (op `'**'`); a `Value`
   * exponent receives its own gradient, `a^b · ln a` (op `'pow'`). Edges as in
   * C and PyTorch: `1 ** NaN` is 1, and `(-0) ** 0.5` is -0 like `sqrt(-0)`.
   */
  pow(exponent: ValueLike): Value {
    const a = this._data;
    if (typeof exponent === 'number') {
      // d(a^k)/da = k·a^(k−1); PyTorch defines it as 0 for k = 0, even at a = 0.
      return node(powk(a, exponent), '**', this, exponent === 0 ? 0 : exponent * powk(a, exponent - 1), null, exponent);
    }
    const e = toValue(exponent, 'Value.pow', 'exponent');
    const b = e._data, out = powc(a, b);
    // d(a^b)/da = b·a^(b−1); d(a^b)/db = a^b·ln a, which PyTorch sets to 0 where a = 0 and b ≥ 0.
    return node(out, 'pow', this, b === 0 ? 0 : b * powc(a, b - 1), e, a === 0 && b >= 0 ? 0 : out * Math.log(a));
  }

  /** e^this */
  exp(): Value {
    const out = Math.exp(this._data);
    return node(out, 'exp', this, out); // d(e^a)/da = e^a
  }

  /** Natural log; `log(0)` is -Infinity and `log(-1)` NaN, as in IEEE and PyTorch. */
  log(): Value {
    return node(Math.log(this._data), 'log', this, 1 / this._data); // d(ln a)/da = 1/a
  }

  /** Sine (radians). */
  sin(): Value {
    return node(Math.sin(this._data), 'sin', this, Math.cos(this._data)); // d(sin a)/da = cos a
  }

  /** Cosine (radians). */
  cos(): Value {
    return node(Math.cos(this._data), 'cos', this, -Math.sin(this._data)); // d(cos a)/da = −sin a
  }

  /** Hyperbolic tangent; saturates to ±1 with gradient 0, never NaN. */
  tanh(): Value {
    const t = Math.tanh(this._data);
    return node(t, 'tanh', this, 1 - t * t); // d(tanh a)/da = 1 − tanh²a
  }

  /** Logistic sigmoid, 1 / (1 + e^−this): saturates to 0 and 1 with gradient 0, never NaN. */
  sigmoid(): Value {
    // e^−a may overflow to ∞; 1/∞ is then the right 0 (PyTorch's formula, bit for bit).
    const s = 1 / (1 + Math.exp(-this._data));
    return node(s, 'sigmoid', this, s * (1 - s)); // dσ/da = σ(1 − σ)
  }

  /** max(0, this), as PyTorch's relu: the derivative at 0 is 0; NaN passes through, gradient too. */
  relu(): Value {
    const a = this._data;
    return node(a < 0 ? 0 : a, 'relu', this, a <= 0 ? 0 : 1);
  }

  /** `this` if positive, else `slope · this` (PyTorch's leaky_relu; default slope 0.01). */
  leakyRelu(slope = 0.01): Value {
    finite(slope, 'Value.leakyRelu', 'slope');
    const a = this._data;
    return node(a > 0 ? a : a * slope, 'leakyRelu', this, a > 0 ? 1 : slope, null, slope);
  }

  /** |this|; the derivative at 0 is 0, as in PyTorch. */
  abs(): Value {
    const a = this._data;
    return node(Math.abs(a), 'abs', this, a > 0 ? 1 : a < 0 ? -1 : 0); // d|a|/da = sign(a)
  }

  /** The smaller of `this` and `other`, as `torch.minimum`: NaN if either is; a tie gives each half the gradient. */
  min(other: ValueLike): Value {
    const o = toValue(other, 'Value.min', 'other');
    const a = this._data, b = o._data;
    return node(a !== a || b !== b ? NaN : b < a ? b : a, 'min', this, a > b ? 0 : a === b ? 0.5 : 1, o, a < b ? 0 : a === b ? 0.5 : 1);
  }

  /** The larger of `this` and `other`, as `torch.maximum`: NaN if either is; a tie gives each half the gradient. */
  max(other: ValueLike): Value {
    const o = toValue(other, 'Value.max', 'other');
    const a = this._data, b = o._data;
    return node(a !== a || b !== b ? NaN : a < b ? b : a, 'max', this, a < b ? 0 : a === b ? 0.5 : 1, o, a > b ? 0 : a === b ? 0.5 : 1);
  }

  /** max(this, lo) for a number `lo`, as `torch.clamp_min`: the gradient passes where this ≥ lo. */
  clampMin(lo: number): Value {
    number(lo, 'Value.clampMin', 'lo');
    const a = this._data;
    return node(a < lo ? lo : a, 'clampMin', this, a >= lo ? 1 : 0, null, lo);
  }

  /** min(this, hi) for a number `hi`, as `torch.clamp_max`: the gradient passes where this ≤ hi. */
  clampMax(hi: number): Value {
    number(hi, 'Value.clampMax', 'hi');
    const a = this._data;
    return node(a > hi ? hi : a, 'clampMax', this, a <= hi ? 1 : 0, null, hi);
  }

  /**
   * log(e^this + e^other) without overflow, as PyTorch's `logaddexp`: an
   * equal infinity gives itself (with PyTorch's NaN gradients there).
   */
  logAddExp(other: ValueLike): Value {
    const o = toValue(other, 'Value.logAddExp', 'other');
    const a = this._data, b = o._data;
    // d/da = σ(a − b) = 1/(1 + e^(b−a)), d/db = σ(b − a), in PyTorch's form (e^x may overflow to ∞: then 0)
    return node(logaddexp(a, b), 'logAddExp', this, 1 / (1 + Math.exp(b - a)), o, 1 / (1 + Math.exp(a - b)));
  }

  // ---- derived ops: composed from primitives, no gradient code of their own ----

  /**
   * `this` clamped to [lo, hi], as `torch.clamp(x, lo, hi)`: `clampMax(hi)` of
   * `clampMin(lo)`, so the gradient passes where lo ≤ this ≤ hi; ±Infinity
   * leaves a side open, and lo > hi gives hi everywhere (gradient 0), as in PyTorch.
   */
  clamp(lo: number, hi: number): Value {
    number(lo, 'Value.clamp', 'lo');
    number(hi, 'Value.clamp', 'hi');
    return this.clampMin(lo).clampMax(hi);
  }

  /**
   * log(1 + e^this), stable for any input; its derivative is σ(this). Exact
   * everywhere, unlike PyTorch's `softplus`, which returns its input above 20.
   */
  softplus(): Value {
    // logAddExp(a, 0) is the stable form itself: max(a, 0) + log1p(e^−|a|)
    return this.logAddExp(0);
  }

  /** `-this` */
  neg(): Value {
    return this.mul(-1);
  }

  /** `this - other` */
  sub(other: ValueLike): Value {
    return this.add(toValue(other, 'Value.sub', 'other').neg());
  }


  /** √this, as `torch.sqrt`: `sqrt(-0)` is -0. */
  sqrt(): Value {
    return this.pow(0.5);
  }

  /**
   * Backpropagates from this node: sets `this.grad = 1`, then applies the chain
   * rule in reverse topological order. Gradients accumulate (`+=`), so call
   * `zeroGrad()` (on the graph or the parameters) between steps.
   */
  backward(): void {
    this._grad = 1;
    if (this._a === null) return;
    countParents(this);
    // Kahn's algorithm: a node is ready once every parent has passed it its
    // gradient, i.e. when its parent count climbs back to 0.
    const ready: Value[] = [this];
    while (ready.length > 0) {
      const v = ready.pop()!;
      const g = v._grad, a = v._a!, b = v._b;
      a._grad += v._da * g;
      if (a._a !== null && ++a._mark === 0) ready.push(a);
      if (b !== null) {
        b._grad += v._db * g;
        if (b._a !== null && ++b._mark === 0) ready.push(b);
      }
    }
  }

  /** Sets `grad = 0` on every node reachable from this one, leaves included. */
  zeroGrad(): void {
    this._grad = 0;
    for (const v of topo(this)) {
      v._a!._grad = 0;
      if (v._b !== null) v._b._grad = 0;
    }
  }

  /** e.g. `Value(data=2, grad=0, label=a)` */
  toString(): string {
    const label = this.label;
    return `Value(data=${this._data}, grad=${this._grad}${label ? `, label=${label}` : ''})`;
  }

  /** What `JSON.stringify` writes: `{ data, grad, label, op }`, never the graph below. */
  toJSON(): ValueJSON {
    return { data: this._data, grad: this._grad, label: this.label, op: this._op };
  }

  /** Text for `${v}` and `String(v)`; any other conversion (`a + b`, `a * 2`, `a < b`) is a TypeError. */
  [Symbol.toPrimitive](hint: string): string {
    if (hint === 'string') return this.toString();
    if (dataHook !== null) dataHook(this, 'number');
    throw new TypeError('Value: a Value is not a number: use a.add(b), a.mul(b), … to compute with Values, a.data for the number, or String(a) for text');
  }
}

// Every node is allocated here. The no-grad check lives here too: without a
// graph, an op's result is a leaf that holds only its value.
function node(data: number, op: OpName, a: Value, da: number, b: Value | null = null, db = 0): Value {
  const v = new Value(data);
  if (gradEnabled) {
    v._op = op;
    v._a = a;
    v._da = da;
    v._b = b;
    v._db = db;
  }
  return v;
}

// ---- IEEE arithmetic as PyTorch computes it, where JavaScript's differs ----

/** @internal a^b as C's `pow`: JavaScript's `**` differs only by giving NaN for 1^y (y NaN or ±∞) and (−1)^±∞, which are 1. */
export function powc(a: number, b: number): number {
  const p = a ** b;
  return p === p || (a !== 1 && (a !== -1 || (b !== Infinity && b !== -Infinity))) ? p : 1;
}

/**
 * @internal a^k for a number k as PyTorch's `pow(Tensor, Scalar)`: exponents
 * 0, 1, 2, 3, −1, −2, ½ and −½ have kernels of their own (so (−0)^½ = −0 and
 * (−∞)^½ = NaN, as `sqrt`; 1/(a·a) rounds as it does); any other is C's pow.
 */
export function powk(a: number, k: number): number {
  return k === 2 ? a * a : k === -1 ? 1 / a : k === 0.5 ? Math.sqrt(a) : k === 1 ? a : k === 0 ? 1
    : k === 3 ? a * a * a : k === -2 ? 1 / (a * a) : k === -0.5 ? 1 / Math.sqrt(a) : powc(a, k);
}

/** @internal log(e^a + e^b) as PyTorch's `logaddexp`: max(a, b) + log1p(e^−|a−b|), and an equal infinity gives itself. */
export function logaddexp(a: number, b: number): number {
  // e^−|a−b| ≤ 1 never overflows; a − b is NaN for equal infinities.
  return a === b && (a === Infinity || a === -Infinity) ? a : Math.max(a, b) + Math.log1p(Math.exp(-Math.abs(a - b)));
}

// V8 picks a field's storage from the first values it sees. Seeing null here
// keeps `_data`, `_da` and `_db` as tagged fields, so `mul` stores its inputs'
// number boxes by reference instead of allocating new ones, and no field
// ever changes storage mid-run; `_grad` is made an unboxed double so `+=` in
// `backward()` writes in place. (Measured: 152 → 120 bytes per `mul` node.)
// The object stays alive (exported): V8 forgets the choice at a garbage
// collection once no object uses it, e.g. when an app loads data before
// building its first Value.
/** @internal */
export const warmed = new Value(0);
{
  const loose = warmed as unknown as Record<'_data' | '_da' | '_db', unknown>;
  loose._data = loose._da = loose._db = null;
  warmed._grad = 0.5;
}

// Walks use `_mark` as a parent counter instead of a visited Set: outside a
// walk every node's `_mark` is 0; `countParents` sets it to minus the number of
// parents the node has below the root, and a walk counts it back up to 0.
// (Recording a million pointers in an order array cost more than the whole
// backward pass, so `backward()` keeps no order.)
function countParents(root: Value): void {
  const stack: Value[] = [root];
  while (stack.length > 0) {
    const v = stack.pop()!;
    const a = v._a!, b = v._b;
    if (a._a !== null && a._mark-- === 0) stack.push(a);
    if (b !== null && b._a !== null && b._mark-- === 0) stack.push(b);
  }
}

const isValue = instance(Value, 'a Value');

/**
 * The nodes that have inputs, parents before children: the order in which
 * `backward()` visits them (leaves are left out: they pass nothing on).
 * Iterative, so depth is limited only by memory.
 */
export function topo(root: Value): Value[] {
  isValue(root, 'topo', 'root');
  const order: Value[] = [];
  if (root._a === null) return order;
  countParents(root);
  const ready: Value[] = [root];
  while (ready.length > 0) {
    const v = ready.pop()!;
    order.push(v);
    const a = v._a!, b = v._b;
    if (a._a !== null && ++a._mark === 0) ready.push(a);
    if (b !== null && b._a !== null && ++b._mark === 0) ready.push(b);
  }
  return order;
}

/**
 * Every node reachable from `root` — leaves and constants too — each once,
 * breadth first from the root, inputs in order (for pictures and counts; `topo`
 * is the order gradients flow in). Iterative, like every walk here.
 */
export function graphNodes(root: Value): Value[] {
  isValue(root, 'graphNodes', 'root');
  const order: Value[] = [root];
  const seen = new Set(order);
  for (let i = 0; i < order.length; i++) {
    const { _a: a, _b: b } = order[i]!;
    if (a !== null && !seen.has(a)) { seen.add(a); order.push(a); }
    if (b !== null && !seen.has(b)) { seen.add(b); order.push(b); }
  }
  return order;
}

/**
 * Runs `fn` without recording a graph, like `torch.no_grad()`: ops return
 * leaves holding only their value. Use it for inference over many points.
 */
export function noGrad<T>(fn: () => T): T {
  isFunction(fn, 'noGrad', 'fn');
  const previous = gradEnabled;
  gradEnabled = false;
  try {
    return fn();
  } finally {
    gradEnabled = previous;
  }
}

/** @internal Installs the tracer's `.data` hook (null removes it); returns the previous one. */
export function setDataHook(hook: typeof dataHook): typeof dataHook {
  const previous = dataHook;
  dataHook = hook;
  return previous;
}

/** Whether ops currently record a graph (false inside `noGrad`). */
export function isGradEnabled(): boolean {
  return gradEnabled;
}

/**
 * Wraps a number as a constant leaf and passes a `Value` through; anything
 * else is a TypeError: `${where}: expected ${what} to be a Value or a number, got …`.
 */
export function toValue(x: ValueLike, where: string, what = 'the argument'): Value {
  if (x instanceof Value) return x;
  if (typeof x === 'number') return new Value(x);
  throw typeError(where, what, 'a Value or a number', x);
}
