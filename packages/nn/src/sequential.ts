import type { Value, ValueLike } from '@ugrad/engine';
import { typeError } from '@ugrad/engine/internal';
import { Module, type AnyModule } from './module.js';

/**
 * A chain of modules, PyTorch's `nn.Sequential`: `forward` feeds each child's
 * output to the next. The children are named by position, so parameters read
 * `0.neurons.3.w.1`. Checkpoints record and rebuild it when every child is
 * rebuildable (a Layer, an MLP or another Sequential), and `fit` compiles it
 * as it compiles any module.
 *
 * @example
 * const model = new Sequential(new Layer(2, 16, { activation: 'tanh' }), new Layer(16, 1, { activation: 'linear' }));
 * model.namedParameters()[0]![0]; // '0.neurons.0.w.0'
 */
export class Sequential<In = readonly ValueLike[], Out = Value[]> extends Module<In, Out> {
  [index: number]: AnyModule;

  constructor(...modules: AnyModule[]) {
    super();
    if (modules.length === 0) throw new RangeError('Sequential: expected at least one module, got none');
    modules.forEach((m, i) => {
      if (!(m instanceof Module)) throw typeError('Sequential', `module ${i}`, 'a Module', m);
      this[i] = m;
    });
    // The children are fixed: a chain that changed length would no longer match its checkpoints.
    Object.defineProperty(this, 'length', { value: modules.length, enumerable: false });
  }

  /** How many modules the chain holds. */
  declare readonly length: number;

  /** The modules, in order. */
  get children(): AnyModule[] {
    return Array.from({ length: this.length }, (_, i) => this[i]!);
  }

  /** Each child's `forward`, in order, on the previous one's output. */
  forward(input: In): Out {
    let h: unknown = input;
    for (let i = 0; i < this.length; i++) h = (this[i]!.forward as (x: unknown) => unknown)(h);
    return h as Out;
  }
}
