// The one way ugrad checks what a public function receives, and the one
// message it gives when something is wrong:
//
//   `${where}: expected ${what} to be ${wanted}, got ${received}`
//   e.g. `moons: expected options.n to be an integer ≥ 2, got string "3"`
//
// A wrong kind of thing is a TypeError and names the kind it got
// (`describe`); the right kind with a bad value is a RangeError and shows the
// value. Every options object is read by `parseOptions` against a schema of
// checks, so unknown keys are refused everywhere and every check runs before
// the caller does anything. Exported from `@ugrad/engine/internal` for
// @ugrad/nn; not part of the public API.
//
// These helpers are themselves exported, so they too refuse bad arguments
// with the one message, and building a message never throws, whatever it
// describes (a Symbol, a revoked Proxy, an object whose getters throw).

/** Checks one argument: returns it (typed, perhaps defaulted) or throws the one message. */
export type Check<T> = (x: unknown, where: string, what: string) => T;

/** How a received argument reads in an error message: `string "3"`, `undefined`, `bigint 3n`, `a Map`. Never throws. */
export function describe(x: unknown): string {
  if (x === null || x === undefined) return String(x);
  switch (typeof x) {
    case 'string': return `string ${JSON.stringify(x.length > 40 ? `${x.slice(0, 40)}…` : x)}`;
    case 'bigint': return `bigint ${x}n`;
    case 'number': return `number ${Object.is(x, -0) ? '-0' : x}`;
    case 'boolean': return `boolean ${x}`;
    case 'function': return 'a function';
    case 'symbol': return 'a symbol';
  }
  try {
    if (Array.isArray(x)) return `an array of length ${x.length}`;
    const name: unknown = (x as { constructor?: { name?: unknown } }).constructor?.name;
    return typeof name === 'string' && name !== '' && name !== 'Object' ? `${/^[AEIOU]/.test(name) ? 'an' : 'a'} ${name}` : 'an object';
  } catch {
    // a revoked Proxy, or a getter that throws: say no more than what it is
    return 'an object';
  }
}

// Text for a message from something that should be text: it is, or it is described.
function text(s: unknown): string {
  return typeof s === 'string' ? s : describe(s);
}

/** How a received value reads after "got": its kind for a TypeError, the value itself for a RangeError. */
export function received(x: unknown, kind: 'type' | 'range'): string {
  if (kind === 'range') {
    if (typeof x === 'number') return Object.is(x, -0) ? '-0' : String(x);
    if (typeof x === 'string') return JSON.stringify(x.length > 40 ? `${x.slice(0, 40)}…` : x);
  }
  return describe(x);
}

/** `TypeError: where: expected what to be wanted, got <kind>`. */
export function typeError(where: string, what: string, wanted: string, x: unknown): TypeError {
  return new TypeError(`${text(where)}: expected ${text(what)} to be ${text(wanted)}, got ${received(x, 'type')}`);
}

/** `RangeError: where: expected what to be wanted, got <value>`. */
export function rangeError(where: string, what: string, wanted: string, x: unknown): RangeError {
  return new RangeError(`${text(where)}: expected ${text(what)} to be ${text(wanted)}, got ${received(x, 'range')}`);
}

/** A number check: not a number is a TypeError, a number failing `ok` a RangeError; both say `wanted`. */
export function num(wanted: string, ok: (x: number) => boolean): Check<number> {
  str(wanted, 'num', 'wanted');
  fn(ok, 'num', 'ok');
  return (x, where, what) => {
    if (typeof x !== 'number') throw typeError(where, what, wanted, x);
    if (!ok(x)) throw rangeError(where, what, wanted, x);
    return x;
  };
}

/** Any number but NaN (±Infinity included). */
export const number = num('a number, not NaN', (x) => x === x);
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
  finite(min, 'atLeast', 'min');
  return num(`an integer ≥ ${min}`, (x) => Number.isSafeInteger(x) && x >= min);
}

/** A whole number in [lo, hi]. */
export function integer(lo: number, hi: number): Check<number> {
  finite(lo, 'integer', 'lo');
  finite(hi, 'integer', 'hi');
  return num(`an integer in [${lo}, ${hi}]`, (x) => Number.isSafeInteger(x) && x >= lo && x <= hi);
}

/** A number in [lo, hi], or [lo, hi) with `hiOpen`, or (lo, hi) with both open. */
export function between(lo: number, hi: number, open: { lo?: boolean; hi?: boolean } = {}): Check<number> {
  number(lo, 'between', 'lo');
  number(hi, 'between', 'hi');
  const o = parseOptions('between', open, { lo: optional(bool), hi: optional(bool) }, 'open');
  const wanted = `in ${o.lo ? '(' : '['}${lo}, ${hi}${o.hi ? ')' : ']'}`;
  return num(wanted, (x) => (o.lo ? x > lo : x >= lo) && (o.hi ? x < hi : x <= hi));
}

/** `true` or `false`. */
export function bool(x: unknown, where: string, what: string): boolean {
  if (typeof x !== 'boolean') throw typeError(where, what, 'a boolean', x);
  return x;
}

/** A string. */
export function str(x: unknown, where: string, what: string): string {
  if (typeof x !== 'string') throw typeError(where, what, 'a string', x);
  return x;
}

/** A function. */
export function fn(x: unknown, where: string, what: string): (...args: never[]) => unknown {
  if (typeof x !== 'function') throw typeError(where, what, 'a function', x);
  return x as (...args: never[]) => unknown;
}

/** One of the given strings: another type is a TypeError, another string a RangeError. */
export function oneOf<T extends string>(values: readonly T[]): Check<T> {
  arrayOf(str)(values, 'oneOf', 'values');
  const wanted = `one of ${values.map((v) => `'${v}'`).join(', ')}`;
  return (x, where, what) => {
    if (typeof x !== 'string') throw typeError(where, what, wanted, x);
    if (!(values as readonly string[]).includes(x)) throw rangeError(where, what, wanted, x);
    return x as T;
  };
}

/** An instance of `C` (named `name` in messages, e.g. 'an Optimizer'). */
export function instance<T>(C: abstract new (...args: never[]) => T, name: string): Check<T> {
  fn(C, 'instance', 'C');
  str(name, 'instance', 'name');
  return (x, where, what) => {
    if (!(x instanceof C)) throw typeError(where, what, name, x);
    return x;
  };
}

/** A plain object (not null, not an array, not a class instance such as a Map). */
export function object(x: unknown, where: string, what: string): Record<string, unknown> {
  if (!isPlainObject(x)) throw typeError(where, what, 'an object', x);
  return x;
}

/** An array whose items pass `item` (named `what[i]`); `length` or `min` bound its length. */
export function arrayOf<T>(item: Check<T>, size: { length?: number; min?: number } = {}): Check<T[]> {
  fn(item, 'arrayOf', 'item');
  const s = parseOptions('arrayOf', size, { length: optional(whole), min: optional(whole) }, 'size');
  return (x, where, what) => {
    if (!Array.isArray(x)) throw typeError(where, what, 'an array', x);
    if (s.length !== undefined && x.length !== s.length) {
      throw new RangeError(`${text(where)}: expected ${text(what)} to have ${s.length} entries, got ${x.length}`);
    }
    if (s.min !== undefined && x.length < s.min) {
      throw new RangeError(`${text(where)}: expected ${text(what)} to have at least ${s.min} entr${s.min === 1 ? 'y' : 'ies'}, got ${x.length}`);
    }
    const out = new Array<T>(x.length);
    for (let i = 0; i < x.length; i++) out[i] = item(x[i], where, `${text(what)}[${i}]`);
    return out;
  };
}

/** `check`, or undefined when the value is missing. */
export function optional<T>(check: Check<T>): Check<T | undefined> {
  fn(check, 'optional', 'check');
  return (x, where, what) => (x === undefined ? undefined : check(x, where, what));
}

/** `check`, or `fallback` when the value is missing. */
export function withDefault<T>(check: Check<T>, fallback: T): Check<T> {
  fn(check, 'withDefault', 'check');
  return (x, where, what) => (x === undefined ? fallback : check(x, where, what));
}

/** `null`, or `check`. */
export function nullable<T>(check: Check<T>): Check<T | null> {
  fn(check, 'nullable', 'check');
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
  const keys = Object.keys(object(schema, 'parseOptions', 'schema'));
  for (const key of keys) fn(schema[key], 'parseOptions', `schema.${key}`);
  const o = options === undefined ? {} : object(options, where, what);
  for (const key of Object.keys(o)) {
    if (!Object.hasOwn(schema, key)) {
      const name = what === 'options' ? `option ${JSON.stringify(key)}` : what === '' ? `key ${JSON.stringify(key)}` : `key ${JSON.stringify(key)} in ${text(what)}`;
      throw new TypeError(`${text(where)}: unknown ${name} (expected one of ${keys.join(', ')})`);
    }
  }
  const out: Record<string, unknown> = {};
  for (const key of keys) out[key] = schema[key]!(o[key], where, what === '' ? key : `${text(what)}.${key}`);
  return out as Parsed<S>;
}

/** A required object read against a schema (a nested part of a saved state, say): missing is an error, not `{}`. */
export function shape<S extends Schema>(schema: S): Check<Parsed<S>> {
  return (x, where, what) => parseOptions(where, object(x, where, what), schema, what);
}

/** Plain objects: `{}` literals and `Object.create(null)`, not arrays, Maps or class instances. */
export function isPlainObject(x: unknown): x is Record<string, unknown> {
  if (typeof x !== 'object' || x === null) return false;
  try {
    const proto: unknown = Object.getPrototypeOf(x);
    return proto === Object.prototype || proto === null;
  } catch {
    return false; // a revoked Proxy
  }
}

/** Rethrows `err` (same class) with `prefix` before its message; the original is the `cause`. */
export function withContext(err: unknown, prefix: string): unknown {
  str(prefix, 'withContext', 'prefix');
  if (!(err instanceof Error)) return err;
  const E = err instanceof TypeError ? TypeError : err instanceof RangeError ? RangeError : err instanceof SyntaxError ? SyntaxError : Error;
  const out = new E(prefix + text(err.message), { cause: err });
  // OS errors keep their code (ENOENT, EACCES) so callers can still branch on it.
  const code = (err as { code?: unknown }).code;
  if (code !== undefined) (out as { code?: unknown }).code = code;
  return out;
}
