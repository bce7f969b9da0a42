import { object } from '@ugrad/engine/internal';
import type { Dataset } from './datasets.js';
import type { Model } from './batch.js';
import { parseFitOptions, type FitOptions } from './options.js';
import { Trainer } from './trainer.js';
import type { History } from './trainer-state.js';

/**
 * Trains `model` on `data` and returns the history: a loop of
 * {@link Trainer.step} until the epochs or steps run out or something stops it.
 * Every option is checked before anything runs.
 *
 * @example
 * // micrograd's demo
 * const { X, y } = moons({ n: 100, noise: 0.1 });
 * const model = new MLP(2, [16, 16, 1]);
 * const history = fit(model, { X, y }, { loss: 'hinge', l2: 1e-4, steps: 100, schedule: linearLR(1.0, 0.1, 100) });
 * history.steps.at(-1); // { step: 99, epoch: 99, loss, accuracy, lr: 0.109, ms }
 * history.stopReason;   // 'completed'
 */
export function fit(model: Model, data: Dataset, options: FitOptions): History {
  // Read once: a getter must not give the Trainer another value than the one checked here.
  const o = { ...object(options, 'fit', 'options') } as unknown as FitOptions;
  parseFitOptions('fit', o, true); // fit needs epochs or steps: say so before the Trainer does anything
  const trainer = new Trainer(model, data, o);
  while (!trainer.done) trainer.step();
  return trainer.history;
}
