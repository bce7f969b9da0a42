// Helpers shared by the packages' tests (not a test file itself). Structurally
// typed, so this root folder needs no dependency on the packages.

/** Runs fn and returns what it threw; fails the test if it did not throw. */
export function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to throw, but it returned');
}

/**
 * Every node reachable from root (leaves included), found by a walk over the
 * public `children` — independent of the engine's own walks, which the tests check.
 */
export function reachable<V extends { readonly children: readonly V[] }>(root: V): V[] {
  const seen = new Set<V>([root]);
  const stack = [root];
  while (stack.length > 0) {
    for (const c of stack.pop()!.children) {
      if (!seen.has(c)) {
        seen.add(c);
        stack.push(c);
      }
    }
  }
  return [...seen];
}

/** Non-numbers, and how an error message describes each (the wording of the engine's `describe`). */
export const badInputs: readonly [unknown, string][] = [
  ['3', 'string "3"'],
  [undefined, 'undefined'],
  [null, 'null'],
  [{}, 'an object'],
  [3n, 'bigint 3n'],
  [true, 'boolean true'],
  [[1, 2], 'an array of length 2'],
  [new Map(), 'a Map'],
  [() => 1, 'a function'],
  [Symbol('s'), 'a symbol'],
];
