/** A `Value` or a plain number; numbers are wrapped as constant leaves. */
export type ValueLike = Value | number;

// Labels are rare (lecture examples, pictures), so they live beside the graph
// instead of costing every node a field.
const labels = new WeakMap<Value, string>();

let gradEnabled = true;

// Set while a graph is being traced for compilation (compile.ts), to catch user
// code that reads or writes `.data`: a replay could not follow such code. The
// engine itself uses `_data`, so its ops never trigger the hook.
let dataHook: ((v: Value) => void) | null = null;

/**
 * A scalar that remembers how it was computed, so gradients can flow back to it.
 *
 * Each op stores its inputs (`_a`, `_b`) and the local derivative of its output
 * with respect to each (`_da`, `_db`), computed in the same line as the value.
 * `backward()` is then one generic loop: `child.grad += local * node.grad`.
 * For unary ops `_db` holds the op's constant (pow's exponent, leakyRelu's slope)
 * so a replay of the graph can recompute the derivative.
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
  /** d(root)/d(this), filled by `backward()`; starts at 0 and accumulates. */
  grad = 0;
  /** @internal first input, or null for a leaf */
  _a: Value | null = null;
  /** @internal second input, or null */
  _b: Value | null = null;
  /** @internal d(this)/d(_a) */
  _da = 0;
  /** @internal d(this)/d(_b), or the op's constant for unary ops */
  _db = 0;
  /** @internal */
  _op = '';
  /** @internal parent counter of graph walks; 0 outside a walk */
  _mark = 0;

  /**
   * @param data the number this leaf holds
   * @param label an optional name shown by `toDot` and `toString`
   */
  constructor(data: number, label?: string) {
    if (typeof data !== 'number') throw new TypeError(`new Value: expected data to be a number, got ${describe(data)}`);
    this._data = data;
    if (label !== undefined) this.label = label;
  }

  /** The number this node holds. */
  get data(): number {
    if (dataHook !== null) dataHook(this);
    return this._data;
  }
  set data(x: number) {
    if (dataHook !== null) dataHook(this);
    this._data = x;
  }

  /** A display name; '' unless set. */
  get label(): string {
    return labels.get(this) ?? '';
  }
  set label(name: string) {
    if (typeof name !== 'string') throw new TypeError(`Value.label: expected a string, got ${describe(name)}`);
    labels.set(this, name);
  }

  /** The op that made this node: `'+'`, `'*'`, `'tanh'`, …; `''` for a leaf. */
  get op(): string {
    return this._op;
  }

  /** The inputs of the op that made this node (empty for a leaf). */
  get children(): Value[] {
    if (this._a === null) return [];
    return this._b === null ? [this._a] : [this._a, this._b];
  }

  // ---- primitives: value and local derivatives side by side ----

  /** `this + other` */
  add(other: ValueLike): Value {
    const o = toValue(other, 'Value.add');
    return node(this._data + o._data, '+', this, 1, o, 1); // d(a+b)/da = 1, d(a+b)/db = 1
  }

  /** `this * other` */
  mul(other: ValueLike): Value {
    const o = toValue(other, 'Value.mul');
    return node(this._data * o._data, '*', this, o._data, o, this._data); // d(ab)/da = b, d(ab)/db = a
  }

  /**
   * `this ** exponent`. A number exponent is a constant; a `Value` exponent
   * receives its own gradient, `a^b · ln a`.
   */
  pow(exponent: ValueLike): Value {
    const a = this._data;
    if (typeof exponent === 'number') {
      // d(a^k)/da = k·a^(k-1); PyTorch defines it as 0 for k = 0, even at a = 0.
      return node(a ** exponent, '**', this, exponent === 0 ? 0 : exponent * a ** (exponent - 1), null, exponent);
    }
    const e = toValue(exponent, 'Value.pow');
    const b = e._data;
    const out = a ** b;
    // d(a^b)/da = b·a^(b-1); d(a^b)/db = a^b·ln a, which PyTorch sets to 0 where a = 0 and b >= 0.
    return node(out, '**', this, b === 0 ? 0 : b * a ** (b - 1), e, a === 0 && b >= 0 ? 0 : out * Math.log(a));
  }

  /** e^this */
  exp(): Value {
    const out = Math.exp(this._data);
    return node(out, 'exp', this, out, null, 0); // d(e^a)/da = e^a
  }

  /** Natural log; `log(0)` is -Infinity and `log(-1)` NaN, as in IEEE and PyTorch. */
  log(): Value {
    return node(Math.log(this._data), 'log', this, 1 / this._data, null, 0); // d(ln a)/da = 1/a
  }

  /** Hyperbolic tangent; saturates to ±1 with gradient 0, never NaN. */
  tanh(): Value {
    const t = Math.tanh(this._data);
    return node(t, 'tanh', this, 1 - t * t, null, 0); // d(tanh a)/da = 1 - tanh²a
  }

  /** Logistic sigmoid, computed without overflow for any input. */
  sigmoid(): Value {
    const a = this._data;
    // e^-|a| never overflows, so neither branch does.
    const e = Math.exp(-Math.abs(a));
    const s = a >= 0 ? 1 / (1 + e) : e / (1 + e);
    return node(s, 'sigmoid', this, s * (1 - s), null, 0); // dσ/da = σ(1-σ)
  }

  /** max(0, this); the derivative at 0 is 0, as in PyTorch. NaN passes through. */
  relu(): Value {
    const a = this._data;
    return node(a <= 0 ? 0 : a, 'relu', this, a > 0 ? 1 : 0, null, 0);
  }

  /** `this` if positive, else `slope · this` (PyTorch's leaky_relu; default slope 0.01). */
  leakyRelu(slope = 0.01): Value {
    if (typeof slope !== 'number') throw new TypeError(`Value.leakyRelu: expected slope to be a number, got ${describe(slope)}`);
    const a = this._data;
    return node(a > 0 ? a : slope * a, 'leakyRelu', this, a > 0 ? 1 : slope, null, slope);
  }

  /** |this|; the derivative at 0 is 0, as in PyTorch. */
  abs(): Value {
    const a = this._data;
    return node(Math.abs(a), 'abs', this, a > 0 ? 1 : a < 0 ? -1 : 0, null, 0); // d|a|/da = sign(a)
  }

  /**
   * log(e^this + e^other), computed as max + log1p(e^−|a−b|) so that nothing
   * overflows (PyTorch's `logaddexp`). Equal infinities give themselves, as in
   * PyTorch, with derivatives ½ and ½ where PyTorch's are NaN.
   */
  logAddExp(other: ValueLike): Value {
    const o = toValue(other, 'Value.logAddExp');
    const a = this._data, b = o._data;
    // e^−|a−b| ≤ 1 never overflows; a === b covers ±∞ too, where a − b is NaN.
    const e = a === b ? 1 : Math.exp(-Math.abs(a - b));
    // d/da = σ(a−b), d/db = σ(b−a), each in the form that does not cancel (as sigmoid)
    return node(Math.max(a, b) + Math.log1p(e), 'logAddExp', this, a >= b ? 1 / (1 + e) : e / (1 + e), o, a >= b ? e / (1 + e) : 1 / (1 + e));
  }

  // ---- derived ops: composed from primitives, no gradient code of their own ----

  /**
   * log(1 + e^this), stable for any input; its derivative is σ(this). Exact
   * everywhere, unlike PyTorch's `softplus`, which returns its input above 20.
   */
  softplus(): Value {
    // logAddExp(a, 0) is the stable form itself: a > 0 ? a + log1p(e^−a) : log1p(e^a)
    return this.logAddExp(0);
  }

  /** `-this` */
  neg(): Value {
    return this.mul(-1);
  }

  /** `this - other` */
  sub(other: ValueLike): Value {
    return this.add(toValue(other, 'Value.sub').neg());
  }

  /** `this / other` */
  div(other: ValueLike): Value {
    return this.mul(toValue(other, 'Value.div').pow(-1));
  }

  /** √this */
  sqrt(): Value {
    return this.pow(0.5);
  }

  /**
   * Backpropagates from this node: sets `this.grad = 1`, then applies the chain
   * rule in reverse topological order. Gradients accumulate (`+=`), so call
   * `zeroGrad()` (on the graph or the parameters) between steps.
   */
  backward(): void {
    this.grad = 1;
    if (this._a === null) return;
    countParents(this);
    // Kahn's algorithm: a node is ready once every parent has passed it its
    // gradient, i.e. when its parent count climbs back to 0.
    const ready: Value[] = [this];
    while (ready.length > 0) {
      const v = ready.pop()!;
      const g = v.grad, a = v._a!, b = v._b;
      a.grad += v._da * g;
      if (a._a !== null && ++a._mark === 0) ready.push(a);
      if (b !== null) {
        b.grad += v._db * g;
        if (b._a !== null && ++b._mark === 0) ready.push(b);
      }
    }
  }

  /** Sets `grad = 0` on every node reachable from this one, leaves included. */
  zeroGrad(): void {
    this.grad = 0;
    for (const v of topo(this)) {
      v._a!.grad = 0;
      if (v._b !== null) v._b.grad = 0;
    }
  }

  /** e.g. `Value(data=2, grad=0, label=a)` */
  toString(): string {
    const label = this.label;
    return `Value(data=${this._data}, grad=${this.grad}${label ? `, label=${label}` : ''})`;
  }
}

// Every node is allocated here. The no-grad check lives here too: without a
// graph, an op's result is a leaf that holds only its value.
function node(data: number, op: string, a: Value, da: number, b: Value | null, db: number): Value {
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

// V8 picks a field's storage from the first values it sees. Seeing null here
// keeps `_data`, `_da` and `_db` as tagged fields, so `mul` stores its inputs'
// number boxes by reference instead of allocating new ones, and no field
// ever changes storage mid-run; `grad` is made an unboxed double so `+=` in
// `backward()` writes in place. (Measured: 152 → 120 bytes per `mul` node.)
// The object stays alive (exported): V8 forgets the choice at a garbage
// collection once no object uses it, e.g. when an app loads data before
// building its first Value.
/** @internal */
export const warmed = new Value(0);
{
  const loose = warmed as unknown as Record<'_data' | '_da' | '_db', unknown>;
  loose._data = loose._da = loose._db = null;
  warmed.grad = 0.5;
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

/**
 * The nodes that have inputs, parents before children: the order in which
 * `backward()` visits them (leaves are left out: they pass nothing on).
 * Iterative, so depth is limited only by memory.
 */
export function topo(root: Value): Value[] {
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
  const previous = gradEnabled;
  gradEnabled = false;
  try {
    return fn();
  } finally {
    gradEnabled = previous;
  }
}

/** @internal Installs the tracer's `.data` hook (null removes it); returns the previous one. */
export function setDataHook(hook: ((v: Value) => void) | null): ((v: Value) => void) | null {
  const previous = dataHook;
  dataHook = hook;
  return previous;
}

/** Whether ops currently record a graph (false inside `noGrad`). */
export function isGradEnabled(): boolean {
  return gradEnabled;
}

/** Wraps a number as a constant leaf; passes a `Value` through; anything else is a TypeError naming `where`. */
export function toValue(x: ValueLike, where: string): Value {
  if (x instanceof Value) return x;
  if (typeof x === 'number') return new Value(x);
  throw new TypeError(`${where}: expected a Value or a number, got ${describe(x)}`);
}

/** How a received argument reads in an error message: `string "3"`, `undefined`, `bigint 3n`. */
export function describe(x: unknown): string {
  if (x === null || x === undefined) return String(x);
  switch (typeof x) {
    case 'string': return `string ${JSON.stringify(x)}`;
    case 'bigint': return `bigint ${x}n`;
    case 'number': case 'boolean': return `${typeof x} ${x}`;
    case 'function': return 'a function';
    case 'symbol': return 'a symbol';
  }
  if (Array.isArray(x)) return `an array of length ${x.length}`;
  const name = (x as object).constructor?.name;
  return name && name !== 'Object' ? `${/^[AEIOU]/.test(name) ? 'an' : 'a'} ${name}` : 'an object';
}
