import { noGrad } from '@ugrad/engine';
import type { Figure, Json } from './report.js';

/** One point of a training curve. */
export interface CurvePoint {
  step: number;
  loss: number;
  /** In [0, 1]; left out for regression. */
  accuracy?: number;
}

/** Colours of classes 0, 1, 2, …: saturated for points, pale for regions. */
export const CLASS_COLORS = ['#d1495b', '#2e86ab', '#3bb273', '#edae49', '#7d5ba6'];
const REGION_COLORS = ['#f6d3d8', '#cde4ef', '#d3eedb', '#fbe9cc', '#e2daee'];

/**
 * The loss against the step (log scale: the interesting part of a loss curve
 * is its tail) and, below it on the same steps, the accuracy in percent when
 * it was recorded.
 */
export function curvesFigure(points: readonly CurvePoint[], title = 'Training curves'): Figure {
  const steps = points.map((p) => p.step);
  const loss: Json = { type: 'scatter', mode: 'lines', name: 'loss', x: steps, y: points.map((p) => p.loss), line: { color: '#d1495b', width: 2 } };
  const layout: Json = {
    showlegend: false,
    xaxis: { title: { text: 'step' } },
    yaxis: { title: { text: 'loss (log scale)' }, type: 'log', dtick: 'D2' },
  };
  if (!points.every((p) => p.accuracy !== undefined)) return { title, data: [loss], layout };
  const acc: Json = {
    type: 'scatter', mode: 'lines', name: 'accuracy', xaxis: 'x', yaxis: 'y2',
    x: steps, y: points.map((p) => 100 * p.accuracy!), line: { color: '#2e86ab', width: 2 },
  };
  // Two panels sharing the step axis: loss on top, accuracy under it.
  layout['yaxis'] = { ...(layout['yaxis'] as Json), domain: [0.42, 1] };
  layout['xaxis'] = { title: { text: 'step' }, anchor: 'y2' };
  layout['yaxis2'] = { title: { text: 'accuracy (%)' }, domain: [0, 0.32], range: [0, 104], dtick: 25 };
  return { title, data: [loss, acc], layout };
}

/** A square-ish grid over the data's bounding box, with `pad` added on every side. */
export function meshGrid(X: readonly (readonly number[])[], steps: number, pad = 0.25): { xs: number[]; ys: number[] } {
  const axis = (j: number): number[] => {
    const v = X.map((row) => row[j]!);
    const lo = Math.min(...v) - pad, hi = Math.max(...v) + pad;
    return Array.from({ length: steps }, (_, i) => lo + ((hi - lo) * i) / (steps - 1));
  };
  return { xs: axis(0), ys: axis(1) };
}

/** What a classifier predicts at a point: the class index. */
export type Classify = (x: number[]) => number;

/**
 * The decision regions of a 2-D classifier over a `steps × steps` mesh, as a
 * pale heatmap, with the data points drawn on top, one trace per class (and
 * one for held-out points, if given). The
 * mesh is evaluated under `noGrad`: ten thousand forward passes need no graph.
 */
export function boundaryFigure(
  X: readonly (readonly number[])[],
  y: readonly number[],
  classify: Classify,
  options: {
    classes: number;
    /** Mesh points per side (default 150). */
    steps?: number;
    title?: string;
    /** Legend names of the classes (default `class 0`, …). */
    names?: readonly string[];
    /** Points not trained on, drawn as crosses in their class colour. */
    heldOut?: { X: readonly (readonly number[])[]; y: readonly number[] };
  },
): Figure {
  const { classes } = options;
  const { xs, ys } = meshGrid(X, options.steps ?? 150);
  const z = noGrad(() => ys.map((b) => xs.map((a) => classify([a, b]))));
  // Evenly spaced stops make a discrete colour scale: class k fills [k, k+1) / classes.
  const colorscale: [number, string][] = [];
  for (let k = 0; k < classes; k++) {
    colorscale.push([k / classes, REGION_COLORS[k]!], [(k + 1) / classes, REGION_COLORS[k]!]);
  }
  const data: Json[] = [{
    type: 'heatmap', name: 'prediction', x: xs, y: ys, z, zmin: -0.5, zmax: classes - 0.5,
    colorscale, showscale: false, hoverinfo: 'skip',
  }];
  for (let k = 0; k < classes; k++) {
    const rows = X.filter((_, i) => y[i] === k);
    data.push({
      type: 'scatter', mode: 'markers', name: options.names?.[k] ?? `class ${k}`,
      x: rows.map((r) => r[0]), y: rows.map((r) => r[1]),
      marker: { color: CLASS_COLORS[k], size: 8, line: { color: '#fff', width: 1 } },
    });
  }
  const held = options.heldOut;
  if (held !== undefined) {
    data.push({
      type: 'scatter', mode: 'markers', name: 'held out',
      x: held.X.map((r) => r[0]), y: held.X.map((r) => r[1]),
      marker: { symbol: 'x-thin', size: 9, line: { width: 2.5, color: held.y.map((k) => CLASS_COLORS[k]) } },
    });
  }
  return {
    title: options.title ?? 'Decision boundary',
    data,
    layout: {
      xaxis: { title: { text: 'x₀' }, range: [xs[0], xs[xs.length - 1]], constrain: 'domain' },
      yaxis: { title: { text: 'x₁' }, range: [ys[0], ys[ys.length - 1]], scaleanchor: 'x', constrain: 'domain' },
    },
  };
}
