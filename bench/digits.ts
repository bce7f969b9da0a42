import * as tf from '@tensorflow/tfjs';
import { noGrad } from '@ugrad/engine';
import { Adam, MLP, Rng, Trainer, digits, fit, trainTestSplit, type Dataset } from '@ugrad/nn';
import { HandwrittenClassifier } from './digits-handwritten.js';
import { fullGc, type Row } from './harness.js';
import { tfjsReady } from './tfjs.js';

// Issue 10's workload: scikit-learn's digits, a stratified 80% for training,
// MLP 64-32-10 (ReLU), softmax cross-entropy, Adam lr 0.01, batches of 64 —
// by hand over Float64Arrays, by TensorFlow.js's cpu `model.fit`, and by
// ugrad's `fit`, timed in one run. Then larger nets: 64-128-64-10 on the same
// rows, and an MNIST-sized 784-64-10 on synthetic rows.

const LR = 0.01, BATCH = 64, SEED = 0;

interface Flat { X: Float64Array; y: Float64Array; n: number }

const flat = (d: Dataset): Flat => ({ X: Float64Array.from(d.X.flat()), y: Float64Array.from(d.y), n: d.X.length });

/** An MLP's weights as W[l][j][k] and B[l][j], to start every implementation from the same point. */
function weightsOf(model: MLP): { W: number[][][]; B: number[][] } {
  return {
    W: model.layers.map((l) => l.neurons.map((n) => n.w.map((w) => w.data))),
    B: model.layers.map((l) => l.neurons.map((n) => n.b.data)),
  };
}

const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);

/** One epoch of the hand-written loop, batches in the order `rng` shuffles them to, as a Trainer does. */
function handEpoch(hand: HandwrittenClassifier, d: Flat, rng: Rng): number {
  const order = rng.shuffle(range(d.n));
  let loss = 0;
  for (let b = 0; b < d.n; b += BATCH) loss = hand.step(d.X, d.y, order.slice(b, b + BATCH), LR);
  return loss;
}

const trainerOptions = (model: MLP, epochs?: number) => ({
  loss: 'crossEntropy' as const, optimizer: new Adam(model.parameters(), { lr: LR }), batchSize: BATCH, seed: SEED,
  ...(epochs === undefined ? {} : { epochs }),
});

/** TensorFlow.js's version: the same layers and initial weights, `model.fit` with Adam on logits. */
function tfjsModel(sizes: number[], W: number[][][], B: number[][]): tf.Sequential {
  const model = tf.sequential();
  for (let l = 1; l < sizes.length; l++) {
    model.add(tf.layers.dense({ units: sizes[l]!, inputShape: [sizes[l - 1]!], ...(l < sizes.length - 1 ? { activation: 'relu' as const } : {}) }));
  }
  model.setWeights(W.flatMap((w, l) => [tf.transpose(tf.tensor2d(w)), tf.tensor1d(B[l]!)]));
  model.compile({ optimizer: tf.train.adam(LR, 0.9, 0.999, 1e-8), loss: (t: tf.Tensor, p: tf.Tensor) => tf.losses.softmaxCrossEntropy(t, p) });
  return model;
}

/**
 * Median milliseconds of each function, timed in alternation: every round
 * runs each once, in turn, so that a change in the machine's speed during the
 * run hits all of them alike, each after a full GC. (harness's
 * medianInterleaved does the same for calls of a few ms, with a warm-up too
 * long for whole epochs.)
 */
async function alternate<K extends string>(fns: Record<K, () => unknown>, rounds: number): Promise<Record<K, number>> {
  const times = {} as Record<K, number[]>;
  for (const k of Object.keys(fns) as K[]) times[k] = [];
  for (let r = 0; r < rounds; r++) {
    for (const k of Object.keys(fns) as K[]) {
      fullGc(); // each timing starts from a clean heap: ugrad's large compiled programs otherwise slow whatever runs next
      const t0 = performance.now();
      await fns[k]();
      times[k].push(performance.now() - t0);
    }
  }
  const out = {} as Record<K, number>;
  for (const k of Object.keys(fns) as K[]) out[k] = median(times[k]);
  return out;
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b), mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};

/** The digits workload side by side; returns the table rows and the same-work checks. */
export async function runDigitsBench(quick: boolean): Promise<{ rows: Row[]; checks: string[] }> {
  await tfjsReady();
  const rows: Row[] = [], checks: string[] = [];
  const all = digits({ scale: true });
  const { train } = trainTestSplit(all, { testFraction: 0.2, stratify: true, seed: SEED });
  const d = flat(train), full = flat(all);
  const sizes = [64, 32, 10];
  const newModel = () => new MLP(64, [32, 10], { seed: SEED, init: 'he' });
  const { W, B } = weightsOf(newModel());

  // Same work: from the same weights and batch order, the hand-written loop and fit give the same losses.
  {
    const model = newModel();
    const trainer = new Trainer(model, train, trainerOptions(model, 1));
    const hand = new HandwrittenClassifier(sizes, W, B);
    const order = new Rng(SEED).shuffle(range(d.n));
    const losses: [number, number][] = [];
    for (let b = 0; b < d.n; b += BATCH) losses.push([trainer.step().loss, hand.step(d.X, d.y, order.slice(b, b + BATCH), LR)]);
    const rel = ([u, h]: [number, number]) => Math.abs(u - h) / Math.abs(h);
    const ps = model.parameters().map((p) => p.data), hs = hand.params();
    const wDiff = Math.max(...ps.map((p, i) => Math.abs(p - hs[i]!)));
    const tfm = tfjsModel(sizes, W, B);
    const first = order.slice(0, BATCH);
    const tfLoss = tf.tidy(() => {
      const xs = tf.tensor2d(first.map((i) => train.X[i]!)), ys = tf.oneHot(tf.tensor1d(first.map((i) => train.y[i]!), 'int32'), 10);
      return tf.losses.softmaxCrossEntropy(ys, tfm.predict(xs) as tf.Tensor).dataSync()[0]!;
    });
    tfm.dispose();
    const ok = rel(losses[0]!) <= 1e-12 && Math.abs(tfLoss - losses[0]![1]) / losses[0]![1] <= 1e-5 && Math.max(...losses.map(rel)) <= 1e-9;
    checks.push(`${ok ? 'ok' : 'MISMATCH'}: digits 64-32-10, ${d.n} training rows (trainer mode ${trainer.mode}): first-batch loss ugrad ${losses[0]![0]}, hand-written ${losses[0]![1]} (Δ ${rel(losses[0]!).toExponential(1)}), TF.js ${tfLoss.toPrecision(8)}; ` +
      `after one epoch (${losses.length} Adam steps, same batch order) the largest loss Δ is ${Math.max(...losses.map(rel)).toExponential(1)} and the largest weight Δ ${wDiff.toExponential(1)}`);
    if (!ok) process.exitCode = 1;
  }

  // Everything below is timed in alternation, round after round, so that the
  // machine's load (other processes, clock scaling) hits every implementation alike.
  const rounds = quick ? 3 : 7;

  // Steady-state epochs: each implementation warmed up first (ugrad's compiled
  // programs and TF.js's kernels take a few epochs to be optimized).
  const hand = new HandwrittenClassifier(sizes, W, B), handRng = new Rng(SEED);
  const model = newModel();
  const trainer = new Trainer(model, train, trainerOptions(model));
  const perEpoch = Math.ceil(d.n / BATCH);
  const tfm = tfjsModel(sizes, W, B);
  const xs = tf.tensor2d(train.X), ys = tf.oneHot(tf.tensor1d(train.y, 'int32'), 10) as tf.Tensor2D;
  const epochs = {
    hand: () => { handEpoch(hand, d, handRng); },
    ugrad: () => { for (let i = 0; i < perEpoch; i++) trainer.step(); },
    tfjs: () => tfm.fit(xs, ys, { batchSize: BATCH, epochs: 1, shuffle: true, verbose: 0 }),
  };
  for (let i = 0; i < (quick ? 2 : 4); i++) { epochs.hand(); epochs.ugrad(); await epochs.tfjs(); }
  const epochMs = await alternate(epochs, rounds);

  // Evaluation over all 1797 rows: trainer.evaluate, and prediction by model.forward under noGrad.
  const evals = {
    hand: () => { hand.evaluate(full.X, full.y, full.n); },
    evaluate: () => { trainer.evaluate(all); },
    predict: () => { noGrad(() => all.X.map((x) => model.forward(x))); },
  };
  for (const f of Object.values(evals)) f();
  const evalMs = await alternate(evals, rounds);
  tfm.dispose(); xs.dispose(); ys.dispose();

  // Whole runs from construction: the hand-written 3 epochs, and fit's 3 epochs.
  let ctor: number[] = [];
  const whole = {
    hand: () => { const h = new HandwrittenClassifier(sizes, W, B), r = new Rng(SEED); for (let e = 0; e < 3; e++) handEpoch(h, d, r); },
    fit: () => {
      // fit() as a user calls it; its construction is the time before the first step began.
      const t0 = performance.now(), m = newModel();
      fit(m, train, { ...trainerOptions(m, 3), onStep: (s) => { if (s.step === 0) ctor.push(performance.now() - t0 - s.ms); } });
    },
  };
  const wholeMs = await alternate(whole, quick ? 1 : 3);
  const ctorMs = median(ctor);
  ctor = [];

  const handEpochMs = epochMs.hand, fitEpochMs = epochMs.ugrad, tfEpochMs = epochMs.tfjs;
  const hand3Ms = wholeMs.hand, fit3Ms = wholeMs.fit, handEvalMs = evalMs.hand, predictMs = evalMs.predict;
  const evaluateMs = evalMs.evaluate;

  const ms = (name: string, value: number) => rows.push({ name, value, unit: 'ms' });
  const ratio = (name: string, value: number, target: string, ok: boolean) => rows.push({ name, value, unit: '×', target, ok });
  ms(`digits 64-32-10 × ${d.n}: hand-written Float64Array epoch`, handEpochMs);
  ms('digits: TensorFlow.js cpu model.fit epoch (steady)', tfEpochMs);
  ms('digits: ugrad fit epoch (steady)', fitEpochMs);
  ms('digits: hand-written 3 epochs, from construction', hand3Ms);
  ms('digits: ugrad fit, 3 epochs, everything included', fit3Ms);
  rows.push({ name: 'digits: new Trainer(...)', value: ctorMs, unit: 'ms', target: '≤ 250', ok: ctorMs <= 250 });
  ratio('digits: fit epoch / hand-written epoch', fitEpochMs / handEpochMs, '≤ 2', fitEpochMs / handEpochMs <= 2);
  ratio('digits: whole 3-epoch fit / hand-written 3 epochs', fit3Ms / hand3Ms, '≤ 3', fit3Ms / hand3Ms <= 3);
  ratio('digits: TensorFlow.js epoch / fit epoch', tfEpochMs / fitEpochMs, '≥ 3', tfEpochMs / fitEpochMs >= 3);
  ms(`digits: hand-written forward pass over ${full.n} rows (loss, accuracy)`, handEvalMs);
  ms(`digits: trainer.evaluate over ${full.n} rows`, evaluateMs);
  ms(`digits: model.forward under noGrad over ${full.n} rows (prediction)`, predictMs);
  ratio('digits: evaluate / hand-written forward', evaluateMs / handEvalMs, '≤ 2', evaluateMs / handEvalMs <= 2);
  ratio('digits: prediction / hand-written forward', predictMs / handEvalMs, '≤ 2', predictMs / handEvalMs <= 2);

  rows.push(...(await largerNets(quick, train)));
  return { rows, checks };
}

/** 64-128-64-10 on the digits rows (construction, and a training step per sample) and 784-64-10 on synthetic rows (construction). */
async function largerNets(quick: boolean, train: Dataset): Promise<Row[]> {
  const rows: Row[] = [];
  {
    const sizes = [64, 128, 64, 10];
    const newModel = () => new MLP(64, [128, 64, 10], { seed: SEED, init: 'he' });
    const { W, B } = weightsOf(newModel());
    const t0 = performance.now();
    const m = newModel();
    const trainer = new Trainer(m, train, trainerOptions(m));
    const ctorMs = performance.now() - t0;
    const d = flat(train), hand = new HandwrittenClassifier(sizes, W, B), order = new Rng(SEED).shuffle(range(d.n));
    let b = 0;
    const steps = {
      hand: () => { hand.step(d.X, d.y, order.slice(b, b + BATCH), LR); b = (b + BATCH) % (d.n - BATCH); },
      ugrad: () => { trainer.step(); },
    };
    for (let i = 0; i < (quick ? 25 : 50); i++) { steps.hand(); steps.ugrad(); }
    const stepMs = await alternate(steps, quick ? 10 : 30);
    const handMs = stepMs.hand, ugradMs = stepMs.ugrad;
    rows.push({ name: '64-128-64-10: new Trainer (compilation and checks)', value: ctorMs, unit: 'ms', target: '≤ 1000', ok: ctorMs <= 1000 });
    rows.push({ name: '64-128-64-10: fit step per sample (steady)', value: (1000 * ugradMs) / BATCH, unit: 'µs' });
    rows.push({ name: '64-128-64-10: hand-written step per sample', value: (1000 * handMs) / BATCH, unit: 'µs' });
    rows.push({ name: '64-128-64-10: fit / hand-written per sample', value: ugradMs / handMs, unit: '×', target: '≤ 2', ok: ugradMs / handMs <= 2 });
  }
  {
    // MNIST-sized: 784 inputs, on 256 synthetic rows (pixels uniform in [0, 1), labels 0..9 in turn).
    const rng = new Rng('mnist-sized');
    const data = { X: Array.from({ length: 256 }, () => Array.from({ length: 784 }, () => rng.next())), y: Array.from({ length: 256 }, (_, i) => i % 10) };
    const t0 = performance.now();
    const m = new MLP(784, [64, 10], { seed: SEED, init: 'he' });
    new Trainer(m, data, trainerOptions(m));
    const ctorMs = performance.now() - t0;
    rows.push({ name: '784-64-10 (synthetic rows): new Trainer (compilation and checks)', value: ctorMs, unit: 'ms', target: '≤ 2000', ok: ctorMs <= 2000 });
  }
  return rows;
}
