import type { Value } from '@ugrad/engine';
import { arrayOf, between, bool, finite, rate, withDefault } from '@ugrad/engine/internal';
import { Optimizer, defineSpec, type OptimizerSpec } from './optim.js';

// The built-in optimizers: each declares its options and state once (its
// spec) and writes only its update rule, PyTorch's, operation for operation.

/** Options of {@link SGD}; the defaults are PyTorch's. */
export interface SGDOptions {
  /** Learning rate; default 1e-3. */
  lr?: number;
  /** Momentum factor, ≥ 0; default 0 (plain SGD). */
  momentum?: number;
  /** Dampening of the momentum; default 0. */
  dampening?: number;
  /** Nesterov momentum (needs momentum > 0 and dampening 0); default false. */
  nesterov?: boolean;
  /** L2 penalty added to the gradient, `g + weightDecay·p`; default 0. */
  weightDecay?: number;
}

/**
 * Stochastic gradient descent with PyTorch's update, operation for operation:
 * ```
 * g = grad + weightDecay·p
 * b = g (first step) | momentum·b + (1 − dampening)·g
 * g = nesterov ? g + momentum·b : b        (with momentum)
 * p = p − lr·g
 * ```
 * With the defaults this is micrograd's `p.data -= lr * p.grad`.
 *
 * @example
 * const opt = new SGD(model.parameters(), { lr: 0.1, momentum: 0.9 });
 * opt.zeroGrad(); loss.backward(); opt.step();
 */
export class SGD extends Optimizer {
  static override spec: OptimizerSpec = defineSpec({
    name: 'SGD',
    options: { momentum: withDefault(rate, 0), dampening: withDefault(finite, 0), nesterov: withDefault(bool, false), weightDecay: withDefault(rate, 0) },
    buffers: { momentumBuffers: (o) => o.momentum !== 0 },
    validate: (o, where) => {
      if (o.nesterov === true && (!((o.momentum as number) > 0) || o.dampening !== 0)) {
        throw new RangeError(`${where}: Nesterov momentum needs momentum > 0 and dampening 0, got momentum ${o.momentum} and dampening ${o.dampening}`);
      }
    },
  });

  constructor(params: readonly Value[], options: SGDOptions = {}) {
    super(params, options);
  }

  protected update(): void {
    const momentum = this.opt<number>('momentum'), dampening = this.opt<number>('dampening');
    const nesterov = this.opt<boolean>('nesterov'), weightDecay = this.opt<number>('weightDecay');
    const { params, lr } = this;
    // The first step copies the gradient into the buffer: no dampening on it, as in PyTorch.
    const first = !this.hasBuffer('momentumBuffers');
    const buf = momentum !== 0 ? this.buffer('momentumBuffers') : null;
    for (let i = 0; i < params.length; i++) {
      const p = params[i]!;
      if (!p.requiresGrad) continue; // frozen: no decay, no momentum, no step
      let g = p.grad;
      if (weightDecay !== 0) g = g + weightDecay * p.data;
      if (buf !== null) {
        buf[i] = first ? g : momentum * buf[i]! + (1 - dampening) * g;
        g = nesterov ? g + momentum * buf[i]! : buf[i]!;
      }
      p.data = p.data + -lr * g;
    }
  }
}

/** Options of {@link Adam} and {@link AdamW}; the defaults are PyTorch's. */
export interface AdamOptions {
  /** Learning rate; default 1e-3. */
  lr?: number;
  /** Decay rates of the moment averages, each in [0, 1); default [0.9, 0.999]. */
  betas?: readonly [number, number];
  /** Added to the denominator for stability; default 1e-8. */
  eps?: number;
  /** Adam: L2 penalty added to the gradient; AdamW: decoupled decay. Default 0 (Adam), 1e-2 (AdamW). */
  weightDecay?: number;
  /** Use the running maximum of the second moment (AMSGrad); default false. */
  amsgrad?: boolean;
}

const beta = between(0, 1, { hi: true });
const adamSpec = (name: string, weightDecay: number): OptimizerSpec => defineSpec({
  name,
  options: {
    betas: withDefault((x, where, what) => arrayOf(beta, { length: 2 })(x, where, what), [0.9, 0.999]),
    eps: withDefault(rate, 1e-8), weightDecay: withDefault(rate, weightDecay), amsgrad: withDefault(bool, false),
  },
  buffers: { expAvg: () => true, expAvgSq: () => true, maxExpAvgSq: (o) => o.amsgrad === true },
});

/**
 * Adam with PyTorch's update, operation for operation (t counts from 1):
 * ```
 * g = grad + weightDecay·p                      (Adam; AdamW instead does p = p·(1 − lr·weightDecay))
 * m = m + (1 − β1)·(g − m)                      (lerp)
 * v = β2·v + (1 − β2)·g·g
 * denom = √v / √(1 − β2ᵗ) + eps                 (√max(v) with amsgrad)
 * p = p − (lr / (1 − β1ᵗ))·m / denom
 * ```
 * @example
 * const opt = new Adam(model.parameters(), { lr: 0.01 });
 */
export class Adam extends Optimizer {
  static override spec: OptimizerSpec = adamSpec('Adam', 0);
  /** Whether weight decay shrinks the parameters directly (AdamW) instead of entering the gradient. */
  static readonly decoupledWeightDecay: boolean = false;

  constructor(params: readonly Value[], options: AdamOptions = {}) {
    super(params, options);
  }

  protected update(): void {
    const [beta1, beta2] = this.opt<[number, number]>('betas');
    const eps = this.opt<number>('eps'), weightDecay = this.opt<number>('weightDecay');
    const decoupled = (this.constructor as typeof Adam).decoupledWeightDecay;
    const { params, lr } = this;
    const m = this.buffer('expAvg'), v = this.buffer('expAvgSq');
    const vmax = this.opt<boolean>('amsgrad') ? this.buffer('maxExpAvgSq') : null;
    const t = this.stepCount;
    const stepSize = lr / (1 - powInt(beta1, t));
    const bc2Sqrt = Math.sqrt(1 - powInt(beta2, t));
    const w = 1 - beta1;
    for (let i = 0; i < params.length; i++) {
      const p = params[i]!;
      if (!p.requiresGrad) continue; // frozen: its moments wait, as PyTorch skips a parameter without a grad
      let g = p.grad;
      if (weightDecay !== 0) {
        if (decoupled) p.data = p.data * (1 - lr * weightDecay);
        else g = g + weightDecay * p.data;
      }
      // m.lerp_(g, w), whose formula depends on which end w is nearer.
      m[i] = w < 0.5 ? m[i]! + w * (g - m[i]!) : g - (g - m[i]!) * (1 - w);
      v[i] = v[i]! * beta2 + (1 - beta2) * g * g;
      let vi = v[i]!;
      if (vmax !== null) vi = vmax[i] = Math.max(vmax[i]!, vi);
      const denom = Math.sqrt(vi) / bc2Sqrt + eps;
      p.data = p.data + (-stepSize * m[i]!) / denom; // addcdiv_: p + value·m / denom
    }
  }
}

/**
 * Adam with decoupled weight decay (Loshchilov & Hutter; PyTorch's `AdamW`):
 * each step first shrinks every parameter, `p = p·(1 − lr·weightDecay)`, then
 * takes Adam's step without decay in the gradient. Default weightDecay 1e-2.
 */
export class AdamW extends Adam {
  static override spec: OptimizerSpec = adamSpec('AdamW', 1e-2);
  static override readonly decoupledWeightDecay = true;
}

/**
 * @internal β^t for a whole t ≥ 0, correctly rounded: square-and-multiply in
 * double-double arithmetic (each product kept as a sum of two doubles, with
 * Dekker's exact product), then one rounding. PyTorch computes Adam's bias
 * corrections with C's `pow`, which is within 0.52 ulp; Node 20's `**` is an
 * ulp off for about one t in twelve (0.9 ** 4 gives 0.6561000000000001), and
 * other engines differ from it. This agrees with C's `pow` in all but about
 * one case in two thousand (where `pow` misrounds), and gives the same bits
 * in every engine, since it uses only + and ×.
 */
export function powInt(base: number, t: number): number {
  let rh = 1, rl = 0, bh = base, bl = 0;
  for (let n = t; n > 0; n = Math.floor(n / 2)) {
    if (n % 2 === 1) [rh, rl] = ddMul(rh, rl, bh, bl);
    if (n > 1) [bh, bl] = ddMul(bh, bl, bh, bl);
  }
  return rh + rl;
}

// (ah + al)·(bh + bl) as a double-double: Dekker's exact product of the high
// parts (Veltkamp's split into 26-bit halves), plus the cross terms.
function ddMul(ah: number, al: number, bh: number, bl: number): [number, number] {
  const p = ah * bh;
  const sa = 134217729 * ah, ahh = sa - (sa - ah), ahl = ah - ahh;
  const sb = 134217729 * bh, bhh = sb - (sb - bh), bhl = bh - bhh;
  const e = ((ahh * bhh - p) + ahh * bhl + ahl * bhh) + ahl * bhl + (ah * bl + al * bh);
  const s = p + e;
  return [s, e - (s - p)];
}
