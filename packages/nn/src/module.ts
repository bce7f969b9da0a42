import { Value, type ValueLike } from '@ugrad/engine';
import { bool, finite, isPlainObject, object, parseOptions, typeError, withDefault, type Check } from '@ugrad/engine/internal';

/** What `loadStateDict` skipped without `strict` (PyTorch's `_IncompatibleKeys`). */
export interface LoadResult {
  /** The module's parameters the state did not hold. */
  missingKeys: string[];
  /** The state's keys that name no parameter of the module. */
  unexpectedKeys: string[];
}

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
 * A getter is not a field: the walks never call one.
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
    walk(this, (path, member) => { if (member instanceof Value) out.push([path, member]); });
    return out;
  }

  /** Every parameter, in the order of `namedParameters()`. */
  parameters(): Value[] {
    return this.namedParameters().map(([, p]) => p);
  }

  /** This module (named `''`) and every sub-module below it, depth first, each once. */
  namedModules(): [string, AnyModule][] {
    const out: [string, AnyModule][] = [];
    walk(this, (path, member) => { if (member instanceof Module) out.push([path, member]); });
    return out;
  }

  /** This module and every sub-module, in the order of `namedModules()`. */
  modules(): AnyModule[] {
    return this.namedModules().map(([, m]) => m);
  }

  /** The sub-modules held directly in this module's fields, with their field paths. */
  namedChildren(): [string, AnyModule][] {
    const out: [string, AnyModule][] = [];
    walk(this, (path, member, depth) => { if (depth === 1 && member instanceof Module) out.push([path, member]); }, false);
    return out;
  }

  /** Sets every parameter's `grad` to 0 (call it before each `backward()`). */
  zeroGrad(): void {
    for (const p of this.parameters()) p.grad = 0;
  }

  /**
   * Freezes every parameter of this module and its sub-modules (PyTorch's
   * `requires_grad_(False)`): optimizers leave them bit for bit as they are,
   * clipping ignores them and a compiled step computes no gradient for them.
   * `parameters()` still lists them. Freeze a single parameter with
   * `p.requiresGrad = false`. Returns `this`.
   * @example model.layers[0]!.freeze(); // fine-tune the layers above it
   */
  freeze(): this {
    for (const p of this.parameters()) p.requiresGrad = false;
    return this;
  }

  /** Undoes {@link freeze} for every parameter of this module and its sub-modules; returns `this`. */
  unfreeze(): this {
    for (const p of this.parameters()) p.requiresGrad = true;
    return this;
  }

  /** Sets `training` on this module and every sub-module; returns `this`. */
  train(mode = true): this {
    const on = bool(mode, `${this.constructor.name}.train`, 'mode');
    for (const m of this.modules()) m.training = on;
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
  loadStateDict(state: Readonly<Record<string, number>>, options: { strict?: boolean } = {}): LoadResult {
    const where = `${this.constructor.name}.loadStateDict`;
    const { strict } = parseOptions(where, options, { strict: withDefault(bool, true) });
    const s = object(state, where, 'state');
    const named = this.namedParameters();
    const { missingKeys, unexpectedKeys } = keyDiff(named.map(([name]) => name), s);
    if (strict && (missingKeys.length > 0 || unexpectedKeys.length > 0)) throw new RangeError(`${where}: ${keyProblems(missingKeys, unexpectedKeys)}`);
    const writes: [Value, number][] = [];
    for (const [name, p] of named) if (Object.hasOwn(s, name)) writes.push([p, finite(s[name], where, `state[${JSON.stringify(name)}]`)]);
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
   * sub-module on its own line, indented. A sub-module whose class has its own
   * `toString` prints as that says. A module more than 32 levels down, or met
   * again inside itself (a cycle), prints as `Name(…)`.
   */
  toString(): string {
    const out: string[] = [];
    const emit = (text: string, indent: string, prefix: string) => text.split('\n').forEach((line, i) => out.push(`${indent}${i === 0 ? prefix : ''}${line}`));
    // Iterative, so a deep tree cannot overflow the stack: a module to print at a depth after a prefix, or (null) a closing parenthesis.
    const stack: [AnyModule | null, number, string][] = [[this, 0, '']];
    const open: AnyModule[] = [];
    while (stack.length > 0) {
      const [m, depth, prefix] = stack.pop()!;
      const indent = '  '.repeat(depth);
      if (m === null) {
        open.pop();
        out.push(`${indent})`);
        continue;
      }
      const name = m.constructor.name;
      if (m !== this && m.toString !== Module.prototype.toString) {
        emit(textOf(m.toString(), `${name}.toString`, 'what toString() returns'), indent, prefix);
        continue;
      }
      const extra = textOf(m.extraRepr(), `${name}.toString`, 'what extraRepr() returns');
      const children = m.namedChildren();
      if (children.length === 0) emit(`${name}(${extra})`, indent, prefix);
      else if (depth >= 32 || open.includes(m)) emit(`${name}(…)`, indent, prefix);
      else {
        out.push(`${indent}${prefix}${name}(`);
        if (extra !== '') emit(extra, `${indent}  `, '');
        open.push(m);
        stack.push([null, depth, '']);
        for (let i = children.length - 1; i >= 0; i--) stack.push([children[i]![1], depth + 1, `(${children[i]![0]}): `]);
      }
    }
    return out.join('\n');
  }

  /** What `JSON.stringify(model)` writes: {@link stateDict}, the parameters by name (not the tree of objects). */
  toJSON(): Record<string, number> {
    return this.stateDict();
  }

  /** Text for `${model}` and `String(model)`; a module used as a number (`model + 1`, `+model`) is a TypeError. */
  [Symbol.toPrimitive](hint: string): string {
    return primitive(this, hint, 'a Module', 'call model.forward(x) to compute with it');
  }
}

/**
 * @internal What a module, optimizer or trainer gives where a primitive is
 * wanted: its `toString()` for text, else a TypeError (`+model` would be NaN,
 * and `model + 1` a string).
 */
export function primitive(x: object, hint: string, what: string, instead: string): string {
  const name = x.constructor.name;
  if (hint !== 'string') throw new TypeError(`${name}: ${what} is not a number: ${instead}, or String(x) for text`);
  return textOf(x.toString(), name, 'what toString() returns');
}

// A user's method (extraRepr, toString) must give text.
function textOf(x: unknown, where: string, what: string): string {
  if (typeof x !== 'string') throw typeError(where, what, 'a string', x);
  return x;
}

/**
 * The one walk over a module tree, which every listing above reads (PyTorch's
 * `_named_members`): each Value and Module held in a module's fields — also in
 * arrays and plain objects — in declaration order, depth first, each once (the
 * first path found names it), with its dotted path and how many modules deep
 * it sits (1 for a module's own fields). The root module itself comes first,
 * named ''. Anything else in a field (numbers, strings, an Rng, a Map) is
 * configuration and skipped; a container met twice (a cycle, or shared) is
 * searched once. With `descend` false, sub-modules are visited but not
 * entered (PyTorch's `named_children`). Iterative, so a deep tree cannot
 * overflow the stack.
 */
function walk(root: AnyModule, visit: (path: string, member: Value | AnyModule, depth: number) => void, descend = true): void {
  const seen = new Set<unknown>();
  // Entries to look at, last first: a path, a value, and its module depth.
  const stack: [string, unknown, number][] = [['', root, 0]];
  while (stack.length > 0) {
    const [path, x, depth] = stack.pop()!;
    if (seen.has(x)) continue;
    if (x instanceof Value) {
      seen.add(x);
      visit(path, x, depth);
      continue;
    }
    const isModule = x instanceof Module;
    if (!isModule && !Array.isArray(x) && !isPlainObject(x)) continue;
    seen.add(x);
    if (isModule) {
      visit(path, x, depth);
      if (!descend && x !== root) continue;
    }
    const fields = Object.keys(x as object).filter((key) => !(isModule && key === 'training'));
    const inner = isModule ? depth + 1 : depth;
    for (let i = fields.length - 1; i >= 0; i--) {
      const key = fields[i]!;
      // Fields hold data: a getter is code (it may throw, or list the parameters itself), so it is skipped.
      const d = Array.isArray(x) ? null : Object.getOwnPropertyDescriptor(x, key);
      if (d !== null && (d === undefined || !('value' in d))) continue;
      stack.push([path === '' ? key : `${path}.${key}`, d === null ? (x as Record<string, unknown>)[key] : d.value, inner]);
    }
  }
}

/** @internal Names in `expected` missing from `state`, and keys of `state` not in `expected`. */
export function keyDiff(expected: readonly string[], state: object): { missingKeys: string[]; unexpectedKeys: string[] } {
  const known = new Set(expected);
  return { missingKeys: expected.filter((name) => !Object.hasOwn(state, name)), unexpectedKeys: Object.keys(state).filter((key) => !known.has(key)) };
}

/** @internal `missing keys "a", "b"; unexpected key "c"` (the first five of each, then how many more). */
export function keyProblems(missing: readonly string[], unexpected: readonly string[]): string {
  const list = (keys: readonly string[]) => `key${keys.length === 1 ? '' : 's'} ${keys.slice(0, 5).map((k) => `"${k}"`).join(', ')}${keys.length > 5 ? ` and ${keys.length - 5} more` : ''}`;
  return [...(missing.length > 0 ? [`missing ${list(missing)}`] : []), ...(unexpected.length > 0 ? [`unexpected ${list(unexpected)}`] : [])].join('; ');
}

/**
 * @internal The objects a class's constructor made, told apart from a Proxy
 * or an `Object.create` of one, which passes `instanceof` but holds none of
 * the private state the class's methods read: `add` in the constructor,
 * `check` where one is taken.
 */
export function madeBy<T extends object>(C: abstract new (...args: never[]) => T, name: string): { add: (x: T) => void; check: Check<T> } {
  const made = new WeakSet<object>();
  return {
    add: (x) => { made.add(x); },
    check: (x, where, what) => {
      if (!(x instanceof C)) throw typeError(where, what, name, x);
      if (!made.has(x)) throw typeError(where, what, `${name} made by its constructor (a Proxy or a copy holds none of its state)`, x);
      return x;
    },
  };
}
