import { describe, expect, it } from 'vitest';
import { constantLR, cosineLR, linearLR, scheduleFromSpec, stepLR, type ScheduleSpec } from '../src/schedule.js';

describe('constantLR', () => {
  it('gives the same rate at every step', () => {
    const s = constantLR(0.05);
    expect([0, 1, 1000].map(s)).toEqual([0.05, 0.05, 0.05]);
    expect(s.spec).toEqual({ type: 'constant', lr: 0.05 });
  });
});

describe('linearLR', () => {
  it("reproduces micrograd's 1.0 − 0.9·k/100 float for float", () => {
    const s = linearLR(1.0, 0.1, 100);
    for (let k = 0; k < 100; k++) expect(s(k)).toBe(1.0 - (0.9 * k) / 100);
    expect(s(0)).toBe(1);
    expect(s(50)).toBe(0.55);
    expect(s(99)).toBeCloseTo(0.109, 15);
  });

  it('ends at `end` and stays there', () => {
    const s = linearLR(0.5, 0.1, 4);
    expect([0, 1, 2, 3, 4, 5, 100].map(s)).toEqual([0.5, 0.5 - 0.1, 0.5 - 0.2, 0.5 - (0.4 * 3) / 4, 0.1, 0.1, 0.1]);
    expect(linearLR(0, 1, 2)(1)).toBe(0.5); // warm-up works too
  });
});

describe('stepLR', () => {
  it('multiplies by gamma every stepSize steps', () => {
    const s = stepLR(1, 3, 0.5);
    expect([0, 1, 2, 3, 5, 6, 9].map(s)).toEqual([1, 1, 1, 0.5, 0.5, 0.25, 0.125]);
    expect(stepLR(0.1, 10)(10)).toBe(0.1 * 0.1); // PyTorch's default gamma
  });
});

describe('cosineLR', () => {
  it('follows half a cosine from lr to minLr, then holds', () => {
    const s = cosineLR(1, 4, 0.2);
    expect(s(0)).toBe(1);
    expect(s(2)).toBeCloseTo(0.6, 15); // halfway: the mean
    expect(s(1)).toBeCloseTo(0.2 + 0.8 * (1 + Math.SQRT1_2) / 2, 15);
    expect(s(4)).toBe(0.2);
    expect(s(7)).toBe(0.2);
    expect(cosineLR(0.1, 10)(10)).toBe(0);
  });
});

describe('specs', () => {
  it('describe each schedule as JSON that rebuilds it exactly', () => {
    for (const s of [constantLR(0.1), linearLR(1, 0.1, 100), stepLR(0.3, 7, 0.7), cosineLR(0.2, 33, 0.01)]) {
      const copy = scheduleFromSpec(JSON.parse(JSON.stringify(s.spec)) as ScheduleSpec);
      expect(copy.spec).toEqual(s.spec);
      for (const k of [0, 1, 6, 7, 32, 33, 99, 100, 500]) expect(copy(k)).toBe(s(k));
    }
  });

  it('are frozen, so a schedule cannot drift from its description', () => {
    const s = linearLR(1, 0.1, 10);
    expect(() => ((s.spec as { start: number }).start = 5)).toThrow(TypeError);
  });

  it('reject unknown types and bad fields', () => {
    expect(() => scheduleFromSpec({ type: 'exp' } as unknown as ScheduleSpec)).toThrow(
      new RangeError('scheduleFromSpec: expected spec.type to be one of \'constant\', \'linear\', \'step\', \'cosine\', got "exp"'),
    );
    expect(() => scheduleFromSpec({ type: 'linear', start: 1, end: 0.1 } as ScheduleSpec)).toThrow(
      new TypeError('scheduleFromSpec: expected spec.steps to be a positive integer, got undefined'),
    );
    expect(() => scheduleFromSpec(null as unknown as ScheduleSpec)).toThrow(TypeError);
  });
});

describe('argument checks', () => {
  it('names the schedule and the bad argument', () => {
    expect(() => constantLR(-1)).toThrow(new RangeError('constantLR: expected lr to be finite and ≥ 0, got -1'));
    expect(() => linearLR(1, 0.1, 0)).toThrow(new RangeError('linearLR: expected steps to be a positive integer, got 0'));
    expect(() => stepLR(1, 2.5)).toThrow(new RangeError('stepLR: expected stepSize to be a positive integer, got 2.5'));
    expect(() => cosineLR(1, 10, NaN)).toThrow(new RangeError('cosineLR: expected minLr to be finite and ≥ 0, got NaN'));
    expect(() => cosineLR('1' as unknown as number, 10)).toThrow(new TypeError('cosineLR: expected lr to be finite and ≥ 0, got string "1"'));
  });

  it('rejects a step that is not a whole number ≥ 0', () => {
    const s = linearLR(1, 0.1, 100);
    expect(() => s(-1)).toThrow(new RangeError('linearLR: expected the step to be a whole number ≥ 0, got -1'));
    expect(() => s(1.5)).toThrow(RangeError);
    expect(() => s('3' as unknown as number)).toThrow(new TypeError('linearLR: expected the step to be a whole number ≥ 0, got string "3"'));
  });
});
