import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Value } from '@ugrad/engine';
import { afterAll, describe, expect, it } from 'vitest';
import { expressionGraph, mlpGraph, writeGraphPage } from '../graph.js';
import { roleDot } from '../lib/graph.js';
import { Progress } from '../lib/progress.js';
import { scriptJson, scriptText } from '../lib/report.js';
import { runNeuron } from '../neuron.js';

const outDir = mkdtempSync(join(tmpdir(), 'ugrad-pictures-'));
afterAll(() => rmSync(outDir, { recursive: true, force: true }));
const root = join(import.meta.dirname, '..', '..');

describe('neuron', () => {
  it('gives the lecture’s values and gradients, and an SVG of the graph', async () => {
    const { values, svgPath } = await runNeuron({ outDir, quiet: true });
    const got = Object.fromEntries(Object.entries(values).map(([k, v]) => [k, [+v.data.toFixed(4), +v.grad.toFixed(4)]]));
    expect(got).toEqual({
      x1: [2, -1.5], w1: [-3, 1], x2: [0, 0.5], w2: [1, 0], b: [6.8814, 0.5],
      'x1*w1': [-6, 0.5], 'x2*w2': [0, 0.5], 'x1*w1 + x2*w2': [-6, 0.5], n: [0.8814, 0.5], o: [0.7071, 1],
    });
    const svg = readFileSync(svgPath, 'utf8');
    expect(svg.match(/<g id="node\d+" class="node /g)).toHaveLength(10);
    expect(svg).toContain('class="node loss"');
  });

  it('runs as a command and prints every value', () => {
    const stdout = execFileSync(process.execPath, ['--import', 'tsx', 'examples/neuron.ts'], { cwd: root, encoding: 'utf8' });
    expect(stdout).toMatch(/^o +0\.7071 +1\.0000$/m);
    expect(stdout).toMatch(/^x1 +2\.0000 +-1\.5000$/m);
    expect(stdout).toContain('neuron.svg');
  });
});

describe('graph pictures', () => {
  it('colour each value by its role', () => {
    expect(expressionGraph().counts).toEqual({ input: 4, parameter: 0, constant: 0, intermediate: 2, loss: 1 });
    // MLP(2, [3, 1]): 13 parameters, 2 inputs; mse adds the target, −1 (from sub) and 1/n as constants.
    const mlp = mlpGraph();
    expect(mlp.counts).toMatchObject({ input: 2, parameter: 13, constant: 3, loss: 1 });
    expect(mlp.nodes).toBe(Object.values(mlp.counts).reduce((a, b) => a + b));
  });

  it('write each value as a record of label, op, data and grad, escaping record syntax', () => {
    const a = new Value(2, 'a|{b}'), c = a.mul(3);
    c.label = 'c';
    c.backward();
    const { dot } = roleDot(c, { inputs: [a] });
    expect(dot).toContain('label="{ c | op * | data 6.0000 | grad 1.0000 }", fillcolor="#f7c4c4", class="loss"');
    expect(dot).toContain('label="{ a\\|\\{b\\} | data 2.0000 | grad 3.0000 }", fillcolor="#cfe3f7", class="input"');
    expect(dot).toContain('label="{ 3 | data 3.0000 | grad 2.0000 }", fillcolor="#eeeeee", class="constant"');
  });

  it('the page inlines the Graphviz bundle and both graphs', () => {
    const page = writeGraphPage({ outDir });
    const html = readFileSync(page.path, 'utf8');
    expect(html).toContain('Viz.instance()');
    expect(html).not.toMatch(/<script[^>]+src=/i);
    expect(page.graphs.map((g) => g.id)).toEqual(['expression', 'mlp']);
  });
});

describe('lib', () => {
  it('progress redraws one line in a terminal', () => {
    let text = '';
    const progress = new Progress(4, { out: { write: (t: string) => (text += t), isTTY: true } });
    for (let k = 1; k <= 4; k++) progress.update(k, { loss: (1 / k).toFixed(2) });
    progress.end();
    expect(text.split('\r').slice(1)).toEqual([
      '[██████··················] 1/4  loss 1.00\x1b[K',
      '[████████████············] 2/4  loss 0.50\x1b[K',
      '[██████████████████······] 3/4  loss 0.33\x1b[K',
      '[████████████████████████] 4/4  loss 0.25\x1b[K\n',
    ]);
  });

  it('inlined scripts and data cannot close their <script> element', () => {
    expect(scriptText('a = "</script><b>"; // <!-- x')).toBe('a = "<\\/script><b>"; // <\\!-- x');
    expect(scriptJson({ s: '</script>' })).toBe('{"s":"\\u003c/script>"}');
    expect(JSON.parse(scriptJson({ s: '</script>' }))).toEqual({ s: '</script>' });
  });
});
