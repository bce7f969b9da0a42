import type * as PlotlyApi from 'plotly.js-dist-min';
import { EVAL_EVERY, type Eval, type Session } from './session.js';

type Plotly = Pick<typeof PlotlyApi, 'react'>;

// plotly.min.js is a classic script that sets window.Plotly (see build.ts).
function plotly(): Plotly | null {
  return (globalThis as { Plotly?: Plotly }).Plotly ?? null;
}

const CONFIG = { displayModeBar: false, responsive: true } as const;
const MARGIN = { l: 48, r: 10, t: 26, b: 30 } as const;
// Above the plot area: inside it, the legend's box would hide the curves at 100%.
const LEGEND = { orientation: 'h', x: 1, xanchor: 'right', y: 1, yanchor: 'bottom' } as const;
const AXIS = { title: { text: 'step' }, rangemode: 'tozero' } as const;
/** Plotly's redraw time grows with the points; a chart 400 px wide shows no more than this anyway. */
const MAX_POINTS = 400;

/**
 * Loss and accuracy curves with Plotly. A redraw costs tens of milliseconds, so the
 * page draws one chart per call (`draw(session, 0)` the loss, `1` the accuracy) and
 * spreads them over frames. The batch loss is averaged over each evaluation interval.
 */
export class Curves {
  readonly #charts: readonly [HTMLElement, HTMLElement];

  constructor(loss: HTMLElement, acc: HTMLElement) {
    this.#charts = [loss, acc];
  }

  /** False (and a message in place of the charts) when Plotly did not load. */
  get available(): boolean {
    return plotly() !== null;
  }

  draw(session: Session, chart: 0 | 1): void {
    const P = plotly();
    const el = this.#charts[chart];
    if (P === null) {
      el.className = 'plot-missing';
      el.textContent = 'Plotly did not load (plotly.min.js missing next to index.html), so this chart is off.';
      return;
    }
    const evals = thin(session.evals);
    const x = evals.map((e) => e.step);
    // Markers while there are few points: a single point drawn as a line is invisible.
    const mode = x.length < 20 ? 'lines+markers' as const : 'lines' as const;
    const line = (name: string, y: number[], color: string, width = 2) => ({ x, y, name, mode, line: { color, width }, marker: { size: 4 } });
    if (chart === 0) {
      // The mean batch loss over the interval before each evaluation (none before step 0).
      const batch = evals.map((e) => {
        const window = session.batchLosses.slice(Math.max(0, e.step - EVAL_EVERY), e.step);
        return window.length === 0 ? NaN : window.reduce((a, b) => a + b, 0) / window.length;
      });
      void P.react(el, [
        line('batch', batch, '#bbb', 1),
        line('train', evals.map((e) => e.trainLoss), '#555'),
        line('test', evals.map((e) => e.testLoss), '#d62728'),
      ], { title: { text: `loss (${lossName(session)})`, font: { size: 13 }, x: 0.01, xanchor: 'left' }, margin: MARGIN, xaxis: AXIS, yaxis: { rangemode: 'tozero' }, legend: LEGEND }, CONFIG);
    } else {
      void P.react(el, [
        line('train', evals.map((e) => e.trainAccuracy), '#555'),
        line('test', evals.map((e) => e.testAccuracy), '#d62728'),
      ], { title: { text: 'accuracy', font: { size: 13 }, x: 0.01, xanchor: 'left' }, margin: MARGIN, xaxis: AXIS, yaxis: { range: [0, 1.02], tickformat: '.0%' }, legend: LEGEND }, CONFIG);
    }
  }
}

/** The loss as minimised: with the regularisation term added. */
function lossName({ state }: Session): string {
  if (state.reg === 'none' || state.regRate === 0) return state.loss;
  return `${state.loss} + ${state.regRate}·${state.reg === 'L1' ? 'Σ|w|' : '½Σw²'}`;
}

/** At most MAX_POINTS evaluations, evenly spaced, always with the first and the latest. */
export function thin(evals: readonly Eval[]): Eval[] {
  if (evals.length <= MAX_POINTS) return [...evals];
  const stride = Math.ceil(evals.length / MAX_POINTS);
  const out = evals.filter((_, i) => i % stride === 0);
  if (out[out.length - 1] !== evals[evals.length - 1]) out.push(evals[evals.length - 1]!);
  return out;
}
