// Pictures of computation graphs on an HTML page: Graphviz compiled to
// WebAssembly (@viz-js/viz) is inlined into the page and lays the graphs out
// in the browser, so the page needs no Python, no system Graphviz and no network.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Value } from '@ugrad/engine';
import { MLP, mse } from '@ugrad/nn';
import { isMain, reportLine } from './lib/cli.js';
import { ROLE_COLORS, roleDot, type Role, type RoleGraph } from './lib/graph.js';
import { OUT_DIR, PAGE_CSS, escapeHtml, scriptJson, scriptText, vendor } from './lib/report.js';

export interface GraphPage {
  path: string;
  /** The graphs drawn, in page order; each sits in the element `[data-graph="<id>"]`. */
  graphs: { id: string; title: string; graph: RoleGraph }[];
}

/** The lecture's first expression, L = (a·b + c)·f, backpropagated. */
export function expressionGraph(): RoleGraph {
  const a = new Value(2.0, 'a'), b = new Value(-3.0, 'b'), c = new Value(10.0, 'c'), f = new Value(-2.0, 'f');
  const e = a.mul(b); e.label = 'e';
  const d = e.add(c); d.label = 'd';
  const L = d.mul(f); L.label = 'L';
  L.backward();
  return roleDot(L, { inputs: [a, b, c, f] });
}

/** An MLP 2 → 3 → 1 on one sample, with its squared error, backpropagated. */
export function mlpGraph(seed = 1): RoleGraph {
  const model = new MLP(2, [3, 1], { seed });
  // Short names: 'layers.0.neurons.2.w.1' reads 'L0.n2.w1' in the picture.
  for (const [name, p] of model.namedParameters()) {
    p.label = name.replace('layers.', 'L').replace('.neurons.', '.n').replace(/\.w\.(\d+)$/, '.w$1');
  }
  const x = [new Value(0.5, 'x0'), new Value(-1.0, 'x1')];
  const out = model.forward(x)[0]!;
  out.label = 'ŷ';
  const loss = mse([out], [1]);
  loss.label = 'loss';
  loss.backward();
  return roleDot(loss, { params: model.parameters(), inputs: x }, { rankdir: 'TB', digits: 3 });
}

export function writeGraphPage(options: { outDir?: string } = {}): GraphPage {
  const graphs = [
    { id: 'expression', title: 'An expression: L = (a·b + c)·f', graph: expressionGraph(), note: 'The first example of the lecture. Each gradient is dL/d(node): for instance dL/da = b·f = 6.' },
    { id: 'mlp', title: 'A small MLP (2 → 3 → 1, ReLU) and its squared error', graph: mlpGraph(), note: 'One sample through MLP(2, [3, 1]); the loss is (ŷ − 1)². Parameters are named by their place in the model: L0.n2.w1 is weight 1 of neuron 2 of layer 0.' },
  ];
  const path = join(options.outDir ?? OUT_DIR, 'graph.html');
  mkdirSync(options.outDir ?? OUT_DIR, { recursive: true });
  writeFileSync(path, pageHtml(graphs));
  return { path, graphs: graphs.map(({ id, title, graph }) => ({ id, title, graph })) };
}

function pageHtml(graphs: { id: string; title: string; graph: RoleGraph; note: string }[]): string {
  const roles = Object.keys(ROLE_COLORS) as Role[];
  const legend = roles
    .map((r) => `<span class="chip"><i style="background:${ROLE_COLORS[r]}"></i>${r}</span>`)
    .join('');
  const sections = graphs
    .map((g) => `<section class="panel wide"><h2>${escapeHtml(g.title)}</h2><p>${escapeHtml(g.note)}</p><div class="graph" data-graph="${g.id}"></div></section>`)
    .join('\n');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>ugrad: computation graphs</title>
<style>${PAGE_CSS}
  .grid { grid-template-columns: 1fr; }
  .graph { overflow-x: auto; text-align: center; }
  .graph svg { max-width: 100%; height: auto; }
  .chip { display: inline-flex; align-items: center; gap: 6px; margin-right: 16px; }
  .chip i { display: inline-block; width: 14px; height: 14px; border: 1px solid #8c959f; border-radius: 3px; }
</style>
<script>${scriptText(vendor('@viz-js/viz', 'viz-global.js'))}</script>
</head>
<body>
<main>
<h1>Computation graphs</h1>
<p class="summary">Every box is a <code>Value</code>: its label, the op that made it, its data and its grad after <code>backward()</code>. Arrows run from inputs to the value they helped compute. Laid out in this page by Graphviz compiled to WebAssembly.</p>
<p>${legend}</p>
<div class="grid">
${sections}
</div>
</main>
<script>
const dots = ${scriptJson(Object.fromEntries(graphs.map((g) => [g.id, g.graph.dot])))};
Viz.instance().then((viz) => {
  for (const [id, dot] of Object.entries(dots)) document.querySelector('[data-graph="' + id + '"]').appendChild(viz.renderSVGElement(dot));
  document.body.dataset.rendered = 'true';
}).catch((error) => console.error('graph rendering failed:', error));
</script>
</body>
</html>
`;
}

if (isMain(import.meta.url)) {
  const page = writeGraphPage();
  for (const { title, graph } of page.graphs) console.log(`${title}: ${graph.nodes} nodes`);
  console.log(reportLine(page.path));
}
