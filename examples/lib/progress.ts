/** Where progress goes: a stream such as `process.stdout`. */
export interface Sink {
  write(text: string): unknown;
  isTTY?: boolean;
}

/**
 * A progress line for a training run. In a terminal it redraws one line,
 * `[██████······] 60/100  loss 0.0213  acc 99.0%`; when output is a file or a
 * pipe (CI logs, tests) it prints a plain line every `every` steps and at the
 * end instead, since carriage returns would pile up there.
 */
export class Progress {
  readonly #total: number;
  readonly #out: Sink | null;
  readonly #every: number;
  readonly #label: string;
  readonly #width = 24;
  #open = false;
  #first = true;

  /** `out: null` prints nothing (tests); `label` starts every line. */
  constructor(total: number, options: { out?: Sink | null | undefined; every?: number; label?: string } = {}) {
    this.#total = total;
    this.#label = options.label === undefined ? '' : `${options.label}  `;
    this.#out = options.out === undefined ? process.stdout : options.out;
    this.#every = options.every ?? Math.max(1, Math.round(total / 10));
  }

  /** Reports step `step` (1-based, out of `total`) with fields such as `{ loss: '0.1234' }`. */
  update(step: number, fields: Record<string, string>): void {
    const out = this.#out;
    if (out === null) return;
    const text = Object.entries(fields).map(([k, v]) => `${k} ${v}`).join('  ');
    const count = `${String(step).padStart(String(this.#total).length)}/${this.#total}`;
    if (out.isTTY) {
      const filled = Math.round((this.#width * step) / this.#total);
      const bar = '█'.repeat(filled) + '·'.repeat(this.#width - filled);
      // \r returns to the start of the line and \x1b[K clears what is left of the old one.
      out.write(`\r${this.#label}[${bar}] ${count}  ${text}\x1b[K`);
      this.#open = true;
    } else if (this.#first || step % this.#every === 0 || step === this.#total) {
      out.write(`${this.#label}step ${count}  ${text}\n`);
    }
    this.#first = false;
  }

  /** Ends the terminal line (training may stop before the last step). */
  end(): void {
    if (this.#open) this.#out?.write('\n');
    this.#open = false;
  }
}

/** A fraction as a percentage with one decimal: `0.995` → `'99.5%'`. */
export function percent(x: number): string {
  return `${(100 * x).toFixed(1)}%`;
}
