// How the page writes numbers: every readout, label and explanation goes through here,
// so a diverging weight reads `1.11e+138`, never `1.105384953751705e+138`.

/** `1.2346`, `-0.0012`, `3.1e-7`, `1.11e+138`, `NaN`, `∞`: four decimals, or exponent form for the tiny and huge. */
export function fmt(x: number, digits = 4): string {
  if (Number.isNaN(x)) return 'NaN';
  if (!Number.isFinite(x)) return x > 0 ? '∞' : '−∞';
  if (x === 0) return '0';
  const m = Math.abs(x);
  return m < 10 ** -digits || m >= 1e5 ? x.toExponential(2) : x.toFixed(digits);
}

/** A fraction as a percentage with one decimal, `–` when there is none (regression). */
export function pct(x: number): string {
  return Number.isFinite(x) ? `${(100 * x).toFixed(1)}%` : '–';
}

/** A whole number with thin-space thousands: 12 345. */
export function count(n: number): string {
  return Math.round(n).toLocaleString('en-US').replace(/,/g, '\u202f');
}

/** `layers.0.neurons.3.w.1` → `L0.n3.w1`: short enough for a node box. */
export function shortName(name: string): string {
  return name.replace(/^layers\.(\d+)\.neurons\.(\d+)\.(w|b)\.?(\d*)$/, 'L$1.n$2.$3$4');
}
