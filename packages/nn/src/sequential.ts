import type { Value, ValueLike } from '@ugrad/engine';
import { typeError, withContext } from '@ugrad/engine/internal';
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

  /**
   * Each child's `forward`, in order, on the previous one's output. A
   * TypeError or RangeError from a child names it (`Sequential.forward:
   * module 0: Layer.forward: expected 2 inputs, got 3`).
   */
  forward(input: In): Out {
    const where = 'Sequential.forward';
    let h: unknown = input;
    // Nested chains are entered rather than called, so a deep one cannot overflow the stack.
    const chains: [Sequential<unknown, unknown>, number][] = [[this as Sequential<unknown, unknown>, 0]];
    const open = new Set<unknown>([this]);
    while (chains.length > 0) {
      const top = chains[chains.length - 1]!;
      const [chain, i] = top;
      if (i === chain.length) {
        open.delete(chains.pop()![0]);
        continue;
      }
      top[1]++;
      const m: unknown = chain[i];
      // Where m sits, for messages: `0.1` is module 1 of the chain that is module 0.
      const at = () => chains.map(([, j]) => j - 1).join('.');
      if (open.has(m)) throw new TypeError(`${where}: module ${at()} is a Sequential that holds itself`);
      if (m instanceof Sequential && m.forward === Sequential.prototype.forward) {
        chains.push([m, 0]);
        open.add(m);
      } else if (!(m instanceof Module)) {
        throw typeError(where, `module ${at()}`, 'a Module', m);
      } else {
        try {
          h = (m.forward as (x: unknown) => unknown)(h);
        } catch (err) {
          throw err instanceof TypeError || err instanceof RangeError ? withContext(err, `${where}: module ${at()}: `) : err;
        }
      }
    }
    return h as Out;
  }
}
