import { Value, opText } from '@ugrad/engine';
import { describe, expect, it } from 'vitest';
import { OPS, formula, localGrads, localRule } from '../src/compat.js';
import { focus, layout, snapshot, NODE_H, type GraphSnapshot } from '../src/graph.js';
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

describe('op rules', () => {
  // One node of every op the engine has, with inputs away from kinks.
  const a = new Value(0.7), b = new Value(-0.4);
  const nodes = [a.add(b), a.mul(b), a.pow(b), a.pow(2), a.exp(), a.log(), a.tanh(), a.sigmoid(), a.relu(), b.leakyRelu(0.1), b.abs(), a.logAddExp(b)];

  it('cover every op, each with a local-derivative rule and a formula of its own', () => {
    expect(new Set(nodes.map((v) => opText(v).replace(/^\*\*\d+$/, '**2')))).toEqual(new Set(OPS));
    for (const v of nodes) {
      const op = opText(v);
      v.children.forEach((_, j) => expect(localRule(op, j), op).not.toMatch(/^∂/));
      expect(formula(op, ['a', 'b'])).toContain('a');
    }
    expect(localRule('logAddExp', 1)).toBe('σ(b − a) = e^(b−v)');
    expect(formula('logAddExp', ['#3', '0'])).toBe('ln(e^#3 + e^0)');
  });

  it('read the local derivatives the engine computed: they match central differences', () => {
    const h = 1e-6;
    for (const v of nodes) {
      const recompute = (x: number[]): number => {
        const [p, q] = x.map((d) => new Value(d));
        const op = opText(v);
        if (op === '**2') return p!.pow(2).data;
        if (op === 'leakyRelu') return p!.leakyRelu(0.1).data;
        const method = { '+': 'add', '*': 'mul', '**': 'pow', logAddExp: 'logAddExp' }[op] ?? op;
        const fn = (p as unknown as Record<string, (o?: Value) => Value>)[method]!;
        return (q === undefined ? fn.call(p) : fn.call(p, q)).data;
      };
      const at = v.children.map((c) => c.data);
      localGrads(v).forEach((local, j) => {
        const up = [...at], down = [...at];
        up[j]! += h;
        down[j]! -= h;
        expect(local, opText(v)).toBeCloseTo((recompute(up) - recompute(down)) / (2 * h), 6);
      });
    }
  });

  it('explain bce and cross-entropy graphs, which are made of logAddExp', () => {
    for (const hash of ['loss=bce&hidden=2', 'data=spiral&classes=3&hidden=2']) {
      const g = session(hash).sampleGraph(0);
      const ops = new Set(g.nodes.map((n) => n.op));
      expect(ops.has('logAddExp')).toBe(true);
      for (const n of g.nodes) n.inputs.forEach((_, j) => expect(localRule(n.op, j), n.op).not.toMatch(/^∂/));
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
