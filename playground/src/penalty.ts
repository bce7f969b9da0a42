import type { Value } from '@ugrad/engine';
import { Adam, AdamW, Optimizer, SGD, type OptimizerStateBase } from '@ugrad/nn';
import type { OptimizerName, RegName } from './state.js';

// Regularisation as TF Playground applies it: the penalty's gradient is added to each
// weight's (not the biases') just before the update. Kept out of the loss, so the
// kind, the rate and the optimizer itself can change between steps without recompiling
// anything. The exported script (code.ts) writes the same class out; a test runs both.

/** The optimizer the state names, over `params`, with fresh state. */
export function makeOptimizer(name: OptimizerName, params: Value[], lr: number): Optimizer {
  switch (name) {
    case 'sgd': return new SGD(params, { lr });
    case 'adam': return new Adam(params, { lr });
    // PyTorch's default decoupled weight decay, 0.01, on top of any regularisation.
    case 'adamw': return new AdamW(params, { lr });
  }
}

/** `rate · Σ|w|` (L1) or `rate · ½Σw²` (L2) over `weights`, summed in order; 0 for none. */
export function penalty(weights: readonly Value[], reg: RegName, rate: number): number {
  if (reg === 'none' || rate === 0) return 0;
  let sum = 0;
  for (const w of weights) sum += reg === 'L1' ? Math.abs(w.data) : 0.5 * w.data * w.data;
  return rate * sum;
}

/**
 * An optimizer that adds the penalty's gradient (`rate·sign(w)` or `rate·w`) to each
 * weight's grad, then lets `inner` take the step with this optimizer's learning rate.
 * `inner`, `reg` and `rate` may be replaced between steps.
 */
export class Penalized extends Optimizer {
  inner: Optimizer;
  reg: RegName = 'none';
  rate = 0;
  readonly weights: readonly Value[];

  constructor(params: Value[], weights: readonly Value[], inner: Optimizer) {
    super(params, inner.lr);
    this.inner = inner;
    this.weights = weights;
  }

  step(): void {
    const { reg, rate } = this;
    if (reg !== 'none' && rate !== 0) {
      for (const w of this.weights) w.grad += rate * (reg === 'L1' ? Math.sign(w.data) : w.data);
    }
    this.inner.lr = this.lr;
    this.inner.step();
  }

  stateDict(): OptimizerStateBase {
    return this.inner.stateDict();
  }

  loadStateDict(state: OptimizerStateBase): void {
    this.inner.loadStateDict(state);
  }
}
