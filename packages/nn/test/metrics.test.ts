import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { classificationReport, confusionMatrix } from '../src/metrics.js';
import { thrown } from '../../../test/helpers.js';

// scikit-learn 1.2.1's confusion_matrix and classification_report(output_dict=True), fixtures/make_sklearn_fixture.py.
type Scores = { precision: number; recall: number; f1: number };
const fixture = JSON.parse(readFileSync(new URL('fixtures/sklearn.json', import.meta.url), 'utf8')) as {
  metrics: ({ name: string; zeroDivision: 0 | 1; yTrue: number[]; yPred: number[]; classes: number[] | null; matrix: number[][]; precision: number[]; recall: number[]; f1: number[]; support: number[]; accuracy: number; macro: Scores; weighted: Scores })[];
};

function expectClose(got: number[], want: number[]): void {
  expect(got.length).toBe(want.length);
  got.forEach((v, i) => expect(Math.abs(v - want[i]!), `[${i}] ${v} vs ${want[i]}`).toBeLessThanOrEqual(1e-15));
}

describe('confusionMatrix and classificationReport', () => {
  for (const c of fixture.metrics) {
    it(`match scikit-learn: ${c.name}, zero_division=${c.zeroDivision}`, () => {
      const classes = c.classes ?? undefined;
      expect(confusionMatrix(c.yTrue, c.yPred, classes)).toEqual(c.matrix);
      const r = classificationReport(c.yTrue, c.yPred, { zeroDivision: c.zeroDivision, ...(classes ? { classes } : {}) });
      expect(r.confusion).toEqual(c.matrix);
      expectClose(r.precision, c.precision);
      expectClose(r.recall, c.recall);
      expectClose(r.f1, c.f1);
      expect(r.support).toEqual(c.support);
      expectClose([r.accuracy], [c.accuracy]);
      expectClose([r.macro.precision, r.macro.recall, r.macro.f1], [c.macro.precision, c.macro.recall, c.macro.f1]);
      expectClose([r.weighted.precision, r.weighted.recall, r.weighted.f1], [c.weighted.precision, c.weighted.recall, c.weighted.f1]);
    });
  }

  it('by hand: rows are true classes, columns predicted', () => {
    expect(confusionMatrix([0, 1, 2, 2], [0, 2, 2, 2])).toEqual([[1, 0, 0], [0, 0, 1], [0, 0, 2]]);
    expect(confusionMatrix([1, 1], [1, 1], 3)).toEqual([[0, 0, 0], [0, 2, 0], [0, 0, 0]]);
    const r = classificationReport([0, 0, 1, 1], [0, 1, 1, 1]);
    // class 0: tp 1, fp 0, fn 1; class 1: tp 2, fp 1, fn 0
    expect(r.precision).toEqual([1, 2 / 3]);
    expect(r.recall).toEqual([0.5, 1]);
    expect(r.f1).toEqual([(2 * 1 * 0.5) / 1.5, (2 * (2 / 3)) / (2 / 3 + 1)]);
    expect(r.classes).toEqual([0, 1]);
    expect(r.accuracy).toBe(0.75);
  });

  it('refuses bad labels, lengths, classes and options, in the one message format', () => {
    const cases: [() => unknown, Error][] = [
      [() => confusionMatrix([0, 1], [0]), new RangeError('confusionMatrix: expected yPred to have one label per entry of yTrue (2), got 1')],
      [() => confusionMatrix([], []), new RangeError('confusionMatrix: expected yTrue to have at least 1 entry, got 0')],
      [() => confusionMatrix([0, NaN], [0, 0]), new RangeError('confusionMatrix: expected yTrue[1] to be a finite number, got NaN')],
      [() => confusionMatrix('01' as never, [0, 1]), new TypeError('confusionMatrix: expected yTrue to be an array, got string "01"')],
      [() => confusionMatrix([0, 3], [0, 1], 2), new RangeError('confusionMatrix: expected yTrue[1] to be one of the classes (0, 1), got 3')],
      [() => confusionMatrix([0, 1], [0, 5], [1, 0]), new RangeError('confusionMatrix: expected yPred[1] to be one of the classes (1, 0), got 5')],
      [() => confusionMatrix([0], [0], 0), new RangeError('confusionMatrix: expected classes to be a positive integer, got 0')],
      [() => confusionMatrix([0], [0], [0, 1, 0]), new RangeError('confusionMatrix: expected classes to hold distinct labels, got 0 again at classes[2]')],
      [() => classificationReport([0], [0], { zeroDivision: 2 as never }), new RangeError('classificationReport: expected options.zeroDivision to be 0 or 1, got 2')],
      [() => classificationReport([0], [0], { zeroDivision: 'warn' as never }), new TypeError('classificationReport: expected options.zeroDivision to be 0 or 1, got string "warn"')],
      [() => classificationReport([0], [0], { labels: [0] } as never), new TypeError('classificationReport: unknown option "labels" (expected one of classes, zeroDivision)')],
    ];
    for (const [call, err] of cases) expect(thrown(call)).toEqual(err);
  });
});
