import { describe, expect, it } from 'vitest';
import { Rng, rngFrom } from '../src/random.js';
import { badInputs, thrown } from '../../../test/helpers.js';

describe('Rng', () => {
  it('is the same stream for the same seed, and resumes from its state bit for bit', () => {
    const a = new Rng('s'), b = new Rng('s');
    expect([a.next(), a.uniform(-1, 1), a.normal(2, 3), a.int(10)]).toEqual([b.next(), b.uniform(-1, 1), b.normal(2, 3), b.int(10)]);
    a.normal(); // leaves a spare normal in the state
    const saved = JSON.parse(JSON.stringify(a.state())) as ReturnType<Rng['state']>;
    const c = Rng.fromState(saved);
    expect([c.normal(), c.next(), c.shuffle([1, 2, 3, 4, 5])]).toEqual([a.normal(), a.next(), a.shuffle([1, 2, 3, 4, 5])]);
  });

  it('refuses a seed that is not a number or a string', () => {
    for (const [bad, said] of badInputs.filter(([v]) => v !== undefined && typeof v !== 'string')) {
      expect(thrown(() => new Rng(bad as number))).toEqual(new TypeError(`Rng: expected seed to be a number or a string, got ${said}`));
    }
  });

  it('checks a saved state field by field before touching anything', () => {
    const good = new Rng(1).state();
    const cases: [unknown, Error][] = [
      [null, new TypeError('Rng.fromState: expected state to be an object, got null')],
      [{ ...good, extra: 1 }, new TypeError('Rng.fromState: unknown key "extra" in state (expected one of arc4, spare)')],
      [{ ...good, spare: 'x' }, new TypeError('Rng.fromState: expected state.spare to be a finite number, got string "x"')],
      [{ ...good, arc4: { ...good.arc4, i: 256 } }, new RangeError('Rng.fromState: expected state.arc4.i to be an integer in [0, 255], got 256')],
      [{ ...good, arc4: { ...good.arc4, S: good.arc4.S.slice(1) } }, new RangeError('Rng.fromState: expected state.arc4.S to have 256 entries, got 255')],
      [{ ...good, arc4: { ...good.arc4, S: [...good.arc4.S.slice(1), -1] } }, new RangeError('Rng.fromState: expected state.arc4.S[255] to be a whole number ≥ 0, got -1')],
    ];
    for (const [state, err] of cases) expect(thrown(() => Rng.fromState(state as never))).toEqual(err);
  });

  it('refuses bad arguments to its draws', () => {
    const rng = new Rng(0);
    const before = JSON.stringify(rng.state());
    expect(thrown(() => rng.uniform('0' as never, 1))).toEqual(new TypeError('Rng.uniform: expected lo to be a finite number, got string "0"'));
    expect(thrown(() => rng.normal(0, -1))).toEqual(new RangeError('Rng.normal: expected std to be finite and ≥ 0, got -1'));
    expect(thrown(() => rng.int(0))).toEqual(new RangeError('Rng.int: expected n to be a positive integer, got 0'));
    expect(thrown(() => rng.shuffle('abc' as never))).toEqual(new TypeError('Rng.shuffle: expected items to be an array, got string "abc"'));
    expect(JSON.stringify(rng.state())).toBe(before);
  });
});

describe('rngFrom', () => {
  it('makes a seeded Rng, passes a given one through, and defaults to seed 0', () => {
    const rng = new Rng(5);
    expect(rngFrom({ rng }, 'f')).toBe(rng);
    expect(rngFrom({ seed: 5 }, 'f').next()).toBe(new Rng(5).next());
    expect(rngFrom({}, 'f').next()).toBe(new Rng(0).next());
  });

  it('words every mistake in the one format, naming the caller', () => {
    expect(thrown(() => rngFrom({ seed: 1, rng: new Rng(1) }, 'f'))).toEqual(new TypeError('f: give options.seed or options.rng, not both'));
    expect(thrown(() => rngFrom({ seed: true as never }, 'f'))).toEqual(new TypeError('f: expected options.seed to be a number or a string, got boolean true'));
    expect(thrown(() => rngFrom({ rng: {} as Rng }, 'f'))).toEqual(new TypeError('f: expected options.rng to be an Rng, got an object'));
    expect(thrown(() => rngFrom(null as never, 'f'))).toEqual(new TypeError('f: expected options to be an object, got null'));
  });
});
