/** Median of `runs` timings of `fn` in milliseconds, after `warmup` untimed calls. */
export function medianMs(fn: () => void, runs: number, warmup = Math.max(3, runs >> 2)): number {
  for (let i = 0; i < warmup; i++) fn();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    fn();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  const mid = times.length >> 1;
  return times.length % 2 ? times[mid]! : (times[mid - 1]! + times[mid]!) / 2;
}

/** Heap bytes retained per item by what `build` returns, measured around forced GCs. */
export function heapBytesPer(build: () => unknown, items: number): number {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('heapBytesPer: run node with --expose-gc');
  gc();
  const before = process.memoryUsage().heapUsed;
  const kept = build();
  gc();
  const after = process.memoryUsage().heapUsed;
  if (kept === undefined) throw new Error('heapBytesPer: build must return what it keeps alive');
  return (after - before) / items;
}

/** One row of the printed table. */
export interface Row {
  name: string;
  value: number;
  unit: string;
  target?: string;
  ok?: boolean;
}

/** A markdown table of rows, with a pass/miss column where a target is set. */
export function table(rows: Row[]): string {
  const out = ['| measurement | median | unit | target | |', '|---|---:|---|---|---|'];
  for (const r of rows) {
    const v = r.value >= 100 ? r.value.toFixed(0) : r.value >= 1 ? r.value.toFixed(2) : r.value.toFixed(3);
    out.push(`| ${r.name} | ${v} | ${r.unit} | ${r.target ?? ''} | ${r.ok === undefined ? '' : r.ok ? 'met' : 'MISSED'} |`);
  }
  return out.join('\n');
}
