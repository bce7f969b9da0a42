import { describe, expect, it } from 'vitest';
import { Value, type ValueLike } from '@ugrad/engine';
import { MLP, Module, Trainer, moons } from '@ugrad/nn';

// The compiled batch step's cross-check against the eager graph, which the
// tracer's own checks cannot replace.

// Tells Values (while traced) from numbers (when called eagerly): it traces
// without an error, but the compiled program computes something else.
class TwoFaced extends Module<readonly ValueLike[], Value[]> {
  mlp = new MLP(2, [4, 1], { seed: 5 });
  forward(x: readonly ValueLike[]): Value[] {
    return this.mlp.forward(x[0] instanceof Value ? x : x.map((v) => (v as number) * 2));
  }
}

describe('compiled batch step', () => {
  it('is refused when the compiled model disagrees with model.forward on the training rows', () => {
    const data = moons({ n: 40, noise: 0.1, seed: 5 });
    const trainer = new Trainer(new TwoFaced(), data, { loss: 'bce', lr: 0.1, steps: 2 });
    expect(trainer.mode).toBe('eager');
    expect(trainer.eagerReason).toMatch(/^the compiled model gave [-0-9.e]+ where model\.forward gave [-0-9.e]+ \(training sample 0, output 0\)/);
  });
});
