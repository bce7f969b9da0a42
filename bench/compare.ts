import { eagerMoonsLoss } from './engine.js';
import { fullGc, medianInterleaved, medianMs, type Row } from './harness.js';
import { initWeights, moonsData } from './moons.js';
import { HandwrittenMLP } from './handwritten.js';
import { TfjsMLP, tfjsReady } from './tfjs.js';
import { compileMoons, compileMoonsLabels, compiledStep, sgd, valueMLP } from './compiled.js';

// The update is computed and applied (w -= 0·g) but leaves the weights at
// their initial values, so every implementation times the same step however
// many steps it ran: how much of a relu network's backward pass is zeros to
// skip depends on the weights.
const LR = 0;

const configs = [
  { name: 'moons 2-16-16-1 × 100', sizes: [2, 16, 16, 1], n: 100, target: 2 },
  { name: 'MLP 2-64-64-1 × 256', sizes: [2, 64, 64, 1], n: 256, target: 2.5 },
];

/**
 * micrograd's moons training step (hinge + 1e-4·L2, full batch, SGD) in four
 * implementations from the same initial weights: the eager engine, the
 * compiled step, hand-written Float64Array code and TensorFlow.js (cpu).
 * First checks that all four agree on the loss (and the first three on the
 * gradients), then times them side by side. Returns the rows and the checks.
 */
export async function runCompare(quick: boolean): Promise<{ rows: Row[]; checks: string[] }> {
  await tfjsReady();
  const rows: Row[] = [], checks: string[] = [];
  for (const { name, sizes, n, target } of configs) {
    const { X, y } = moonsData(n, 0.1, 'moons');
    const { W, B } = initWeights(sizes, 'init');
    const Xf = Float64Array.from(X.flat()), yf = Float64Array.from(y);
    const eagerNet = valueMLP(W, B), net = valueMLP(W, B), labelNet = valueMLP(W, B);
    const hand = new HandwrittenMLP(sizes, W, B);
    const tfm = new TfjsMLP(W, B, X, y, LR);
    const t0 = performance.now();
    const compiled = compileMoons(net);
    const compileMs = performance.now() - t0;
    const labelled = compileMoonsLabels(labelNet);

    // The check, at the shared initial weights.
    for (const p of [...eagerNet.params, ...net.params]) p.grad = 0;
    const eagerLoss = eagerMoonsLoss(X, y, eagerNet.W, eagerNet.B);
    eagerLoss.backward();
    const loss = { eager: eagerLoss.data, compiled: compiled.step(X, y), labels: labelled.step(X, y), hand: hand.lossAndGrad(Xf, yf, n), tfjs: tfm.loss() };
    const grads = { eager: eagerNet.params.map((p) => p.grad), compiled: net.params.map((p) => p.grad), labels: labelNet.params.map((p) => p.grad), hand: hand.grads() };
    const rel = (a: number, b: number) => Math.abs(a - b) / Math.max(Math.abs(a), Math.abs(b), 1e-300);
    const gradRel = (g: number[]) => Math.max(...g.map((v, i) => Math.abs(v - grads.eager[i]!))) / Math.max(...grads.eager.map(Math.abs));
    const ok = rel(loss.compiled, loss.eager) <= 1e-12 && rel(loss.labels, loss.eager) <= 1e-12 && rel(loss.hand, loss.eager) <= 1e-12 &&
      rel(loss.tfjs, loss.eager) <= 1e-5 && gradRel(grads.compiled) <= 1e-12 && gradRel(grads.labels) <= 1e-12 && gradRel(grads.hand) <= 1e-12;
    checks.push(`${ok ? 'ok' : 'MISMATCH'}: ${name}: loss eager ${loss.eager}, compiled ${loss.compiled} (Δ ${rel(loss.compiled, loss.eager).toExponential(1)}; with labels Δ ${rel(loss.labels, loss.eager).toExponential(1)}), ` +
      `hand-written ${loss.hand} (Δ ${rel(loss.hand, loss.eager).toExponential(1)}), tfjs ${loss.tfjs.toPrecision(8)} (Δ ${rel(loss.tfjs, loss.eager).toExponential(1)}); ` +
      `gradients vs eager: compiled Δ ${gradRel(grads.compiled).toExponential(1)} (with labels ${gradRel(grads.labels).toExponential(1)}), hand-written Δ ${gradRel(grads.hand).toExponential(1)} (of the largest)`);
    if (!ok) process.exitCode = 1;

    const steps = {
      compiled: () => { compiledStep(compiled, net, X, y, LR); },
      labels: () => { compiledStep(labelled, labelNet, X, y, LR); },
      hand: () => { hand.step(Xf, yf, n, LR); },
      tfjs: () => { tfm.step(); },
    };
    const eagerStep = () => {
      for (const p of eagerNet.params) p.grad = 0;
      eagerMoonsLoss(X, y, eagerNet.W, eagerNet.B).backward();
      sgd(eagerNet.params, LR);
    };
    // The eager step is timed on its own, each run after a full GC: its
    // megabytes of nodes would slow whatever runs next, and without the GC its
    // time swings 3× with where the young-generation collections happen to fall.
    const big = n * sizes.reduce((s, v) => s + v * v, 0) > 1e5;
    const t = { ...medianInterleaved(steps, quick ? 5 : 25, big ? 50 : 20), eager: medianMs(eagerStep, quick ? 1 : big ? 3 : 25, 1, fullGc) };
    const ms = (impl: string, value: number) => rows.push({ name: `${name}: ${impl}`, value, unit: 'ms/step' });
    ms('eager', t.eager);
    ms(`compiled (compiled once in ${compileMs.toFixed(0)} ms)`, t.compiled);
    ms('compiled with labels: true (as fit would)', t.labels);
    ms('hand-written Float64Array', t.hand);
    ms('TensorFlow.js cpu', t.tfjs);
    const ratio = t.compiled / t.hand;
    rows.push({ name: `${name}: compiled / hand-written`, value: ratio, unit: '×', target: `≤ ${target}`, ok: ratio <= target });
    rows.push({ name: `${name}: TensorFlow.js / compiled`, value: t.tfjs / t.compiled, unit: '×' });
    rows.push({ name: `${name}: eager / compiled`, value: t.eager / t.compiled, unit: '×' });
  }
  return { rows, checks };
}

