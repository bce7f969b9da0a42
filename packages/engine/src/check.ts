import { describe } from './value.js';

// The one way ugrad checks what a public function receives, and the one
// message it gives when something is wrong:
//
//   `${where}: expected ${what} to be ${wanted}, got ${received}`
//   e.g. `moons: expected options.n to be an integer ≥ 2, got string "3"`
//
// A wrong kind of thing is a TypeError and names the kind it got (the
// engine's `describe`); the right kind with a bad value is a RangeError and
// shows the value. Every options object is read by `parseOptions` against a
// schema of checks, so unknown keys are refused everywhere and every check
// runs before the caller does anything. Exported from `@ugrad/engine/internal`
// for @ugrad/nn; not part of the public API.

/** Checks one argument: returns it (typed, perhaps defaulted) or throws the one message. */
export type Check<T> = (x: unknown, where: string, what: string) => T;

/** How a received value reads after "got": its kind for a TypeError, the value itself for a RangeError. */
export function received(x: unknown, kind: 'type' | 'range'): string {
  if (kind === 'range') {
    if (typeof x === 'number') return Object.is(x, -0) ? '-0' : String(x);
    if (typeof x === 'string') return JSON.stringify(x);
  }
  return describe(x);
}

/** `TypeError: where: expected what to be wanted, got <kind>`. */
export function typeError(where: string, what: string, wanted: string, x: unknown): TypeError {
  return new TypeError(`${where}: expected ${what} to be ${wanted}, got ${received(x, 'type')}`);
}

/** `RangeError: where: expected what to be wanted, got <value>`. */
export function rangeError(where: string, what: string, wanted: string, x: unknown): RangeError {
  return new RangeError(`${where}: expected ${what} to be ${wanted}, got ${received(x, 'range')}`);
}

/** A number check: not a number is a TypeError, a number failing `ok` a RangeError; both say `wanted`. */
export function num(wanted: string, ok: (x: number) => boolean): Check<number> {
  return (x, where, what) => {
    if (typeof x !== 'number') throw typeError(where, what, wanted, x);
    if (!ok(x)) throw rangeError(where, what, wanted, x);
    return x;
  };
}

/** Any finite number. */
export const finite = num('a finite number', Number.isFinite);
/** A whole number ≥ 1. */
export const count = num('a positive integer', (x) => Number.isSafeInteger(x) && x >= 1);
/** A whole number ≥ 0. */
export const whole = num('a whole number ≥ 0', (x) => Number.isSafeInteger(x) && x >= 0);
/** A finite number ≥ 0 (learning rates, penalties, noise). */
export const rate = num('finite and ≥ 0', (x) => Number.isFinite(x) && x >= 0);
/** A finite number > 0. */
export const positive = num('finite and > 0', (x) => Number.isFinite(x) && x > 0);

/** A whole number ≥ `min`. */
export function atLeast(min: number): Check<number> {
  return num(`an integer ≥ ${min}`, (x) => Number.isSafeInteger(x) && x >= min);
}

/** A number in [lo, hi], or [lo, hi) with `hiOpen`, or (lo, hi) with both open. */
export function between(lo: number, hi: number, open: { lo?: boolean; hi?: boolean } = {}): Check<number> {
  const wanted = `in ${open.lo ? '(' : '['}${lo}, ${hi}${open.hi ? ')' : ']'}`;
  return num(wanted, (x) => (open.lo ? x > lo : x >= lo) && (open.hi ? x < hi : x <= hi));
}

/** `true` or `false`. */
export const bool: Check<boolean> = (x, where, what) => {
  if (typeof x !== 'boolean') throw typeError(where, what, 'a boolean', x);
  return x;
};

/** A string. */
export const str: Check<string> = (x, where, what) => {
  if (typeof x !== 'string') throw typeError(where, what, 'a string', x);
  return x;
};

/** A function. */
export const fn: Check<(...args: never[]) => unknown> = (x, where, what) => {
  if (typeof x !== 'function') throw typeError(where, what, 'a function', x);
  return x as (...args: never[]) => unknown;
};

/** One of the given strings: another type is a TypeError, another string a RangeError. */
export function oneOf<T extends string>(values: readonly T[]): Check<T> {
  const wanted = `one of ${values.map((v) => `'${v}'`).join(', ')}`;
  return (x, where, what) => {
    if (typeof x !== 'string') throw typeError(where, what, wanted, x);
    if (!(values as readonly string[]).includes(x)) throw rangeError(where, what, wanted, x);
    return x as T;
  };
}

/** An instance of `C` (named `name` in messages, e.g. 'an Optimizer'). */
export function instance<T>(C: abstract new (...args: never[]) => T, name: string): Check<T> {
  return (x, where, what) => {
    if (!(x instanceof C)) throw typeError(where, what, name, x);
    return x;
  };
}

/** A plain object (not null, not an array, not a class instance such as a Map). */
export const object: Check<Record<string, unknown>> = (x, where, what) => {
  if (!isPlainObject(x)) throw typeError(where, what, 'an object', x);
  return x;
};

/** An array whose items pass `item` (named `what[i]`); `length` or `min` bound its length. */
export function arrayOf<T>(item: Check<T>, size: { length?: number; min?: number } = {}): Check<T[]> {
  return (x, where, what) => {
    if (!Array.isArray(x)) throw typeError(where, what, 'an array', x);
    if (size.length !== undefined && x.length !== size.length) {
      throw new RangeError(`${where}: expected ${what} to have ${size.length} entries, got ${x.length}`);
    }
    if (size.min !== undefined && x.length < size.min) {
      throw new RangeError(`${where}: expected ${what} to have at least ${size.min} entr${size.min === 1 ? 'y' : 'ies'}, got ${x.length}`);
    }
    const out = new Array<T>(x.length);
    for (let i = 0; i < x.length; i++) out[i] = item(x[i], where, `${what}[${i}]`);
    return out;
  };
}

/** `check`, or undefined when the value is missing. */
export function optional<T>(check: Check<T>): Check<T | undefined> {
  return (x, where, what) => (x === undefined ? undefined : check(x, where, what));
}

/** `check`, or `fallback` when the value is missing. */
export function withDefault<T>(check: Check<T>, fallback: T): Check<T> {
  return (x, where, what) => (x === undefined ? fallback : check(x, where, what));
}

/** `null`, or `check`. */
export function nullable<T>(check: Check<T>): Check<T | null> {
  return (x, where, what) => (x === null ? null : check(x, where, what));
}

/** A schema: one check per allowed key. */
export type Schema = Readonly<Record<string, Check<unknown>>>;
/** What a schema's checks return, key by key. */
export type Parsed<S extends Schema> = { [K in keyof S]: ReturnType<S[K]> };

/**
 * Reads an options object against its schema: it must be a plain object
 * (`undefined` reads as `{}`), every key must be in the schema (a typo would
 * otherwise be ignored), and each field passes its check, named
 * `${what}.${key}` (or `key` alone when `what` is ''). Returns the checked
 * values (defaults filled in).
 *
 * @example
 * const o = parseOptions('moons', options, { n: withDefault(atLeast(2), 100), noise: withDefault(rate, 0) });
 */
export function parseOptions<S extends Schema>(where: string, options: unknown, schema: S, what = 'options'): Parsed<S> {
  const o = options === undefined ? {} : object(options, where, what);
  for (const key of Object.keys(o)) {
    if (!Object.hasOwn(schema, key)) {
      const name = what === 'options' ? `option ${JSON.stringify(key)}` : what === '' ? `key ${JSON.stringify(key)}` : `key ${JSON.stringify(key)} in ${what}`;
      throw new TypeError(`${where}: unknown ${name} (expected one of ${Object.keys(schema).join(', ')})`);
    }
  }
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(schema)) out[key] = schema[key]!(o[key], where, what === '' ? key : `${what}.${key}`);
  return out as Parsed<S>;
}

/** A required object read against a schema (a nested part of a saved state, say): missing is an error, not `{}`. */
export function shape<S extends Schema>(schema: S): Check<Parsed<S>> {
  return (x, where, what) => parseOptions(where, object(x, where, what), schema, what);
}

/** Plain objects: `{}` literals and `Object.create(null)`, not arrays, Maps or class instances. */
export function isPlainObject(x: unknown): x is Record<string, unknown> {
  if (typeof x !== 'object' || x === null) return false;
  const proto: unknown = Object.getPrototypeOf(x);
  return proto === Object.prototype || proto === null;
}

/** Rethrows `err` (same class) with `prefix` before its message; the original is the `cause`. */
export function withContext(err: unknown, prefix: string): unknown {
  if (!(err instanceof Error)) return err;
  const E = err instanceof TypeError ? TypeError : err instanceof RangeError ? RangeError : err instanceof SyntaxError ? SyntaxError : Error;
  const out = new E(prefix + err.message, { cause: err });
  // OS errors keep their code (ENOENT, EACCES) so callers can still branch on it.
  const code = (err as { code?: unknown }).code;
  if (code !== undefined) (out as { code?: unknown }).code = code;
  return out;
}
