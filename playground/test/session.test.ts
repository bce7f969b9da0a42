import { describe, expect, it } from 'vitest';
import { layout, localRule, snapshot, formula, NODE_H } from '../src/graph.js';
import { Session, shortName } from '../src/session.js';
import { parseState } from '../src/state.js';
import { Value } from '@ugrad/engine';

const session = (hash: string): Session => new Session(parseState(hash).state);

describe('Session', () => {
  it('learns moons past 95% test accuracy within 300 steps with the default settings', () => {
    const s = session('');
    while (s.stepCount < 300 && s.last.testAccuracy < 0.95) s.step();
    expect(s.last.testAccuracy).toBeGreaterThanOrEqual(0.95);
  });

  it('repeats a run exactly from the same state, and differs with another seed', () => {
    const run = (hash: string): number[] => {
      const s = session(hash);
      for (let k = 0; k < 40; k++) s.step();
      return [...s.batchLosses, ...s.evals.map((e) => e.testLoss)];
    };
    expect(run('data=xor&hidden=4,3&opt=sgd&lr=0.2&seed=5')).toEqual(run('data=xor&hidden=4,3&opt=sgd&lr=0.2&seed=5'));
    expect(run('data=xor&hidden=4,3&opt=sgd&lr=0.2&seed=5')).not.toEqual(run('data=xor&hidden=4,3&opt=sgd&lr=0.2&seed=6'));
  });

  it('splits the generated points by the test share and adds clicked points to training only', () => {
    const s = session('n=100&test=20&pts=0,0,1;1,1,0');
    expect(s.test.X).toHaveLength(20);
    expect(s.train.X).toHaveLength(82);
    expect(s.train.X.slice(-2)).toEqual([[0, 0], [1, 1]]);
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

  it('predicts the class the accuracy counts, with confidence in [0, 1]', () => {
    for (const hash of ['loss=hinge', 'loss=bce', 'loss=mse', 'data=blobs&classes=3']) {
      const s = session(hash);
      for (let k = 0; k < 30; k++) s.step();
      const frozen = s.frozenModel();
      let correct = 0;
      s.test.X.forEach(([x, y], i) => {
        const p = s.predict(frozen, x!, y!);
        expect(p.confidence).toBeGreaterThanOrEqual(0);
        expect(p.confidence).toBeLessThanOrEqual(1);
        if (p.label === s.test.y[i]) correct++;
      });
      expect(correct / s.test.X.length).toBe(s.evaluate().testAccuracy);
    }
  });

  it('finds the training sample with the largest loss', () => {
    const s = session('');
    for (let k = 0; k < 20; k++) s.step();
    const worst = s.worstSample();
    const loss = (i: number): number => s.sampleGraph(i).nodes[0]!.data;
    for (let i = 0; i < s.train.X.length; i++) expect(loss(i)).toBeLessThanOrEqual(loss(worst));
  });

  it('names parameters briefly in the graph', () => {
    expect(shortName('layers.0.neurons.3.w.1')).toBe('L0.n3.w1');
    expect(shortName('layers.2.neurons.0.b')).toBe('L2.n0.b');
  });
});

describe('the sample graph', () => {
  const s = session('hidden=3');
  for (let k = 0; k < 20; k++) s.step();
  const g = s.sampleGraph(0);

  it('holds every node once, the loss first, with inputs and parameters named', () => {
    expect(g.nodes[0]!.users).toEqual([]);
    expect(g.nodes[0]!.grad).toBe(1);
    const names = g.nodes.map((n) => n.name).filter((n) => n !== '');
    expect(names.sort()).toEqual(['L0.n0.b', 'L0.n0.w0', 'L0.n0.w1', 'L0.n1.b', 'L0.n1.w0', 'L0.n1.w1', 'L0.n2.b', 'L0.n2.w0', 'L0.n2.w1',
      'L1.n0.b', 'L1.n0.w0', 'L1.n0.w1', 'L1.n0.w2', 'x0', 'x1']);
  });

  it('obeys the chain rule: each grad is the sum over users of local derivative × user grad', () => {
    for (const n of g.nodes.slice(1)) {
      const total = n.users.reduce((acc, e) => acc + e.local * g.nodes[e.id]!.grad, 0);
      expect(n.grad).toBeCloseTo(total, 12);
    }
  });

  it('keeps ids and shape from one refresh to the next while numbers change', () => {
    s.step();
    const again = s.sampleGraph(0);
    expect(again.shape).toBe(g.shape);
    expect(again.nodes.map((n) => n.data)).not.toEqual(g.nodes.map((n) => n.data));
  });

  it('is laid out with inputs left of their users and no overlapping boxes', () => {
    const L = layout(g);
    for (const n of g.nodes) for (const e of n.inputs) expect(L.x[e.id]!).toBeLessThan(L.x[n.id]!);
    const byColumn = new Map<number, number[]>();
    g.nodes.forEach((n) => byColumn.set(L.x[n.id]!, [...(byColumn.get(L.x[n.id]!) ?? []), L.y[n.id]!]));
    for (const ys of byColumn.values()) {
      ys.sort((a, b) => a - b);
      for (let i = 1; i < ys.length; i++) expect(ys[i]! - ys[i - 1]!).toBeGreaterThanOrEqual(NODE_H);
    }
    for (const n of g.nodes) {
      expect(L.y[n.id]!).toBeGreaterThanOrEqual(NODE_H / 2);
      expect(L.y[n.id]!).toBeLessThanOrEqual(L.height - NODE_H / 2);
    }
  });
});

describe('snapshot', () => {
  it('copies the local derivatives the engine stored for each input', () => {
    const a = new Value(2), b = new Value(-3);
    const c = a.mul(b).tanh();
    c.backward();
    const g = snapshot(c, new Map([[a, 'a'], [b, 'b']]));
    expect(g.nodes.map((n) => n.op)).toEqual(['tanh', '*', '', '']);
    expect(g.nodes[0]!.inputs).toEqual([{ id: 1, local: 1 - Math.tanh(-6) ** 2 }]);
    expect(g.nodes[1]!.inputs).toEqual([{ id: 2, local: -3 }, { id: 3, local: 2 }]);
    expect(g.nodes[2]).toMatchObject({ name: 'a', data: 2, grad: a.grad });
  });

  it('names each op\'s local derivative and writes its formula', () => {
    expect(localRule('*', 0)).toBe('b');
    expect(localRule('**-1', 0)).toBe('-1·a^(-1−1)');
    expect(localRule('tanh', 0)).toBe('1 − v²');
    expect(formula('+', ['x0', '#3'])).toBe('x0 + #3');
    expect(formula('**-1', ['#2'])).toBe('#2^-1');
    expect(formula('relu', ['#2'])).toBe('relu(#2)');
  });
});
