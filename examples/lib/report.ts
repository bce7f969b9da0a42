import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Where the examples write their reports: `examples/out/` (gitignored). */
export const OUT_DIR = fileURLToPath(new URL('../out/', import.meta.url));

/** One plotly trace or layout, as plotly's JSON. */
export type Json = Record<string, unknown>;

/** A plotly figure with a heading. `wide` figures span the page; others sit two to a row. */
export interface Figure {
  title: string;
  data: Json[];
  layout?: Json;
  wide?: boolean;
}

/** What a training report shows, top to bottom. */
export interface Report {
  title: string;
  /** One paragraph of plain text under the title. */
  summary: string;
  /** The final numbers, already formatted: `{ 'training accuracy': '100%' }`. */
  numbers: Record<string, string>;
  /** How the run was set up: data, model, loss, optimizer, schedule, seeds. */
  setup: Record<string, string>;
  figures: Figure[];
}

const require = createRequire(import.meta.url);

/**
 * The text of a browser bundle from an installed package: its main file, or
 * `file` beside it (for bundles its `exports` map leaves out, such as viz's
 * `viz-global.js`). `vendor('plotly.js-dist-min')`
 */
export function vendor(pkg: string, file?: string): string {
  const main = require.resolve(pkg);
  return readFileSync(file === undefined ? main : join(dirname(main), file), 'utf8');
}

/**
 * Text that is safe inside a `<script>` element: `</script` would end the
 * element early, and `<!--` would switch the parser into comment mode.
 */
export function scriptText(js: string): string {
  return js.replace(/<\/(script)/gi, '<\\/$1').replace(/<!--/g, '<\\!--');
}

/** JSON that can sit in a `<script>` as a JavaScript literal. */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c');
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Page chrome shared by the reports and the graph page. */
export const PAGE_CSS = `
  body { font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; color: #1f2328; margin: 0; background: #f6f7f9; }
  main { max-width: 1120px; margin: 0 auto; padding: 28px 24px 48px; }
  h1 { font-size: 26px; margin: 0 0 6px; }
  h2 { font-size: 17px; margin: 0 0 8px; }
  p.summary { margin: 0 0 20px; color: #444c56; max-width: 860px; }
  .cards { display: flex; flex-wrap: wrap; gap: 12px; margin-bottom: 20px; }
  .card { background: #fff; border: 1px solid #d8dee4; border-radius: 8px; padding: 10px 16px; min-width: 130px; }
  .card .k { font-size: 13px; color: #57606a; }
  .card .v { font-size: 22px; font-weight: 600; font-variant-numeric: tabular-nums; }
  .grid { display: grid; grid-template-columns: 1fr 1fr; gap: 16px; }
  .panel { background: #fff; border: 1px solid #d8dee4; border-radius: 8px; padding: 14px 16px; }
  .panel.wide { grid-column: 1 / -1; }
  .plot { height: 420px; }
  table.setup { border-collapse: collapse; width: 100%; }
  table.setup td { padding: 4px 10px 4px 0; border-bottom: 1px solid #eaeef2; vertical-align: top; }
  table.setup td:first-child { color: #57606a; white-space: nowrap; width: 1%; }
  code { font: 13px ui-monospace, SFMono-Regular, Menlo, monospace; }
  table.setup code { white-space: pre-wrap; }
`;

/**
 * Writes a training report as one HTML file with plotly.js inlined, so it
 * opens from `file://` with no network. Returns the absolute path.
 */
export function writeReport(file: string, report: Report): string {
  const path = resolve(file);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, reportHtml(report));
  return path;
}

function reportHtml(r: Report): string {
  const cards = Object.entries(r.numbers)
    .map(([k, v]) => `<div class="card"><div class="k">${escapeHtml(k)}</div><div class="v">${escapeHtml(v)}</div></div>`)
    .join('');
  const setup = Object.entries(r.setup)
    .map(([k, v]) => `<tr><td>${escapeHtml(k)}</td><td><code>${escapeHtml(v)}</code></td></tr>`)
    .join('');
  const panels = r.figures
    .map((f, i) => `<section class="panel${f.wide ? ' wide' : ''}"><h2>${escapeHtml(f.title)}</h2><div class="plot" id="fig${i}"></div></section>`)
    .join('\n');
  const figures = r.figures.map((f) => ({ data: f.data, layout: { ...BASE_LAYOUT, ...f.layout } }));
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${escapeHtml(r.title)}</title>
<style>${PAGE_CSS}</style>
<script>${scriptText(vendor('plotly.js-dist-min'))}</script>
</head>
<body>
<main>
<h1>${escapeHtml(r.title)}</h1>
<p class="summary">${escapeHtml(r.summary)}</p>
<div class="cards">${cards}</div>
<div class="grid">
${panels}
<section class="panel wide"><h2>Set-up</h2><table class="setup">${setup}</table></section>
</div>
</main>
<script>
const figures = ${scriptJson(figures)};
figures.forEach((f, i) => Plotly.newPlot('fig' + i, f.data, f.layout, { displaylogo: false, responsive: true }));
</script>
</body>
</html>
`;
}

const BASE_LAYOUT: Json = {
  margin: { l: 60, r: 24, t: 32, b: 84 },
  paper_bgcolor: '#fff',
  plot_bgcolor: '#fff',
  font: { family: 'system-ui, -apple-system, Segoe UI, Helvetica, Arial, sans-serif', size: 13 },
  // Below the x-axis title, so neither hides the other.
  legend: { orientation: 'h', x: 0, y: -0.2, yanchor: 'top' },
};
