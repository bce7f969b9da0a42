// `@ugrad/engine/internal`: the engine's argument checks and message helpers,
// shared with @ugrad/nn so that every package words a mistake the same way.
// Not part of the public API: it may change in any release.
export { describe, toValue } from './value.js';
export {
  type Check, type Schema, type Parsed,
  received, typeError, rangeError, num, finite, count, whole, rate, positive, atLeast, between,
  bool, str, fn, oneOf, instance, object, arrayOf, optional, withDefault, nullable,
  parseOptions, shape, isPlainObject, withContext,
} from './check.js';
