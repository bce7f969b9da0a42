import { Value, dot, graphNodes, sum } from '@ugrad/engine';
import { heapBytesPer, medianMs, type Row } from './harness.js';
import { initWeights, moonsData } from './moons.js';

/** micrograd's moons demo step, written with bare Values: MLP 2-16-16-1, hinge + 1e-4·L2. */
export function eagerMoonsLoss(X: number[][], y: number[], W: Value[][][], B: Value[][]): Value {
  const losses: Value[] = [];
  for (let s = 0; s < X.length; s++) {
    let h: Value[] = X[s]!.map((x) => new Value(x));
    for (let l = 0; l < W.length; l++) {
      const last = l === W.length - 1;
      h = W[l]!.map((w, j) => {
        const act = dot(w, h).add(B[l]![j]!);
        return last ? act : act.relu();
      });
    }
    losses.push(h[0]!.mul(-y[s]!).add(1).relu());
  }
  const data = sum(losses).div(X.length);
  const params = [...W.flat(2), ...B.flat()];
  return data.add(sum(params.map((p) => p.mul(p))).mul(1e-4));
}

export function runEngine(quick: boolean): Row[] {
  const rows: Row[] = [];
  const { X, y } = moonsData(100, 0.1, 'moons');
  const init = initWeights([2, 16, 16, 1], 'init');
  const W = init.W.map((l) => l.map((r) => r.map((x) => new Value(x))));
  const B = init.B.map((l) => l.map((x) => new Value(x)));
  const nodes = graphNodes(eagerMoonsLoss(X, y, W, B)).length;
  const moons = medianMs(() => eagerMoonsLoss(X, y, W, B).backward(), quick ? 10 : 60);
  rows.push({ name: `eager moons step, build + backward (${nodes} nodes)`, value: moons, unit: 'ms', target: '≤ 5', ok: moons <= 5 });

  const N = 1_000_000;
  const chain = () => {
    let x = new Value(0.5);
    for (let i = 0; i < N; i++) x = i & 1 ? x.mul(0.999) : x.add(0.001);
    return x;
  };
  const root = chain();
  const back = medianMs(() => root.backward(), quick ? 3 : 11, 2);
  rows.push({ name: '1M-node chain backward, per node', value: (back * 1e6) / (2 * N), unit: 'ns', target: '≤ 30', ok: (back * 1e6) / (2 * N) <= 30 });

  // The MLP graph scaled to ~1M nodes: what a large full-batch step holds.
  const { X: Xb, y: yb } = moonsData(1700, 0.1, 'moons-big');
  let total = 0;
  const bytes = heapBytesPer(() => {
    const loss = eagerMoonsLoss(Xb, yb, W, B);
    loss.backward();
    total = graphNodes(loss).length;
    return loss;
  }, 1);
  rows.push({ name: `heap per node, moons graph (${(total / 1e6).toFixed(2)}M nodes)`, value: bytes / total, unit: 'bytes', target: '≤ 120', ok: bytes / total <= 120 });
  const chainBytes = heapBytesPer(() => { const r = chain(); r.backward(); return r; }, 1);
  rows.push({ name: 'heap per node, add/mul chain (2M nodes)', value: chainBytes / (2 * N + 1), unit: 'bytes', target: '≤ 120', ok: chainBytes / (2 * N + 1) <= 120 });
  return rows;
}
