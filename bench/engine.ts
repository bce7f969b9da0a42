import { Value, graphNodes, sum } from '@ugrad/engine';
import { heapBytesPer, medianMs, type Row } from './harness.js';
import { initWeights, moonsData } from './moons.js';
import { mlpOutput, valueMLP } from './compiled.js';

/** micrograd's moons demo step, written with bare Values: MLP 2-16-16-1, hinge + 1e-4·L2. */
export function eagerMoonsLoss(X: number[][], y: number[], W: Value[][][], B: Value[][]): Value {
  // A loop with one `net`: `X.map` with a `{ W, B }` per sample timed ~7% slower.
  const net = { W, B }, losses: Value[] = [];
  for (let s = 0; s < X.length; s++) losses.push(mlpOutput(net, X[s]!.map((x) => new Value(x))).mul(-y[s]!).add(1).relu());
  const data = sum(losses).div(X.length);
  const params = [...W.flat(2), ...B.flat()];
  return data.add(sum(params.map((p) => p.mul(p))).mul(1e-4));
}

/**
 * The eager engine's figures against issue 2's targets: the moons step
 * (build + backward), backward time per node of a 1M-op chain, and heap
 * bytes per node of a ~1M-node moons graph and of a 2M-node chain.
 */
export function runEngine(quick: boolean): Row[] {
  const rows: Row[] = [];
  const { X, y } = moonsData(100, 0.1, 'moons');
  const init = initWeights([2, 16, 16, 1], 'init');
  const { W, B } = valueMLP(init.W, init.B);
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
  const nsPerNode = (medianMs(() => root.backward(), quick ? 3 : 11, 2) * 1e6) / (2 * N);
  rows.push({ name: '1M-node chain backward, per node', value: nsPerNode, unit: 'ns', target: '≤ 30', ok: nsPerNode <= 30 });

  // The MLP graph scaled to ~1M nodes: what a large full-batch step holds.
  const { X: Xb, y: yb } = moonsData(1700, 0.1, 'moons-big');
  let total = 0;
  const bytes = heapBytesPer(() => {
    const loss = eagerMoonsLoss(Xb, yb, W, B);
    loss.backward();
    total = graphNodes(loss).length;
    return loss;
  }, 1);
  const heapRow = (name: string, perNode: number): Row => ({ name, value: perNode, unit: 'bytes', target: '≤ 120', ok: perNode <= 120 });
  rows.push(heapRow(`heap per node, moons graph (${(total / 1e6).toFixed(2)}M nodes)`, bytes / total));
  const chainBytes = heapBytesPer(() => { const r = chain(); r.backward(); return r; }, 1);
  rows.push(heapRow('heap per node, add/mul chain (2M nodes)', chainBytes / (2 * N + 1)));
  return rows;
}
