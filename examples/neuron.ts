// The neuron from Karpathy's "spelled-out intro to backpropagation":
// o = tanh(x1·w1 + x2·w2 + b), every value and gradient printed, and a
// picture of the graph rendered to SVG by Graphviz compiled to WebAssembly.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { instance } from '@viz-js/viz';
import { Value } from '@ugrad/engine';
import { isMain } from './lib/cli.js';
import { roleDot } from './lib/graph.js';
import { OUT_DIR } from './lib/report.js';

export interface NeuronResult {
  /** Every node by label, with its value and gradient after `o.backward()`. */
  values: Record<string, { data: number; grad: number }>;
  /** The picture of the graph. */
  svgPath: string;
}

export async function runNeuron(options: { outDir?: string; quiet?: boolean } = {}): Promise<NeuronResult> {
  const outDir = options.outDir ?? OUT_DIR;
  const log = options.quiet ? () => {} : console.log;

  // Inputs, weights and a bias chosen in the lecture so that o comes out at 1/√2.
  const x1 = new Value(2.0, 'x1'), x2 = new Value(0.0, 'x2');
  const w1 = new Value(-3.0, 'w1'), w2 = new Value(1.0, 'w2');
  const b = new Value(6.8813735870195432, 'b');
  const x1w1 = x1.mul(w1); x1w1.label = 'x1*w1';
  const x2w2 = x2.mul(w2); x2w2.label = 'x2*w2';
  const sum = x1w1.add(x2w2); sum.label = 'x1*w1 + x2*w2';
  const n = sum.add(b); n.label = 'n';
  const o = n.tanh(); o.label = 'o';
  o.backward();

  const nodes = [x1, w1, x2, w2, b, x1w1, x2w2, sum, n, o];
  log('o = tanh(x1*w1 + x2*w2 + b)\n');
  log(`${'node'.padEnd(15)}${'data'.padStart(10)}${'grad'.padStart(10)}`);
  for (const v of nodes) log(`${v.label.padEnd(15)}${v.data.toFixed(4).padStart(10)}${v.grad.toFixed(4).padStart(10)}`);
  // The chain rule, by hand, for the two most instructive gradients.
  log(`\ndo/dn  = 1 - o² = ${(1 - o.data ** 2).toFixed(4)}`);
  log(`do/dw1 = do/dn · x1 = ${((1 - o.data ** 2) * x1.data).toFixed(4)}`);

  const { dot } = roleDot(o, { params: [w1, w2, b], inputs: [x1, x2] });
  const svg = (await instance()).renderString(dot, { format: 'svg' });
  mkdirSync(outDir, { recursive: true });
  const svgPath = join(outDir, 'neuron.svg');
  writeFileSync(svgPath, svg);
  writeFileSync(join(outDir, 'neuron.dot'), dot);
  log(`\ngraph: ${svgPath} (Graphviz text beside it, neuron.dot)`);

  const values: NeuronResult['values'] = {};
  for (const v of nodes) values[v.label] = { data: v.data, grad: v.grad };
  return { values, svgPath };
}

if (isMain(import.meta.url)) await runNeuron();
