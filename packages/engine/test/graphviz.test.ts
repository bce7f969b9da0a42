import { describe, expect, it } from 'vitest';
import { Value, graphNodes, opText, toDot } from '@ugrad/engine';

interface Parsed {
  /** value nodes by id: label (as escaped in the text), data and grad as printed */
  records: Map<string, { label: string; data: string; grad: string }>;
  /** op nodes by the id of the value they make, with their label */
  ops: Map<string, string>;
  /** every `from -> to` edge, in order */
  edges: string[];
  lines: string[];
}

/** Reads toDot's output back: every line must be a header line, a record, an op node or an edge. */
function parse(dot: string): Parsed {
  const records: Parsed['records'] = new Map();
  const ops = new Map<string, string>();
  const edges: string[] = [];
  const lines = dot.split('\n');
  for (const line of lines.slice(3, -2)) {
    let m: RegExpMatchArray | null;
    if ((m = line.match(/^ {2}(n\d+) \[shape=record, label="\{ (.*) \| data (\S+) \| grad (\S+) \}"\];$/))) {
      records.set(m[1]!, { label: m[2]!, data: m[3]!, grad: m[4]! });
    } else if ((m = line.match(/^ {2}(n\d+)_op \[label="(.*)"\];$/))) {
      ops.set(m[1]!, m[2]!);
    } else if ((m = line.match(/^ {2}(n\d+(?:_op)?) -> (n\d+(?:_op)?);$/))) {
      edges.push(`${m[1]} -> ${m[2]}`);
    } else {
      throw new Error(`unexpected line in DOT output: ${JSON.stringify(line)}`);
    }
  }
  return { records, ops, edges, lines };
}

/** The id of the record whose label is `label`. */
function idOf(p: Parsed, label: string): string {
  const ids = [...p.records].filter(([, r]) => r.label === label).map(([id]) => id);
  expect(ids, `records labelled ${JSON.stringify(label)}`).toHaveLength(1);
  return ids[0]!;
}

describe('toDot', () => {
  // d = a·b + a², a = 2, b = -3: d = -2, dd/da = b + 2a = 1, dd/db = a = 2
  function small(): Value {
    const a = new Value(2, 'a'), b = new Value(-3, 'b');
    const c = a.mul(b);
    c.label = 'c';
    const sq = a.pow(2);
    sq.label = 'sq';
    const d = c.add(sq);
    d.label = 'd';
    d.backward();
    return d;
  }

  it('is a digraph with a header and a closing brace', () => {
    const text = toDot(small());
    const p = parse(text);
    expect(p.lines.slice(0, 3)).toEqual(['digraph ugrad {', '  rankdir=LR;', '  node [fontname="Helvetica"];']);
    expect(text.endsWith('\n}\n')).toBe(true);
  });

  it('has one record per value with its label, data and grad', () => {
    const p = parse(toDot(small()));
    expect(p.records.size).toBe(5);
    const byLabel = Object.fromEntries([...p.records.values()].map((r) => [r.label, [r.data, r.grad]]));
    expect(byLabel).toEqual({
      a: ['2.0000', '1.0000'],
      b: ['-3.0000', '2.0000'],
      c: ['-6.0000', '1.0000'],
      sq: ['4.0000', '1.0000'],
      d: ['-2.0000', '1.0000'],
    });
  });

  it('has an op node feeding each computed value, and an edge from each input to it', () => {
    const p = parse(toDot(small()));
    const [a, b, c, sq, d] = ['a', 'b', 'c', 'sq', 'd'].map((l) => idOf(p, l)) as [string, string, string, string, string];
    expect(p.ops).toEqual(new Map([[c, '*'], [sq, '**2'], [d, '+']]));
    expect([...p.edges].sort()).toEqual([
      `${c}_op -> ${c}`, `${sq}_op -> ${sq}`, `${d}_op -> ${d}`,
      `${a} -> ${c}_op`, `${b} -> ${c}_op`,
      `${a} -> ${sq}_op`,
      `${c} -> ${d}_op`, `${sq} -> ${d}_op`,
    ].sort());
  });

  it('draws a shared node once, with one edge per use', () => {
    const x = new Value(3, 'x');
    const y = x.mul(x);
    y.label = 'y';
    const p = parse(toDot(y));
    expect(p.records.size).toBe(2);
    const [xi, yi] = [idOf(p, 'x'), idOf(p, 'y')];
    expect(p.edges.filter((e) => e === `${xi} -> ${yi}_op`)).toHaveLength(2);
  });

  it('a leaf alone is one record and nothing else', () => {
    const p = parse(toDot(new Value(1.5, 'w')));
    expect([...p.records.values()]).toEqual([{ label: 'w', data: '1.5000', grad: '0.0000' }]);
    expect(p.ops.size).toBe(0);
    expect(p.edges).toEqual([]);
  });

  it('shows constants of pow in the op and keeps other op names', () => {
    const x = new Value(4), e = new Value(2);
    expect(opText(x.pow(2))).toBe('**2');
    expect(opText(x.pow(-1))).toBe('**-1');
    expect(opText(x.div(2))).toBe('/');
    expect(opText(x.clamp(-1, 1))).toBe('clampMax(1)'); // clamp is clampMax of clampMin
    expect(opText(x.sqrt())).toBe('**0.5');
    expect(opText(x.pow(e))).toBe('**'); // a Value exponent is drawn as an input
    expect(opText(x.sub(1))).toBe('+');
    expect(opText(x.leakyRelu())).toBe('leakyRelu');
    expect(opText(x.tanh())).toBe('tanh');
    expect(opText(x)).toBe('');
    const p = parse(toDot(x.pow(e)));
    expect([...p.ops.values()]).toEqual(['**']);
    expect(p.records.size).toBe(3);
  });

  it('escapes the characters that are special in record labels', () => {
    const v = new Value(1, 'a{b}|c<d>"e\\f');
    const line = toDot(v).split('\n')[3];
    expect(line).toBe('  n0 [shape=record, label="{ a\\{b\\}\\|c\\<d\\>\\"e\\\\f | data 1.0000 | grad 0.0000 }"];');
  });

  it('prints non-finite numbers as such', () => {
    const x = new Value(0, 'x');
    const y = x.log();
    y.backward();
    const p = parse(toDot(y));
    expect(p.records.get(idOf(p, 'x'))).toEqual({ label: 'x', data: '0.0000', grad: 'Infinity' });
    expect([...p.records.values()].map((r) => r.data).sort()).toEqual(['-Infinity', '0.0000']);
  });

  it('honours digits and rankdir', () => {
    const x = new Value(1 / 3, 'x');
    const text = toDot(x.mul(2), { digits: 2, rankdir: 'TB' });
    expect(text.split('\n')[1]).toBe('  rankdir=TB;');
    const p = parse(text);
    expect(p.records.get(idOf(p, 'x'))!.data).toBe('0.33');
    expect(toDot(x, { digits: 0 })).toContain('data 0 | grad 0');
  });

  it('walks a 100k-deep chain without overflowing the stack', () => {
    const x = new Value(0, 'x'), c = new Value(1, 'c');
    let v = x;
    for (let i = 0; i < 100_000; i++) v = v.add(c);
    const p = parse(toDot(v));
    expect(p.records.size).toBe(100_002);
    expect(p.ops.size).toBe(100_000);
    expect(p.edges.length).toBe(300_000);
    expect(p.records.get('n0')!.data).toBe('100000.0000');
  });

  it('rejects a root that is not a Value, saying what it got', () => {
    let error: unknown;
    try {
      toDot(5 as never);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(TypeError);
    expect((error as Error).message).toBe('toDot: expected root to be a Value, got number 5');
  });
});

describe('graphNodes', () => {
  it('lists every reachable node once, breadth first from the root, inputs in order', () => {
    const a = new Value(2, 'a'), b = new Value(3, 'b');
    const ab = a.mul(b);
    const root = ab.add(ab.tanh()).add(a);
    const nodes = graphNodes(root);
    // root = (ab + tanh(ab)) + a
    const sumNode = root.children[0]!, tanhNode = sumNode.children[1]!;
    expect(nodes).toEqual([root, sumNode, a, ab, tanhNode, b]);
    expect(new Set(nodes).size).toBe(nodes.length);
  });

  it('walks a million-deep chain without recursion', () => {
    let x = new Value(0);
    const leaf = x;
    for (let i = 0; i < 1_000_000; i++) x = x.add(leaf);
    expect(graphNodes(x).length).toBe(1_000_001);
  });
});
