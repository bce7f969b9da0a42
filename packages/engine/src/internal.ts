// `@ugrad/engine/internal`: the engine's argument checks and message helpers,
// shared with @ugrad/nn so that every package words a mistake the same way.
// Not part of the public API: it may change in any release.
export { toValue } from './value.js';
export { replayHelpers } from './codegen.js';
export {
  type Check, type Schema, type Parsed,
  describe, received, typeError, rangeError, num, number, finite, count, whole, rate, positive, atLeast, integer, between,
  bool, str, fn, oneOf, instance, object, arrayOf, optional, withDefault, nullable,
  parseOptions, shape, isPlainObject, withContext,
} from './check.js';
