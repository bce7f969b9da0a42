import { Adam, MLP, Rng, digits, fit, trainTestSplit } from '@ugrad/nn';
import { HandwrittenClassifier } from './digits-handwritten.js';

// One whole 3-epoch run on digits in this process, which has run nothing
// else: `hand` (the hand-written loop) or `fit`, named by the first argument.
// Prints its milliseconds. digits.ts starts it in fresh node processes, so
// that its figures include everything a first run in a script pays for.

const which = process.argv[2];
const LR = 0.01, BATCH = 64, SEED = 0;
const { train } = trainTestSplit(digits({ scale: true }), { testFraction: 0.2, stratify: true, seed: SEED });
const t0 = performance.now();
if (which === 'hand') {
  const init = new MLP(64, [32, 10], { seed: SEED, init: 'he' });
  const W = init.layers.map((l) => l.neurons.map((n) => n.w.map((w) => w.data)));
  const B = init.layers.map((l) => l.neurons.map((n) => n.b.data));
  const X = Float64Array.from(train.X.flat()), y = Float64Array.from(train.y), n = train.X.length;
  const start = performance.now();
  const hand = new HandwrittenClassifier([64, 32, 10], W, B), rng = new Rng(SEED);
  for (let e = 0; e < 3; e++) {
    const order = rng.shuffle(Array.from({ length: n }, (_, i) => i));
    for (let b = 0; b < n; b += BATCH) hand.step(X, y, order.slice(b, b + BATCH), LR);
  }
  console.log(performance.now() - start);
} else if (which === 'fit') {
  const model = new MLP(64, [32, 10], { seed: SEED, init: 'he' });
  fit(model, train, { loss: 'crossEntropy', optimizer: new Adam(model.parameters(), { lr: LR }), batchSize: BATCH, seed: SEED, epochs: 3 });
  console.log(performance.now() - t0);
} else {
  throw new Error(`digits-cold: expected hand or fit, got ${String(which)}`);
}
