// Writing your own layers: a dense layer with its own activation (swish with a
// learnable β) and a residual block, each a Module subclass with fields and a
// forward(). Their gradients are checked against finite differences, then a
// small residual network built from them learns two concentric circles.
import { join } from 'node:path';
import { Value, noGrad, type ValueLike } from '@ugrad/engine';
import { Adam, Layer, Module, Rng, accuracy, bceWithLogits, circles, fit, gradCheck, type GradCheck } from '@ugrad/nn';
import { isMain, reportLine } from './lib/cli.js';
import { boundaryFigure, curvesFigure, type CurvePoint } from './lib/plots.js';
import { Progress, percent, type Sink } from './lib/progress.js';
import { OUT_DIR, writeReport } from './lib/report.js';

/**
 * A dense layer with the swish activation, `y = z·σ(β·z)` for `z = Wx + b`
 * (Ramachandran et al., 2017). β is learned: near 0 the layer is almost
 * linear (z/2), and as β grows it becomes a ReLU.
 */
export class SwishLayer extends Module {
  linear: Layer;
  beta: Value;

  constructor(nin: number, nout: number, rng: Rng) {
    super();
    this.linear = new Layer(nin, nout, { activation: 'linear', init: 'xavier', rng });
    this.beta = new Value(1);
  }

  forward(x: readonly ValueLike[]): Value[] {
    return this.linear.forward(x).map((z) => z.mul(z.mul(this.beta).sigmoid()));
  }

  override extraRepr(): string {
    return `nin=${this.linear.nin}, nout=${this.linear.nout}, beta=${this.beta.data.toFixed(3)}`;
  }
}

/** `y = x + f(x)` (He et al., 2016): the block learns a correction to its input, which starts near the identity. */
export class Residual extends Module {
  inner: SwishLayer;

  constructor(width: number, rng: Rng) {
    super();
    this.inner = new SwishLayer(width, width, rng);
  }

  forward(x: readonly ValueLike[]): Value[] {
    return this.inner.forward(x).map((fx, i) => fx.add(x[i]!));
  }
}

/** Input layer, `depth` residual swish blocks, one linear output: a logit. */
export class ResNet extends Module {
  stem: Layer;
  blocks: Residual[];
  head: Layer;

  constructor(nin: number, width: number, depth: number, seed: number) {
    super();
    const rng = new Rng(seed);
    this.stem = new Layer(nin, width, { activation: 'linear', init: 'xavier', rng });
    this.blocks = Array.from({ length: depth }, () => new Residual(width, rng));
    this.head = new Layer(width, 1, { activation: 'linear', init: 'xavier', rng });
  }

  forward(x: readonly ValueLike[]): Value[] {
    let h = this.stem.forward(x);
    for (const block of this.blocks) h = block.forward(h);
    return this.head.forward(h);
  }
}

export interface CustomLayerOptions {
  /** Points on the two circles. */
  n?: number;
  /** Full-batch Adam steps. */
  steps?: number;
  /** Residual blocks. */
  depth?: number;
  seed?: number;
  outDir?: string;
  out?: Sink | null;
}

export interface CustomLayerResult {
  gradCheck: GradCheck;
  /** Training accuracy of the trained model, in [0, 1]. */
  accuracy: number;
  /** The learned β of each block. */
  betas: number[];
  curve: CurvePoint[];
  reportPath: string;
}

export function runCustomLayer(options: CustomLayerOptions = {}): CustomLayerResult {
  const { n = 120, steps = 150, depth = 2, seed = 0 } = options;
  const data = circles({ n, noise: 0.08, factor: 0.5, seed });
  const model = new ResNet(2, 8, depth, seed);

  // Check the gradients on a few samples before training, through every layer type.
  const few = { X: data.X.slice(0, 8), y: data.y.slice(0, 8) };
  const check = gradCheck(model, () => bceWithLogits(few.X.map((x) => model.forward(x)), few.y));

  const lr = 0.03;
  const progress = new Progress(steps, { out: options.out });
  const history = fit(model, data, {
    loss: 'bce',
    optimizer: new Adam(model.parameters(), { lr }),
    steps,
    onStep: (s) => progress.update(s.step + 1, { loss: s.loss.toFixed(4), acc: percent(s.accuracy!) }),
  });
  progress.end();

  const logit = (x: number[]): number => model.forward(x)[0]!.data;
  const finalAccuracy = noGrad(() => accuracy(data.X.map(logit), data.y));
  const betas = model.blocks.map((b) => b.inner.beta.data);
  const seconds = history.steps.reduce((t, s) => t + s.ms, 0) / 1000;

  const reportPath = writeReport(join(options.outDir ?? OUT_DIR, 'custom-layer.html'), {
    title: 'ugrad: a custom layer',
    summary: `Two layers written as Module subclasses — a dense layer with a learnable swish activation, and a residual block around it — make a small residual network. Backpropagation through them agrees with finite differences for all ${check.checked} parameters; the network then learns to separate two concentric circles with binary cross-entropy and Adam.`,
    numbers: {
      'gradient check, max error': check.maxError.toExponential(1),
      'training accuracy': percent(finalAccuracy),
      'final loss': history.steps.at(-1)!.loss.toFixed(4),
      'learned β': betas.map((b) => b.toFixed(2)).join(', '),
      'training time': `${seconds.toFixed(1)} s`,
    },
    setup: {
      model: String(model),
      parameters: `${model.parameters().length}, named like ${model.namedParameters()[0]![0]} and ${model.namedParameters().find(([k]) => k.endsWith('beta'))![0]}`,
      'gradient check': `central differences, h = 1e-5, on ${few.X.length} samples; worst parameter ${check.worst}`,
      data: `circles({ n: ${n}, noise: 0.08, factor: 0.5, seed: ${seed} })`,
      training: `fit(model, data, { loss: 'bce', optimizer: new Adam(model.parameters(), { lr: ${lr} }), steps: ${steps} })`,
    },
    figures: [curvesFigure(history.steps), boundaryFigure(data.X, data.y, (x) => (logit(x) > 0 ? 1 : 0), { classes: 2, names: ['outer', 'inner'] })],
  });
  return { gradCheck: check, accuracy: finalAccuracy, betas, curve: history.steps, reportPath };
}

if (isMain(import.meta.url)) {
  const result = runCustomLayer();
  const c = result.gradCheck;
  console.log(`gradient check: ${c.checked} parameters, max error ${c.maxError.toExponential(1)} (${c.worst})`);
  console.log(`training accuracy ${percent(result.accuracy)}, learned β ${result.betas.map((b) => b.toFixed(2)).join(', ')}`);
  console.log(reportLine(result.reportPath));
}
