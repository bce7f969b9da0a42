import { noGrad } from '@ugrad/engine';
import { SGD } from '@ugrad/nn';
import { describe, expect, it } from 'vitest';
import { Session } from '../src/session.js';
import { parseState, type State } from '../src/state.js';

const state = (hash: string): State => parseState(hash).state;
const session = (hash: string): Session => new Session(state(hash));
const run = (s: Session, steps: number): Session => {
  for (let k = 0; k < steps; k++) expect(s.step()).toBe(true);
  return s;
};

describe('Session', () => {
  it('learns moons past 95% test accuracy within 300 steps with the default settings', () => {
    const s = session('');
    while (s.stepCount < 300 && s.last.testAccuracy < 0.95) s.step();
    expect(s.last.testAccuracy).toBeGreaterThanOrEqual(0.95);
  });

  it('learns the regression problems with mse: plane to a loss below 0.005, gauss below half its start', () => {
    const plane = session('data=plane&hidden=4&act=tanh&lr=0.03');
    run(plane, 400);
    expect(plane.state.loss).toBe('mse');
    expect(plane.evaluate().testLoss).toBeLessThan(0.005);
    expect(Number.isNaN(plane.last.testAccuracy)).toBe(true);
    const gauss = session('data=gauss&hidden=8,8&feat=x1,x2&lr=0.03');
    const start = gauss.last.trainLoss;
    run(gauss, 600);
    expect(gauss.evaluate().trainLoss).toBeLessThan(start / 2);
  });

  it('feeds the chosen features to the network', () => {
    const s = session('feat=x1,x1sq,sinx2&hidden=3');
    expect(s.model.nin).toBe(3);
    const [x, y] = s.raw.train.X[0]!;
    expect(s.train.X[0]).toEqual([x, x! * x!, Math.sin(y!)]);
  });

  it('repeats a run exactly from the same state, and differs with another seed', () => {
    const losses = (hash: string): number[] => {
      const s = run(session(hash), 40);
      return [...s.batchLosses, ...s.evals.map((e) => e.testLoss)];
    };
    expect(losses('data=xor&hidden=4,3&opt=sgd&lr=0.2&seed=5')).toEqual(losses('data=xor&hidden=4,3&opt=sgd&lr=0.2&seed=5'));
    expect(losses('data=xor&hidden=4,3&opt=sgd&lr=0.2&seed=5')).not.toEqual(losses('data=xor&hidden=4,3&opt=sgd&lr=0.2&seed=6'));
  });

  it('splits the generated points by the test share and adds clicked points to training only', () => {
    const s = session('n=100&test=20&pts=0,0,1;1,1,0');
    expect(s.test.X).toHaveLength(20);
    expect(s.train.X).toHaveLength(82);
    expect(s.addedFrom).toBe(80);
    expect(s.raw.train.X.slice(-2)).toEqual([[0, 0], [1, 1]]);
    expect(s.train.y.slice(-2)).toEqual([1, 0]);
  });

  it('gives the model one output per class for crossEntropy and one score otherwise', () => {
    expect(session('data=spiral&classes=3&loss=crossEntropy&hidden=4').model.nouts).toEqual([4, 3]);
    expect(session('hidden=').model.nouts).toEqual([1]);
  });

  it('does not let the sample graph leak its gradient into training', () => {
    const a = session('seed=3'), b = session('seed=3');
    for (let k = 0; k < 5; k++) {
      a.sampleGraph(k);
      a.step();
      b.step();
    }
    expect(a.model.stateDict()).toEqual(b.model.stateDict());
  });

  it('reads the class each loss\'s accuracy counts from the outputs, with confidence in [0, 1]', () => {
    for (const hash of ['loss=hinge', 'loss=bce', 'loss=mse', 'loss=l1', 'loss=huber', 'data=blobs&classes=3']) {
      const s = run(session(hash), 30);
      let correct = 0;
      s.test.X.forEach((x, i) => {
        const out = noGrad(() => s.model.forward(x).map((v) => v.data));
        const { label, confidence } = s.reader!(out, 0);
        expect(confidence).toBeGreaterThanOrEqual(0);
        expect(confidence).toBeLessThanOrEqual(1);
        if (label === s.test.y[i]) correct++;
      });
      expect(correct / s.test.X.length).toBe(s.evaluate().testAccuracy);
    }
  });

  it('finds the training sample with the largest loss', () => {
    const s = run(session(''), 20);
    const worst = s.worstSample();
    const loss = (i: number): number => s.sampleGraph(i).nodes[0]!.data;
    for (let i = 0; i < s.train.X.length; i++) expect(loss(i)).toBeLessThanOrEqual(loss(worst));
  });

  it('evaluates at the current step on request, so readouts never lag behind', () => {
    const s = run(session(''), 13);
    expect(s.last.step).toBe(10);
    expect(s.evaluateNow().step).toBe(13);
    expect(s.evals.filter((e) => e.step === 13)).toHaveLength(1);
    s.evaluateNow();
    expect(s.evals.filter((e) => e.step === 13)).toHaveLength(1);
  });
});

describe('live changes', () => {
  it('apply the learning rate between steps, as if the optimizer had been told directly', () => {
    const live = run(session('opt=sgd&lr=0.1'), 20);
    const said = live.apply(state('opt=sgd&lr=0.01'));
    expect(said).toEqual(['learning rate 0.01']);
    run(live, 20);
    // The same run by hand: the optimizer's learning rate set at step 20.
    const hand = run(session('opt=sgd&lr=0.1'), 20);
    hand.optimizer.lr = 0.01;
    run(hand, 20);
    expect(live.stepCount).toBe(40);
    expect(live.model.stateDict()).toEqual(hand.model.stateDict());
    expect(live.history.map((h) => [h.step, h.state.lr])).toEqual([[0, 0.1], [20, 0.01]]);
  });

  it('keep the weights and start fresh optimizer state when the optimizer changes', () => {
    const s = run(session('opt=adam'), 15);
    const weights = s.model.stateDict();
    s.apply(state('opt=sgd'));
    expect(s.model.stateDict()).toEqual(weights);
    expect(s.optimizer).toBeInstanceOf(SGD);
    expect(s.optimizer.stepCount).toBe(0);
    run(s, 5);
    expect(s.stepCount).toBe(20);
  });

  it('take new added points and a new batch size into training without a reset', () => {
    const s = run(session('n=100&test=20'), 10);
    const before = s.train.X.length;
    s.apply(state('n=100&test=20&pts=0.5,0.5,1&batch=4'));
    expect(s.train.X.length).toBe(before + 1);
    expect(s.batchSize).toBe(4);
    run(s, 10);
    expect(s.stepCount).toBe(20);
    s.apply(state('n=100&test=20&batch=4'));
    expect(s.train.X.length).toBe(before);
  });

  it('draw new points for "regenerate data" and keep training the same weights', () => {
    const s = run(session(''), 10);
    const weights = s.model.stateDict(), first = s.raw.train.X[0];
    expect(s.apply(state('regen=1'))).toEqual(['freshly drawn data']);
    expect(s.raw.train.X[0]).not.toEqual(first);
    expect(s.model.stateDict()).toEqual(weights);
    expect(s.test.X).toHaveLength(60);
  });
});

describe('regularisation', () => {
  const sumOf = (s: Session, f: (w: number) => number): number => s.model.parameters().reduce((a, p) => a + f(p.data), 0);

  it('counts rate·Σ|p| (L1) or rate·Σp² (L2) over every parameter into the loss it reports, as fit\'s l1 and l2 do', () => {
    for (const [reg, term] of [['L1', Math.abs], ['L2', (w: number) => w * w]] as const) {
      const s = run(session(`reg=${reg}&regRate=0.1`), 5);
      const pen = 0.1 * sumOf(s, term);
      s.apply(state('reg=none&regRate=0.1'));
      const plain = s.evaluate().trainLoss;
      s.apply(state(`reg=${reg}&regRate=0.1`));
      expect(s.evaluate().trainLoss).toBeCloseTo(plain + pen, 12);
    }
  });

  it('pulls the weights in when switched on live: L1 drives Σ|p| far below the unregularised run\'s', () => {
    const plain = run(session('opt=sgd&lr=0.1&hidden=6'), 100), l1 = run(session('opt=sgd&lr=0.1&hidden=6'), 100);
    expect(l1.apply(state('opt=sgd&lr=0.1&hidden=6&reg=L1&regRate=0.05'))).toEqual(['L1 regularisation at rate 0.05']);
    run(plain, 300);
    run(l1, 300);
    expect(sumOf(l1, Math.abs)).toBeLessThan(0.5 * sumOf(plain, Math.abs));
    expect(l1.stepCount).toBe(400);
  });
});

describe('divergence', () => {
  it('stops before a non-finite loss or weight, keeps the last finite weights and says what went wrong', () => {
    for (const hash of ['data=plane&opt=sgd&lr=10&act=relu&hidden=8,8', 'opt=sgd&lr=10&loss=mse&act=relu&hidden=16,16&feat=x1,x2,x1sq,x2sq']) {
      const s = session(hash);
      let ok = true;
      while (ok && s.stepCount < 500) ok = s.step();
      expect(ok).toBe(false);
      expect(s.diverged!.step).toBe(s.stepCount);
      expect(s.diverged!.what).toMatch(/^the (loss|gradient of L\d\.n\d+\.[wb]\d*|update made weight L\d\.n\d+\.[wb]\d*) (became|[+−])/);
      expect(s.diverged!.what).not.toMatch(/fit|\d\.\d{6}/);
      expect(s.model.parameters().every((p) => Number.isFinite(p.data))).toBe(true);
    }
  });
});

describe('the maps', () => {
  it('hold every neuron\'s output at each cell centre, as the model computes it there', async () => {
    const { GridJob, GRID, cellCentre } = await import('../src/grid.js');
    const { featureRow } = await import('../src/problems.js');
    const s = run(session('hidden=3,2&feat=x1,x2,x1x2&act=leakyRelu'), 5);
    const job = new GridJob(s);
    job.start();
    let maps = null;
    while (maps === null) maps = job.work(Infinity);
    expect(maps.step).toBe(5);
    expect(maps.neurons).toHaveLength(3 + 2 + 1);
    for (const [row, col] of [[0, 0], [17, 40], [GRID - 1, GRID - 1]] as const) {
      let h: number[] = featureRow(s.state.features, ...cellCentre(s.extent, row, col));
      const all: number[] = [];
      for (const layer of s.model.layers) {
        h = noGrad(() => layer.forward(h).map((v) => v.data));
        all.push(...h);
      }
      all.forEach((v, j) => expect(maps!.neurons[j]![row * GRID + col]).toBe(v));
    }
    // Training on does not tear a map under way: it was taken from the weights at start().
    job.start();
    run(s, 1);
    while ((maps = job.work(Infinity)) === null);
    expect(maps.step).toBe(5);
  });
});
