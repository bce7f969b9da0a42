/** Median of `runs` timings of `fn` in milliseconds, after `warmup` untimed calls; `before` runs untimed before each. */
export function medianMs(fn: () => void, runs: number, warmup = Math.max(3, runs >> 2), before?: () => void): number {
  for (let i = 0; i < warmup; i++) fn();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    before?.();
    const t0 = performance.now();
    fn();
    times.push(performance.now() - t0);
  }
  return median(times);
}

// The middle value (the mean of the two middle ones for an even count); sorts `xs`.
function median(xs: number[]): number {
  xs.sort((a, b) => a - b);
  const mid = xs.length >> 1;
  return xs.length % 2 ? xs[mid]! : (xs[mid - 1]! + xs[mid]!) / 2;
}

/** A full garbage collection (node must run with --expose-gc). */
export function fullGc(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('fullGc: run node with --expose-gc');
  gc();
}

/** Heap bytes retained per item by what `build` returns, measured around forced GCs. */
export function heapBytesPer(build: () => unknown, items: number): number {
  fullGc();
  const before = process.memoryUsage().heapUsed;
  const kept = build();
  fullGc();
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

/**
 * Median ms per call of several functions, timed in alternation — round after
 * round, each function in turn — so that a change in machine speed during the
 * run (other processes, clock scaling) hits all of them alike and their ratios
 * stay fair. Each function first warms up for at least 50 calls and 300 ms
 * (generated code takes a while to be optimized); each timing then covers
 * enough calls to last about `minMs`.
 */
export function medianInterleaved<K extends string>(fns: Record<K, () => void>, rounds: number, minMs = 5): Record<K, number> {
  const names = Object.keys(fns) as K[];
  const reps = {} as Record<K, number>;
  for (const k of names) {
    const f = fns[k];
    let calls = 0;
    const t0 = performance.now();
    while (calls < 50 || performance.now() - t0 < 300) { f(); calls++; }
    const t1 = performance.now();
    for (let i = 0; i < 10; i++) f();
    reps[k] = Math.max(1, Math.ceil(minMs / Math.max((performance.now() - t1) / 10, 1e-3)));
  }
  const times = Object.fromEntries(names.map((k) => [k, [] as number[]])) as Record<K, number[]>;
  for (let r = 0; r < rounds; r++) {
    for (const k of names) {
      const f = fns[k], n = reps[k];
      const t0 = performance.now();
      for (let i = 0; i < n; i++) f();
      times[k].push((performance.now() - t0) / n);
    }
  }
  return Object.fromEntries(names.map((k) => [k, median(times[k])])) as Record<K, number>;
}
