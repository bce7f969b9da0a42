import seedrandom from 'seedrandom';
import { describe } from '@ugrad/engine/internal';

/** What a seed may be: any number or string; the same seed gives the same stream everywhere. */
export type Seed = number | string;

/** The saved position of an {@link Rng}, restorable with `Rng.fromState` (for checkpoints). */
export type RngState = seedrandom.State.Arc4;

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
    if (typeof seed !== 'number' && typeof seed !== 'string') {
      throw new TypeError(`Rng: expected a number or string seed, got ${typeof seed}`);
    }
    this.gen = seedrandom(String(seed), { state: true });
  }

  /** Restores a stream saved with {@link Rng.state}. */
  static fromState(state: { arc4: RngState; spare: number | null }): Rng {
    const rng = new Rng(0);
    (rng as unknown as { gen: seedrandom.StatefulPRNG<seedrandom.State.Arc4> }).gen = seedrandom('', { state: state.arc4 });
    rng.spare = state.spare;
    return rng;
  }

  /** The current position, as plain JSON-able data. */
  state(): { arc4: RngState; spare: number | null } {
    return { arc4: this.gen.state(), spare: this.spare };
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.gen();
  }

  /** Uniform in [lo, hi). */
  uniform(lo = 0, hi = 1): number {
    return lo + (hi - lo) * this.gen();
  }

  /** Gaussian with the given mean and standard deviation (Box–Muller). */
  normal(mean = 0, std = 1): number {
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
    return Math.floor(this.gen() * n);
  }

  /** Shuffles `items` in place (Fisher–Yates) and returns it. */
  shuffle<T>(items: T[]): T[] {
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

/** The generator `options` ask for, validated; `where` names the caller in errors. */
export function rngFrom(options: RandomOptions, where: string): Rng {
  const { seed, rng } = options;
  if (seed !== undefined && rng !== undefined) throw new TypeError(`${where}: give options.seed or options.rng, not both`);
  if (rng !== undefined) {
    if (!(rng instanceof Rng)) throw new TypeError(`${where}: expected options.rng to be an Rng, got ${describe(rng)}`);
    return rng;
  }
  if (seed !== undefined && typeof seed !== 'number' && typeof seed !== 'string') {
    throw new TypeError(`${where}: expected options.seed to be a number or a string, got ${describe(seed)}`);
  }
  return new Rng(seed ?? 0);
}
