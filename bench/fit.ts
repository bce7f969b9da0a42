import { MLP, SGD, fit, linearLR, moons, type Trainer } from '@ugrad/nn';
import { medianMs, type Row } from './harness.js';

/**
 * The whole of micrograd's demo through `fit` — moons n=100, MLP 2-16-16-1,
 * hinge + 1e-4·L2, 100 full-batch SGD steps, lr 1.0 → 0.1 — as a user runs it:
 * on the compiled step that `fit` picks by default, and forced eager.
 */
export function runFit(quick: boolean): Row[] {
  const data = moons({ n: 100, noise: 0.1, seed: 1337 });
  const run = (compile: 'auto' | false) => {
    let trainer: Trainer | null = null;
    return {
      time: () => {
        const model = new MLP(2, [16, 16, 1], { seed: 1337 });
        fit(model, data, {
          loss: 'hinge', l2: 1e-4, steps: 100, compile,
          optimizer: new SGD(model.parameters(), { lr: 1 }), schedule: linearLR(1, 0.1, 100),
          onStep: (_, t) => { trainer = t; },
        });
      },
      mode: () => trainer?.mode,
    };
  };
  const compiled = run('auto'), eager = run(false);
  const compiledMs = medianMs(compiled.time, quick ? 3 : 9, 2);
  const eagerMs = medianMs(eager.time, quick ? 3 : 7, 1);
  if (compiled.mode() !== 'compiled') throw new Error(`bench: fit did not pick the compiled step (mode ${compiled.mode()})`);
  return [
    { name: 'micrograd demo via fit(), 100 steps: compiled (default)', value: compiledMs, unit: 'ms' },
    { name: 'micrograd demo via fit(), 100 steps: eager (compile: false)', value: eagerMs, unit: 'ms' },
    { name: 'micrograd demo via fit(): eager / compiled', value: eagerMs / compiledMs, unit: '×' },
  ];
}
