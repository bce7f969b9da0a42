import seedrandom from 'seedrandom';
import { dense } from './rows.js';
import { arrayOf, count, finite, instance, nullable, object, optional, parseOptions, rate, str, typeError, whole, type Check } from '@ugrad/engine/internal';

/** What a seed may be: any number or string; the same seed gives the same stream everywhere. */
export type Seed = number | string;

/** The saved position of an {@link Rng} as plain JSON, restorable with `Rng.fromState` (for checkpoints). */
export interface RngState {
  /** seedrandom's ARC4 stream: its two indices and its permutation of 0…255. */
  arc4: {
    /** The first index, 0…255. */
    i: number;
    /** The second index, 0…255. */
    j: number;
    /** The permutation of 0…255. */
    S: number[];
  };
  /** The second normal of the last Box–Muller pair, not yet drawn; null if none. */
  spare: number | null;
}

/**
 * A seeded random stream (seedrandom's ARC4). Everything random in ugrad —
 * initialisation, shuffling, datasets — draws from one of these, passed in explicitly.
 *
 * @example
 * const rng = new Rng(42);
 * rng.uniform(-1, 1); // the same number on every run and machine
 */
export class Rng {
  private readonly gen: seedrandom.StatefulPRNG<seedrandom.State.Arc4>;
  // Box–Muller makes normals in pairs; the spare is part of the state.
  private spare: number | null = null;

  constructor(seed: Seed = 0) {
    this.gen = seedrandom(String(seedCheck(seed, 'Rng', 'seed')), { state: true });
  }

  /** Restores a stream saved with {@link Rng.state}; the state is checked first (a TypeError or RangeError names the bad field). */
  static fromState(state: RngState): Rng {
    const s = rngStateCheck(state, 'Rng.fromState', 'state');
    const rng = new Rng(0);
    (rng as unknown as { gen: seedrandom.StatefulPRNG<seedrandom.State.Arc4> }).gen = seedrandom('', { state: s.arc4 });
    rng.spare = s.spare;
    return rng;
  }

  /** The current position, as plain JSON-able data. */
  state(): RngState {
    const { i, j, S } = this.gen.state();
    return { arc4: { i, j, S: [...S] }, spare: this.spare };
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.gen();
  }

  /** Uniform in [lo, hi). */
  uniform(lo = 0, hi = 1): number {
    finite(lo, 'Rng.uniform', 'lo');
    finite(hi, 'Rng.uniform', 'hi');
    // Python's a + (b − a)·u, so the draws match micrograd's; b − a must not overflow.
    if (!Number.isFinite(hi - lo)) throw new RangeError(`Rng.uniform: expected hi − lo to be finite, got ${hi} − ${lo}`);
    return lo + (hi - lo) * this.gen();
  }

  /** Gaussian with the given mean and standard deviation (Box–Muller). */
  normal(mean = 0, std = 1): number {
    finite(mean, 'Rng.normal', 'mean');
    rate(std, 'Rng.normal', 'std');
    if (this.spare !== null) {
      const z = this.spare;
      this.spare = null;
      return mean + std * z;
    }
    // 1 - u lies in (0, 1], so the log is finite.
    const r = Math.sqrt(-2 * Math.log(1 - this.gen()));
    const theta = 2 * Math.PI * this.gen();
    this.spare = r * Math.sin(theta);
    return mean + std * r * Math.cos(theta);
  }

  /** A whole number in [0, n). */
  int(n: number): number {
    count(n, 'Rng.int', 'n');
    return Math.floor(this.gen() * n);
  }

  /** Shuffles `items` in place (Fisher–Yates) and returns it; an array with holes or a frozen one is refused. */
  shuffle<T>(items: T[]): T[] {
    const where = 'Rng.shuffle';
    if (!Array.isArray(items)) throw typeError(where, 'items', 'an array', items);
    if (Object.isFrozen(items) && items.length > 1) throw new TypeError(`${where}: expected items to be an array it may reorder, got a frozen array`);
    dense(items, where, 'items');
    for (let i = items.length - 1; i > 0; i--) {
      const j = Math.floor(this.gen() * (i + 1));
      const t = items[i]!;
      items[i] = items[j]!;
      items[j] = t;
    }
    return items;
  }
}

/** Where randomness comes from: a `seed`, or an {@link Rng} to draw from (not both). Neither means seed 0, so runs repeat. */
export interface RandomOptions {
  /** Seeds a new generator; default 0. */
  seed?: Seed;
  /** A generator to draw from (and advance) instead. */
  rng?: Rng;
}

/** @internal Puts `rng` back at a position saved by `rng.state()` (a step that failed gives back what it drew). */
export function setRngState(rng: Rng, state: RngState): void {
  const r = rng as unknown as { gen: seedrandom.StatefulPRNG<seedrandom.State.Arc4>; spare: number | null };
  r.gen = seedrandom('', { state: { ...state.arc4, S: [...state.arc4.S] } }) as seedrandom.StatefulPRNG<seedrandom.State.Arc4>;
  r.spare = state.spare;
}

/** A seed: a number or a string. */
export const seedCheck: Check<Seed> = (x, where, what) => {
  if (typeof x !== 'number' && typeof x !== 'string') throw typeError(where, what, 'a number or a string', x);
  return x;
};

/** The schema entries of {@link RandomOptions}, for option schemas that take a seed or an Rng. */
export const RANDOM_SCHEMA = { seed: optional(seedCheck), rng: optional(instance(Rng, 'an Rng')) } as const;

/**
 * The generator `options` ask for, validated; `where` names the caller in errors.
 * Reads only `seed` and `rng` (callers read their other options with `parseOptions`).
 */
export function rngFrom(options: { seed?: Seed | undefined; rng?: Rng | undefined }, where: string): Rng {
  str(where, 'rngFrom', 'where');
  const o = object(options, where, 'options');
  const { seed, rng } = parseOptions(where, { seed: o['seed'], rng: o['rng'] }, RANDOM_SCHEMA);
  if (seed !== undefined && rng !== undefined) throw new TypeError(`${where}: give options.seed or options.rng, not both`);
  return rng ?? new Rng(seed ?? 0);
}

const byte: Check<number> = (x, where, what) => {
  const v = whole(x, where, what);
  if (v > 255) throw new RangeError(`${where}: expected ${what} to be an integer in [0, 255], got ${v}`);
  return v;
};

/** Checks a saved {@link Rng.state}: `{ arc4: { i, j, S: 256 bytes }, spare: number | null }`; returns a fresh copy. */
export const rngStateCheck: Check<RngState> = (x, where, what) => {
  const s = parseOptions(where, object(x, where, what), { arc4: object, spare: nullable(finite) }, what);
  const a = parseOptions(where, s.arc4, { i: byte, j: byte, S: arrayOf(byte, { length: 256 }) }, `${what}.arc4`);
  return { arc4: { i: a.i, j: a.j, S: a.S }, spare: s.spare };
};
