import { noGrad, type Value } from '@ugrad/engine';
import type { ClassificationReport, EpochInfo } from '@ugrad/nn';
import type { Figure, Json } from './report.js';

/** A classifier's class for each row: the index of its largest output, computed without a graph. */
export function predictClasses(model: { forward(x: number[]): Value[] }, X: readonly number[][]): number[] {
  return noGrad(() => X.map((x) => {
    const z = model.forward(x);
    let best = 0;
    for (let k = 1; k < z.length; k++) if (z[k]!.data > z[best]!.data) best = k;
    return best;
  }));
}

/**
 * Per-epoch training and validation curves: the loss (log scale) above and the
 * accuracy in percent below, on a shared epoch axis. The training numbers are
 * means over the epoch's batches, each measured before its update.
 */
export function epochCurvesFigure(epochs: readonly EpochInfo[], title = 'Training and validation curves'): Figure {
  const x = epochs.map((e) => e.epoch + 1);
  // Ticks at 1-2-5 steps inside the losses' range: plotly's own log ticks label 0.5 as a bare "5".
  const losses = epochs.flatMap((e) => [e.loss, e.valLoss ?? e.loss]);
  const lo = Math.min(...losses), hi = Math.max(...losses);
  const ticks = [-3, -2, -1, 0, 1, 2].flatMap((p) => [1, 2, 5].map((m) => m * 10 ** p)).filter((t) => t >= lo / 1.5 && t <= hi * 1.5);
  const line = (name: string, y: (number | undefined)[], color: string, axis: string, dash?: string): Json => ({
    type: 'scatter', mode: 'lines+markers', name, x, y, xaxis: 'x', yaxis: axis,
    line: { color, width: 2, ...(dash ? { dash } : {}) }, marker: { size: 5 },
  });
  return {
    title,
    data: [
      line('training loss', epochs.map((e) => e.loss), '#d1495b', 'y'),
      line('validation loss', epochs.map((e) => e.valLoss), '#d1495b', 'y', 'dot'),
      line('training accuracy', epochs.map((e) => (e.accuracy === undefined ? undefined : 100 * e.accuracy)), '#2e86ab', 'y2'),
      line('validation accuracy', epochs.map((e) => (e.valAccuracy === undefined ? undefined : 100 * e.valAccuracy)), '#2e86ab', 'y2', 'dot'),
    ],
    layout: {
      xaxis: { title: { text: 'epoch' }, anchor: 'y2', dtick: Math.max(1, Math.ceil(x.length / 10)) },
      yaxis: { title: { text: 'loss (log scale)' }, type: 'log', domain: [0.45, 1], tickvals: ticks, ticktext: ticks.map(String) },
      yaxis2: { title: { text: 'accuracy (%)' }, domain: [0, 0.37] },
    },
  };
}

/**
 * A confusion matrix as a heatmap: true classes down, predicted across, each
 * cell's count written on it; the diagonal is what the model got right.
 */
export function confusionFigure(matrix: readonly number[][], names: readonly string[], title = 'Confusion matrix'): Figure {
  const labels = names.map((n) => `${n}\u2009`); // a thin space keeps plotly from reading '0'..'9' as numbers
  const max = Math.max(1, ...matrix.flat());
  const annotations = matrix.flatMap((row, i) => row.map((v, j) => ({
    x: labels[j], y: labels[i], text: String(v), showarrow: false,
    font: { color: v > max / 2 ? '#fff' : '#1f2328', size: names.length > 5 ? 11 : 14 },
  })));
  return {
    title,
    data: [{
      type: 'heatmap', x: labels, y: labels, z: matrix, zmin: 0, zmax: max,
      colorscale: [[0, '#f7fbff'], [1, '#08519c']], showscale: false,
      hovertemplate: 'true %{y}, predicted %{x}: %{z}<extra></extra>',
    }],
    layout: {
      annotations,
      xaxis: { title: { text: 'predicted' }, type: 'category', side: 'top', constrain: 'domain' },
      yaxis: { title: { text: 'true' }, type: 'category', autorange: 'reversed', scaleanchor: 'x', constrain: 'domain' },
      margin: { l: 90, r: 24, t: 60, b: 24 },
    },
  };
}

/** Per-class precision, recall, F1 and support, with the macro and weighted averages, as a table. */
export function scoresTableFigure(report: ClassificationReport, names: readonly string[], title = 'Per-class scores'): Figure {
  const f = (x: number): string => x.toFixed(3);
  const rows: string[][] = report.classes.map((_, i) => [
    names[i]!, f(report.precision[i]!), f(report.recall[i]!), f(report.f1[i]!), String(report.support[i]),
  ]);
  const total = String(report.support.reduce((a, b) => a + b, 0));
  rows.push(['macro average', f(report.macro.precision), f(report.macro.recall), f(report.macro.f1), total]);
  rows.push(['weighted average', f(report.weighted.precision), f(report.weighted.recall), f(report.weighted.f1), total]);
  const columns = rows[0]!.map((_, j) => rows.map((r) => r[j]!));
  return {
    title,
    data: [{
      type: 'table',
      columnwidth: [1.8, 1, 1, 1, 1],
      header: { values: ['class', 'precision', 'recall', 'F1', 'support'], fill: { color: '#eaeef2' }, align: ['left', 'right'], font: { size: 13 } },
      cells: { values: columns, align: ['left', 'right'], height: 24, font: { size: 13 } },
    }],
    layout: { margin: { l: 8, r: 8, t: 8, b: 8 } },
  };
}

/**
 * 8×8 images (rows of 64 intensities) in a grid, each titled `predicted / true`,
 * drawn as one grey heatmap with a blank line between images.
 */
export function digitGridFigure(images: readonly number[][], captions: readonly string[], title: string, perRow = 10): Figure {
  const rows = Math.max(1, Math.ceil(images.length / perRow));
  // Each image takes 8 pixels and a gap across, and a caption line, 8 pixels and a gap down.
  const width = 10, height = 12;
  const z: (number | null)[][] = Array.from({ length: rows * height }, () => new Array<number | null>(perRow * width).fill(null));
  images.forEach((img, k) => {
    const top = Math.floor(k / perRow) * height + 3, left = (k % perRow) * width + 1;
    for (let r = 0; r < 8; r++) for (let c = 0; c < 8; c++) z[top + r]![left + c] = img[8 * r + c]!;
  });
  const annotations = captions.map((text, k) => ({
    x: (k % perRow) * width + 4.5, y: Math.floor(k / perRow) * height + 2.2, text, showarrow: false,
    font: { size: 13, color: '#d1495b' }, xanchor: 'center', yanchor: 'bottom',
  }));
  const axis = { visible: false, constrain: 'domain' };
  return {
    title,
    wide: true,
    data: [{
      type: 'heatmap', z, colorscale: [[0, '#ffffff'], [1, '#111111']], showscale: false, hoverinfo: 'skip', xgap: 0, ygap: 0,
    }],
    layout: {
      annotations,
      xaxis: { ...axis },
      yaxis: { ...axis, autorange: 'reversed', scaleanchor: 'x' },
      margin: { l: 16, r: 16, t: 24, b: 16 },
    },
  };
}
