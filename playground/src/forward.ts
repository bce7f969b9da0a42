import { compileStep, noGrad, type CompiledStep, type Value } from '@ugrad/engine';

/**
 * Many rows through a model at once, as numbers: a program compiled once by the
 * engine's `compileStep` (the outputs of `outputs(x)` for each row, no gradients),
 * or, where generated code is not allowed (a Content-Security-Policy), the same
 * eagerly. The parameters are read as they are at each call.
 */
export class Forward {
  readonly #program: CompiledStep | null;
  readonly #outputs: (x: readonly (number | Value)[]) => Value[];
  #out = new Float64Array(0);

  /** `width` is how many Values `outputs` returns. */
  constructor(params: Value[], inputs: number, readonly width: number, outputs: (x: readonly (number | Value)[]) => Value[]) {
    this.#outputs = outputs;
    this.#program = tryCompile(params, inputs, outputs);
  }

  /** Whether rows go through compiled code. */
  get compiled(): boolean {
    return this.#program !== null;
  }

  /** Each row's outputs, `width` numbers per row, one row after another (a reused buffer: read it before the next call). */
  run(rows: number[][]): Float64Array {
    const w = this.width;
    if (this.#out.length < rows.length * w) this.#out = new Float64Array(rows.length * w);
    if (this.#program !== null) {
      this.#program.evaluate(rows, rows.map(() => []), this.#out);
    } else {
      noGrad(() => rows.forEach((x, r) => this.#outputs(x).forEach((v, j) => (this.#out[r * w + j] = v.data))));
    }
    return this.#out;
  }
}

function tryCompile(params: Value[], inputs: number, outputs: (x: readonly (number | Value)[]) => Value[]): CompiledStep | null {
  try {
    return compileStep({
      params, inputs, targets: 0,
      sample: (x) => {
        const all = outputs(x);
        return { loss: all[all.length - 1]!, outputs: all };
      },
    });
  } catch {
    // e.g. a page whose Content-Security-Policy forbids generated code
    return null;
  }
}
