import { OPS, Value, opText } from '@ugrad/engine';
import { describe, expect, it } from 'vitest';
import { explainNode, focus, layout, snapshot, NODE_H, type GraphSnapshot } from '../src/graph.js';
import { Session } from '../src/session.js';
import { parseState } from '../src/state.js';

const session = (hash: string): Session => new Session(parseState(hash).state);

/** Each node's grad against the sum over its drawn users of local derivative × user grad. */
function chainRuleHolds(g: GraphSnapshot): void {
  for (const n of g.nodes) {
    if (n.kind === 'root' || n.hiddenUsers > 0) continue;
    const total = n.users.reduce((acc, e) => acc + e.local * g.nodes[e.id]!.grad, 0);
    expect(n.grad).toBeCloseTo(total, 12);
  }
}

describe('the sample graph', () => {
  const s = session('hidden=3');
  for (let k = 0; k < 20; k++) s.step();
  const g = s.sampleGraph(0);

  it('holds every node once, the loss first, with inputs, parameters and neurons named', () => {
    expect(g.nodes[0]!.users).toEqual([]);
    expect(g.nodes[0]!.grad).toBe(1);
    const named = (kind: string): string[] => g.nodes.filter((n) => n.kind === kind).map((n) => n.name).sort();
    expect(named('param')).toEqual(['L0.n0.b', 'L0.n0.w0', 'L0.n0.w1', 'L0.n1.b', 'L0.n1.w0', 'L0.n1.w1', 'L0.n2.b', 'L0.n2.w0', 'L0.n2.w1',
      'L1.n0.b', 'L1.n0.w0', 'L1.n0.w1', 'L1.n0.w2']);
    expect(named('input')).toEqual(['x₁', 'x₂']);
    expect(named('neuron')).toEqual(['L0.n0', 'L0.n1', 'L0.n2', 'out']);
    expect(g.neurons.map((n) => n.name)).toEqual(['L0.n0', 'L0.n1', 'L0.n2', 'out']);
  });

  it('obeys the chain rule: each grad is the sum over users of local derivative × user grad', () => chainRuleHolds(g));

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
  });
});

describe('focus: the part of a big graph through one neuron', () => {
  const s = session('hidden=16,16,16');
  for (let k = 0; k < 10; k++) s.step();
  const whole = s.sampleGraph(3);

  it('is small enough to draw even where the whole graph is not', () => {
    expect(whole.nodes.length).toBeGreaterThan(400);
    for (let i = 0; i < whole.neurons.length; i++) expect(focus(whole, i).nodes.length).toBeLessThan(120);
  });

  it('for the output: the loss, the output neuron\'s computation, and its layer\'s inputs left unexpanded', () => {
    const part = focus(whole, whole.neurons.length - 1);
    expect(part.nodes[0]!.kind).toBe('root');
    expect(part.nodes[0]!.data).toBe(whole.nodes[0]!.data);
    const inputs = part.nodes.filter((n) => n.kind === 'neuron' && n.name !== 'out');
    expect(inputs).toHaveLength(16);
    for (const n of inputs) expect([n.inputs.length, n.hiddenInputs]).toEqual([0, 1]);
    expect(part.nodes.filter((n) => n.kind === 'param')).toHaveLength(17);
    chainRuleHolds(part);
  });

  it('for a hidden neuron: its computation and the ops that use its output, with the same numbers as the whole', () => {
    const index = whole.neurons.findIndex((n) => n.name === 'L1.n5');
    const part = focus(whole, index);
    const out = part.nodes.find((n) => n.name === 'L1.n5')!;
    const original = whole.nodes[whole.neurons[index]!.out]!;
    expect([out.data, out.grad]).toEqual([original.data, original.grad]);
    expect(out.users).toHaveLength(16);
    for (const e of out.users) expect(part.nodes[e.id]!.hiddenInputs).toBe(1);
    expect(part.nodes.filter((n) => n.kind === 'param').map((n) => n.name)).toHaveLength(17);
    chainRuleHolds(part);
  });
});

describe('explanations', () => {
  it('give each node\'s formula and local derivatives from the engine\'s op table, with the picture\'s names', () => {
    const s = session('hidden=2');
    s.step();
    const g = s.sampleGraph(0);
    const neuron = g.nodes.find((n) => n.name === 'L0.n1')!;
    // tanh of the neuron's sum: the formula and 1 − out² with the names filled in.
    const sum = g.nodes[neuron.inputs[0]!.id]!;
    expect(explainNode(g, neuron.id)).toEqual({ formula: OPS.tanh.math.out(`#${sum.id}`, '', 'L0.n1'), rules: [OPS.tanh.math.da(`#${sum.id}`, '', 'L0.n1')] });
    expect(explainNode(g, neuron.id)!.rules).toEqual(['1 − L0.n1²']);
    // A product of a weight and an input: d/dw = x₁, d/dx₁ = w.
    const product = g.nodes.find((n) => n.op === '*' && n.inputs.some((e) => g.nodes[e.id]!.name === 'L0.n0.w0'))!;
    expect(explainNode(g, product.id)).toEqual({ formula: 'L0.n0.w0 · x₁', rules: ['x₁', 'L0.n0.w0'] });
    expect(explainNode(g, g.nodes.findIndex((n) => n.kind === 'param'))).toBeNull();
  });

  it('explain every node of bce and cross-entropy graphs, logAddExp included', () => {
    for (const hash of ['loss=bce&hidden=2', 'data=spiral&classes=3&hidden=2']) {
      const g = session(hash).sampleGraph(0);
      const ops = g.nodes.map((n) => n.op);
      expect(ops).toContain('logAddExp');
      for (const n of g.nodes) {
        const e = explainNode(g, n.id);
        if (n.op === '') expect(e).toBeNull();
        else expect(e!.rules, n.op).toHaveLength(n.inputs.length);
      }
      const lae = g.nodes.find((n) => n.op === 'logAddExp')!;
      expect(explainNode(g, lae.id)!.rules.join(' ')).toMatch(/σ\(.* − .*\)/);
    }
  });

  it('leave out the math of a node whose inputs lie outside the part shown', () => {
    const s = session('hidden=16,16,16');
    const whole = s.sampleGraph(0);
    const part = focus(whole, whole.neurons.findIndex((n) => n.name === 'L1.n5'));
    const cut = part.nodes.find((n) => n.hiddenInputs > 0)!;
    expect(explainNode(part, cut.id)).toBeNull();
    // Elsewhere in the part, the same math as in the whole graph.
    const out = part.nodes.find((n) => n.name === 'L1.n5')!;
    expect(explainNode(part, out.id)!.rules).toEqual(['1 − L1.n5²']);
  });

  it('show the local derivatives the engine computed: they match central differences', () => {
    const a = new Value(0.7), b = new Value(-0.4), h = 1e-6;
    const cases: [Value, (p: Value, q: Value) => Value][] = [
      [a.add(b), (p, q) => p.add(q)], [a.mul(b), (p, q) => p.mul(q)], [a.pow(b), (p, q) => p.pow(q)], [a.div(b), (p, q) => p.div(q)],
      [a.pow(2), (p) => p.pow(2)], [a.exp(), (p) => p.exp()], [a.log(), (p) => p.log()], [a.tanh(), (p) => p.tanh()],
      [a.sigmoid(), (p) => p.sigmoid()], [a.relu(), (p) => p.relu()], [b.leakyRelu(0.1), (p) => p.leakyRelu(0.1)], [b.abs(), (p) => p.abs()],
      [a.logAddExp(b), (p, q) => p.logAddExp(q)],
    ];
    for (const [v, recompute] of cases) {
      const g = snapshot(v, new Map());
      const at = v.children.map((c) => c.data);
      g.nodes[0]!.inputs.forEach(({ local }, j) => {
        const up = [...at], down = [...at];
        up[j]! += h;
        down[j]! -= h;
        const f = (x: number[]): number => recompute(new Value(x[0]!), new Value(x[1] ?? 0)).data;
        expect(local, opText(v)).toBeCloseTo((f(up) - f(down)) / (2 * h), 6);
      });
    }
  });
});

describe('snapshot', () => {
  it('copies the local derivatives the engine stored for each input', () => {
    const a = new Value(2), b = new Value(-3);
    const c = a.mul(b).tanh();
    c.backward();
    const g = snapshot(c, new Map([[a, 'a.w0'], [b, 'b']]));
    expect(g.nodes.map((n) => n.op)).toEqual(['tanh', '*', '', '']);
    expect(g.nodes.map((n) => n.kind)).toEqual(['root', 'op', 'param', 'input']);
    expect(g.nodes[0]!.inputs).toEqual([{ id: 1, local: 1 - Math.tanh(-6) ** 2 }]);
    expect(g.nodes[1]!.inputs).toEqual([{ id: 2, local: -3 }, { id: 3, local: 2 }]);
    expect(g.nodes[2]).toMatchObject({ name: 'a.w0', data: 2, grad: a.grad });
  });
});
