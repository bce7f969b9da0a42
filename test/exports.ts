// The export walker: calls every export of an entry point — every function,
// every constructor, every method, getter and setter of every exported class,
// every function inside an exported table — with a battery of bad arguments,
// and reports each call that breaks the rule every ugrad package keeps:
//
//   A call either works, or throws a TypeError or RangeError (or an error
//   class the package documents, e.g. TraceError) whose message starts with
//   the function's name and a colon (`Value.add: expected …`), before any side
//   effect. Never another class of error, never a JavaScript internal message
//   ("Cannot read properties of undefined", "x is not a function",
//   "Maximum call stack size exceeded"), never a hang.
//
// An error thrown by the bad argument itself (a getter, a Proxy trap or a
// callback of the battery that throws `THROWN`) may pass through unchanged:
// it is the caller's own error.
//
// HOW TO USE IT (see packages/engine/test/exports.test.ts):
//
//   import * as entry from '@ugrad/nn';
//   const { problems } = await walkExports('@ugrad/nn', entry, specs, { errors: [SomeError] });
//   expect(problems).toEqual([]);
//
// `specs` has one entry per export — the walker fails on an export without
// one, or an entry without an export, so a new export cannot skip the rule:
//
// - a function: `{ args: () => [goodArg1, goodArg2] }` — arguments with which
//   the call works (made afresh for every call). Each position is then
//   replaced, one at a time, by each bad value. `fuzz: [0]` limits that to
//   some positions (for helpers whose other arguments are the library's own
//   text); `options: [1]` also replaces each key of the options object at that
//   position, one at a time, and adds an unknown key, which must be refused;
//   `prefix: 'compileStep'` changes the name the message must start with.
// - a class: `{ construct: { args: () => [...] }, members: { name: Call, … } }`
//   — the constructor's good arguments, then one entry per member of its
//   prototype chain (up to Object/Error): a method's good arguments, `{ args:
//   () => [] }` for a getter, a setter's one good value (an accessor pair is
//   one entry: the getter is called too). Symbol-keyed members are named like
//   `[Symbol.toPrimitive]`. `instance: () => obj` makes the object the members
//   are called on (default `new C(...construct.args())`), `statics` lists
//   static methods (a static that is a table: `{ value: true, nested }`), and `state: (obj) => …` what must not change when a
//   member's call fails (compared deeply).
// - a constant or a table: `{ value: true }`; functions inside it (found by a
//   walk through plain objects and arrays) need `nested: { 'path.to.fn': Call }`.
//
// `walk.bad` adds package-specific bad values (e.g. a Value made by an op where
// a leaf is wanted).

import { appendFileSync } from 'node:fs';
import { isDeepStrictEqual } from 'node:util';

// UGRAD_WALK_TRACE=file appends each call to `file` before it is made, to find
// a call that crashes the process (out of memory) or hangs.
const traceFile = process.env.UGRAD_WALK_TRACE;
const trace = (what: string): void => { if (traceFile) appendFileSync(traceFile, `${what}\n`); };

/** Good arguments for one function, and what to vary. */
export interface Call {
  /** Arguments with which the call works, made afresh for each call. */
  args: () => unknown[];
  /** Positions that get the bad values (default: every position of `args`). */
  fuzz?: readonly number[];
  /** Positions holding an options object whose keys are varied one at a time, and which must refuse an unknown key. */
  options?: readonly number[];
  /** What every message must start with, before ':' (default: the name, e.g. `Value.add`, `new Value`). */
  prefix?: string;
  /** Error classes this function documents besides those of the whole walk (e.g. SyntaxError for text that is not JSON). */
  errors?: readonly ErrorClass[];
}

type ErrorClass = abstract new (...args: never[]) => Error;

/** An exported class. */
export interface ClassSpec {
  construct: Call;
  members: Readonly<Record<string, Call>>;
  /** Static methods; a static table (not a function) as `{ value: true, nested }`. */
  statics?: Readonly<Record<string, Call | ValueSpec>>;
  instance?: () => object;
  state?: (instance: never) => unknown;
}

/** A constant or a table, and the functions inside it. */
export interface ValueSpec {
  value: true;
  nested?: Readonly<Record<string, Call>>;
}

export type ExportSpec = Call | ClassSpec | ValueSpec;

/** Options for {@link walkExports}. */
export interface Walk {
  /** Error classes the entry point documents besides TypeError and RangeError. */
  errors?: readonly ErrorClass[];
  /** Also let through an Error carrying the OS's string `code` (ENOENT, ENAMETOOLONG, …): for functions that touch files. */
  osErrors?: boolean;
  /** More bad values, for this package. */
  bad?: () => readonly [string, unknown][];
  /** A call slower than this (ms) is a problem (default 2000). */
  slow?: number;
}

/** What a bad argument throws by itself (from a getter, a Proxy trap or a callback): it may pass through. */
export const THROWN = new Error('thrown by the bad argument itself');
const thrower = (): never => { throw THROWN; };

/** The battery: bad arguments, each with a name for the report, made afresh (a function may change them). */
export function badValues(): [string, unknown][] {
  return BATTERY.map(([label, make]) => [label, make()]);
}

const BATTERY: readonly [string, () => unknown][] = [
  ['undefined', () => undefined], ['null', () => null], ['true', () => true], ['false', () => false],
  ...[0, -0, 1, -1, 0.5, NaN, Infinity, -Infinity, 1e308, -1e308, 2 ** 53, -(2 ** 53), 2 ** 31, 5e-324]
    .map((x): [string, () => unknown] => [Object.is(x, -0) ? '-0' : String(x), () => x]),
  ["''", () => ''], ["'x'", () => 'x'], ["'3'", () => '3'], ["'NaN'", () => 'NaN'], ['a 100k string', () => 'x'.repeat(100_000)],
  ['Symbol()', () => Symbol('bad')], ['10n', () => 10n],
  ['{}', () => ({})], ['Object.create(null)', () => Object.create(null)], ['a frozen {}', () => Object.freeze({})],
  ['[]', () => []], ['[1, 2]', () => [1, 2]], ['[[1], [1, 2]] (ragged)', () => [[1], [1, 2]]], ['[NaN]', () => [NaN]],
  ['[undefined]', () => [undefined]], ['new Array(3) (holes)', () => new Array(3)],
  ['a sparse array of length 2**32-1', () => { const a: unknown[] = []; a.length = 2 ** 32 - 1; return a; }],
  ['[Symbol()]', () => [Symbol('bad')]], ["['1']", () => ['1']], ['[{}]', () => [{}]], ['[[]]', () => [[]]],
  ['a cyclic array', () => { const a: unknown[] = []; a.push(a); return a; }],
  ['a cyclic object', () => { const o: Record<string, unknown> = {}; o.self = o; return o; }],
  ['new Map()', () => new Map()], ['new Set()', () => new Set()], ['new Date(NaN)', () => new Date(NaN)], ['/x/', () => /x/],
  ['new Float64Array(2)', () => new Float64Array(2)], ['new Uint8Array(0)', () => new Uint8Array(0)],
  ['new BigInt64Array(1)', () => new BigInt64Array(1)], ['new ArrayBuffer(8)', () => new ArrayBuffer(8)],
  ['a DataView', () => new DataView(new ArrayBuffer(8))],
  ['() => 1', () => () => 1], ['() => undefined', () => () => undefined], ['a function that throws', () => thrower],
  ['a Proxy whose traps throw', () => new Proxy({}, { get: thrower, has: thrower, ownKeys: thrower, getPrototypeOf: thrower, getOwnPropertyDescriptor: thrower })],
  ['an object whose getters throw', () => Object.defineProperties({}, Object.fromEntries(
    ['length', '0', 'data', 'grad', 'label', 'loss', 'outputs', 'params', 'inputs', 'sample', 'rankdir', 'digits', 'a', 'b', 'out', 'lr', 'n', 'size', 'min', 'lo', 'hi']
      .map((k) => [k, { get: thrower, enumerable: true }]),
  ))],
  ['an object whose conversions throw', () => ({ toString: thrower, valueOf: thrower, [Symbol.toPrimitive]: thrower, toJSON: thrower })],
  ['a Proxy of [1, 2]', () => new Proxy([1, 2], {})], ['a Proxy of {}', () => new Proxy({}, {})], ['new Error()', () => new Error('x')],
];

// One function to call: `make` gives the object a member is called on (and `state` reads), made afresh per call.
interface Target {
  name: string;
  prefix: string;
  spec: Call;
  call: (args: unknown[], obj: object | undefined) => unknown;
  make?: () => object;
  state?: (obj: object) => unknown;
}

/**
 * Walks `entry` (an entry point's module namespace, e.g. `import * as entry`)
 * as `specs` describe it, and returns every problem in words (an empty list
 * when every export keeps the rule) and how many calls were made.
 */
export async function walkExports(
  where: string, entry: Readonly<Record<string, unknown>>, specs: Readonly<Record<string, ExportSpec>>, walk: Walk = {},
): Promise<{ problems: string[]; calls: number }> {
  const problems: string[] = [];
  for (const name of Object.keys(entry)) if (!(name in specs)) problems.push(`${where}: export ${name} has no entry in the walker's specs`);
  for (const name of Object.keys(specs)) if (!(name in entry)) problems.push(`${where}: the specs name ${name}, which is not exported`);

  const targets: Target[] = [];
  for (const [name, spec] of Object.entries(specs)) {
    const x = entry[name];
    if (!(name in entry)) continue;
    if ('value' in spec) {
      targets.push(...nested(name, x, spec, problems));
    } else if ('members' in spec) {
      if (typeof x !== 'function') { problems.push(`${name}: specified as a class, but it is ${typeof x}`); continue; }
      targets.push(...classTargets(name, x as new (...a: unknown[]) => object, spec, problems));
    } else {
      if (typeof x !== 'function') { problems.push(`${name}: specified as a function, but it is ${typeof x}`); continue; }
      if (isClass(x)) { problems.push(`${name}: is a class: give it construct and members`); continue; }
      targets.push({ name, prefix: spec.prefix ?? name, spec, call: (args) => (x as (...a: unknown[]) => unknown)(...args) });
    }
  }

  let calls = 0;
  const slow = walk.slow ?? 2000;
  const allowed = [TypeError, RangeError, ...(walk.errors ?? [])];
  for (const t of targets) {
    // the good call must work, or nothing below means anything
    trace(`${t.name} with its good arguments`);
    const good = await attempt(() => t.call(t.spec.args(), t.make?.()));
    calls++;
    if (good.error !== undefined) { problems.push(`${t.name}: the good arguments of its spec fail: ${show(good.error)}`); continue; }
    // each bad value at each position, made afresh for each call
    const bad = (): [string, unknown][] => [...badValues(), ...(walk.bad?.() ?? [])];
    const tries: [string, () => unknown[]][] = [];
    const n = t.spec.args().length;
    for (const i of t.spec.fuzz ?? range(n)) {
      bad().forEach(([label], j) => {
        tries.push([`argument ${i} = ${label}`, () => { const args = t.spec.args(); args[i] = bad()[j]![1]; return args; }]);
      });
    }
    for (const i of t.spec.options ?? []) {
      const keys = Object.keys(t.spec.args()[i] as object);
      for (const key of keys) {
        bad().forEach(([label], j) => {
          tries.push([`argument ${i}.${key} = ${label}`, () => { const args = t.spec.args(); args[i] = { ...(args[i] as object), [key]: bad()[j]![1] }; return args; }]);
        });
      }
      // an unknown key must be refused, naming the function
      const args = t.spec.args();
      args[i] = { ...(args[i] as object), notAnOption: 1 };
      const r = await attempt(() => t.call(args, t.make?.()));
      calls++;
      if (r.error === undefined) problems.push(`${t.name}: accepted an unknown key notAnOption in argument ${i}`);
      else if (!(r.error instanceof TypeError) || !String(r.error.message).startsWith(`${t.prefix}:`)) problems.push(`${t.name}: refused an unknown key with ${show(r.error)}`);
    }
    for (const [what, make] of tries) {
      const args = make();
      const obj = t.make?.();
      const before = obj && t.state?.(obj);
      trace(`${t.name} with ${what}`);
      const start = performance.now();
      const r = await attempt(() => t.call(args, obj));
      const ms = performance.now() - start;
      calls++;
      if (ms > slow) problems.push(`${t.name} with ${what}: took ${Math.round(ms)} ms`);
      if (r.error === undefined || r.error === THROWN) continue;
      const e = r.error;
      const classes = [...allowed, ...(t.spec.errors ?? [])];
      const os = walk.osErrors === true && e instanceof Error && typeof (e as { code?: unknown }).code === 'string';
      const ok = (os || classes.some((E) => e instanceof E)) && typeof (e as Error).message === 'string' && (e as Error).message.startsWith(`${t.prefix}:`);
      if (!ok) problems.push(`${t.name} with ${what}: threw ${show(e)}; expected a ${classes.map((E) => E.name).join(' or ')} starting "${t.prefix}:"`);
      else if (obj && t.state && !isDeepStrictEqual(before, t.state(obj))) problems.push(`${t.name} with ${what}: threw, but changed the object's state first`);
    }
  }
  return { problems, calls };
}


function classTargets(name: string, C: new (...a: unknown[]) => object, spec: ClassSpec, problems: string[]): Target[] {
  const out: Target[] = [];
  const make = spec.instance ?? (() => new C(...spec.construct.args()));
  out.push({ name: `new ${name}`, prefix: spec.construct.prefix ?? `new ${name}`, call: (args) => new C(...args), spec: spec.construct });
  const members = new Map<string, PropertyDescriptor>();
  for (let p = C.prototype as object | null; p && p !== Object.prototype && p !== Error.prototype; p = Object.getPrototypeOf(p) as object | null) {
    for (const key of Reflect.ownKeys(p)) {
      if (key === 'constructor') continue;
      const label = typeof key === 'symbol' ? `[${key.description}]` : key;
      if (!members.has(label)) members.set(label, { ...Object.getOwnPropertyDescriptor(p, key)!, key } as PropertyDescriptor);
    }
  }
  for (const label of members.keys()) if (!(label in spec.members)) problems.push(`${name}: member ${label} has no entry in the walker's specs`);
  for (const label of Object.keys(spec.members)) if (!members.has(label)) problems.push(`${name}: the specs name member ${label}, which ${name} does not have`);
  for (const [label, d] of members) {
    const m = spec.members[label];
    if (!m) continue;
    const key = (d as { key: PropertyKey }).key;
    const base = { prefix: m.prefix ?? `${name}.${label}`, spec: m, make, ...(spec.state ? { state: spec.state as (obj: object) => unknown } : {}) };
    const on = (obj: object | undefined) => obj as Record<PropertyKey, unknown>;
    if (typeof d.value === 'function') {
      out.push({ ...base, name: `${name}.${label}`, call: (args, obj) => (on(obj)[key] as (...a: unknown[]) => unknown)(...args) });
    } else {
      if (d.get) out.push({ ...base, name: `${name}.${label} (get)`, spec: { args: () => [] }, call: (_, obj) => on(obj)[key] });
      if (d.set) out.push({ ...base, name: `${name}.${label} (set)`, call: (args, obj) => { on(obj)[key] = args[0]; } });
    }
  }
  for (const key of Object.getOwnPropertyNames(C)) {
    if (['length', 'name', 'prototype'].includes(key)) continue;
    const m = spec.statics?.[key];
    if (!m) { problems.push(`${name}: static ${key} has no entry in the walker's specs`); continue; }
    if ('value' in m) { out.push(...nested(`${name}.${key}`, (C as unknown as Record<string, unknown>)[key], m, problems)); continue; }
    out.push({ name: `${name}.${key}`, prefix: m.prefix ?? `${name}.${key}`, spec: m, call: (args) => (C as unknown as Record<string, (...a: unknown[]) => unknown>)[key]!(...args) });
  }
  return out;
}

// Functions inside a constant (through plain objects and arrays), as listed in `nested`.
function nested(name: string, x: unknown, spec: ValueSpec, problems: string[]): Target[] {
  const found = new Map<string, (...a: unknown[]) => unknown>();
  const visit = (v: unknown, path: string, depth: number): void => {
    if (typeof v === 'function') { found.set(path, v as (...a: unknown[]) => unknown); return; }
    if (depth > 8 || typeof v !== 'object' || v === null) return;
    for (const [k, w] of Object.entries(v)) visit(w, path ? `${path}.${k}` : k, depth + 1);
  };
  visit(x, '', 0);
  const given = spec.nested ?? {};
  for (const path of found.keys()) if (!(path in given)) problems.push(`${name}: the function at ${name}.${path} has no entry in nested`);
  for (const path of Object.keys(given)) if (!found.has(path)) problems.push(`${name}: nested names ${path}, which is not a function in ${name}`);
  return [...found].filter(([path]) => path in given).map(([path, f]) => {
    const m = given[path]!;
    return { name: `${name}.${path}`, prefix: m.prefix ?? `${name}.${path}`, spec: m, call: (args: unknown[]) => f(...args) };
  });
}

async function attempt(f: () => unknown): Promise<{ error?: unknown }> {
  try {
    const r = f();
    if (r !== null && typeof r === 'object' && typeof (r as { then?: unknown }).then === 'function') await r;
    return {};
  } catch (error) {
    return { error: error === undefined ? new Error('threw undefined') : error };
  }
}

function isClass(f: unknown): boolean {
  return typeof f === 'function' && /^class\b/.test(Function.prototype.toString.call(f));
}

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}

function show(e: unknown): string {
  if (e instanceof Error) return `${e.constructor.name} "${e.message.slice(0, 160)}"`;
  return `a non-Error ${typeof e}`;
}
