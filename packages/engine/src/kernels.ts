// The loops of a compiled replay, written once here instead of into each
// generated program. V8 optimizes a function only after it has run for a
// while, so a loop pasted into fresh generated code runs in the interpreter
// for the first hundreds of milliseconds of every new program, and each
// branch it had not yet taken when TurboFan compiled it costs a deoptimization
// later. These few functions are shared by every program: they are warm after
// the first, and their type feedback comes from all of them.
//
// A run is `n` numbers of a Float64Array at evenly spaced places:
// `A[a], A[a + sa], …, A[a + (n − 1)·sa]`. Each kernel does, element by
// element and in order, exactly what the written-out loop would, so results
// are bit for bit the same.

/** `s + A₀·B₀ + A₁·B₁ + …`, added left to right (one running sum, as an add chain). */
export function dotRun(A: Float64Array, a: number, sa: number, B: Float64Array, b: number, sb: number, n: number, s: number): number {
  if (sa === 1 && sb === 1) {
    for (let k = 0; k < n; k++) s += A[a + k]! * B[b + k]!;
  } else {
    for (let k = 0; k < n; k++) s += A[a + sa * k]! * B[b + sb * k]!;
  }
  return s;
}

/** `D[d + sd·k] += A[a + sa·k] · g` for each k: a run of adjoints receiving their part of `g`. */
export function addRun(D: Float64Array, d: number, sd: number, A: Float64Array, a: number, sa: number, n: number, g: number): void {
  if (sd === 1 && sa === 1) {
    for (let k = 0; k < n; k++) D[d + k] += A[a + k]! * g;
  } else {
    for (let k = 0; k < n; k++) D[d + sd * k] += A[a + sa * k]! * g;
  }
}

/** `D[d + sd·k] = A[a + sa·k] · g` for each k: the first contribution to a run of adjoints. */
export function setRun(D: Float64Array, d: number, sd: number, A: Float64Array, a: number, sa: number, n: number, g: number): void {
  if (sd === 1 && sa === 1) {
    for (let k = 0; k < n; k++) D[d + k] = A[a + k]! * g;
  } else {
    for (let k = 0; k < n; k++) D[d + sd * k] = A[a + sa * k]! * g;
  }
}

/** `D[d + sd·k] = 0` for each k. */
export function zeroRun(D: Float64Array, d: number, sd: number, n: number): void {
  for (let k = 0; k < n; k++) D[d + sd * k] = 0;
}

/** The kernels by the names generated code calls them. */
export const KERNELS = { dotRun, addRun, setRun, zeroRun } as const;
