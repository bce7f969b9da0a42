import { arrayOf, nullable, rangeError, shape, typeError, type Check } from '@ugrad/engine/internal';
import { Layer, MLP, checkLayerConfig, checkMLPConfig } from './layers.js';
import type { AnyModule } from './module.js';
import { Sequential } from './sequential.js';

// What a checkpoint records about a model's shape, and the one table of the
// modules it can rebuild from that alone: each with how to read its config,
// check it, and build it again.

/** A model's class and, for the modules a checkpoint can rebuild, the config that rebuilds it (else null). */
export interface Architecture {
  /** The class: `'MLP'`, `'Layer'`, `'Sequential'`, or your own class's name. */
  module: string;
  /** Enough to rebuild the model before loading its weights; null for modules that cannot be rebuilt. */
  config: unknown;
}

interface Rebuildable<M extends AnyModule, C> {
  type: abstract new (...args: never[]) => M;
  /** The config of `m`, which sits `depth` Sequentials deep. */
  config: (m: M, depth: number) => C | null;
  check: Check<C>;
  build: (c: C) => M;
  /** How the architecture reads in a message. */
  text: (c: C) => string;
}

// Each rebuildable module, by the name a checkpoint records. Only these exact
// classes: a subclass may hold parameters its parent would not rebuild.
const REBUILDABLE: Record<string, Rebuildable<AnyModule, unknown>> = {
  MLP: entry({
    type: MLP, config: (m) => m.config(), check: checkMLPConfig, build: (c) => MLP.fromConfig(c),
    text: (c) => `MLP(${c.nin}, [${c.nouts.join(', ')}]; ${c.activations.join(', ')}; negativeSlope ${c.negativeSlope})`,
  }),
  Layer: entry({
    type: Layer, config: (m) => m.config(), check: checkLayerConfig, build: (c) => Layer.fromConfig(c),
    text: (c) => `Layer(${c.nin}, ${c.nout}; ${c.activation}; negativeSlope ${c.negativeSlope})`,
  }),
  Sequential: entry<Sequential, { modules: Architecture[] }>({
    type: Sequential,
    // A chain is rebuildable when every link is.
    config: (m, depth) => {
      if (depth >= MAX_NESTING) return null;
      const modules = m.children.map((child) => architectureOf(child, depth + 1));
      return modules.every((a) => a.config !== null) ? { modules } : null;
    },
    check: (x, where, what) => shape({ modules: arrayOf(checkArchitecture, { min: 1 }) })(x, where, what),
    build: (c) => new Sequential(...c.modules.map((a) => rebuild(a, 'Sequential'))),
    text: (c) => `Sequential(${c.modules.map(architectureText).join(', ')})`,
  }),
};

// The table's entry for a saved class name (a name such as 'constructor' is no entry).
function entryOf(name: string): Rebuildable<AnyModule, unknown> | undefined {
  return Object.hasOwn(REBUILDABLE, name) ? REBUILDABLE[name] : undefined;
}

function entry<M extends AnyModule, C>(e: Rebuildable<M, C>): Rebuildable<AnyModule, unknown> {
  return e as unknown as Rebuildable<AnyModule, unknown>;
}

/** How deep Sequentials may nest in a checkpoint's architecture; a deeper (or cyclic) chain is saved as not rebuildable. */
const MAX_NESTING = 32;
let checking = 0;

/** @internal The architecture of a model: its class and, if it is one a checkpoint can rebuild, its config. */
export function architectureOf(model: AnyModule, depth = 0): Architecture {
  for (const [name, e] of Object.entries(REBUILDABLE)) if (model.constructor === e.type) return { module: name, config: e.config(model, depth) };
  return { module: model.constructor.name, config: null };
}

/** @internal Checks a saved architecture: a class name, and a config that fits it (or null). */
export const checkArchitecture: Check<Architecture> = (x, where, what) => {
  const a = shape({ module: className, config: nullable((c) => c) })(x, where, what);
  const e = entryOf(a.module);
  if (a.config === null || e === undefined) return a;
  // A Sequential's config holds architectures: bound the recursion.
  if (checking >= MAX_NESTING) throw new RangeError(`${where}: expected Sequentials nested at most ${MAX_NESTING} deep, got deeper at ${what}`);
  checking++;
  try {
    return { module: a.module, config: e.check(a.config, where, `${what}.config`) };
  } finally {
    checking--;
  }
};

/** @internal A new model with the saved architecture (its weights drawn anew); a RangeError for one that cannot be rebuilt. */
export function rebuild(a: Architecture, where: string): AnyModule {
  const e = entryOf(a.module);
  if (e === undefined || a.config === null) {
    throw new RangeError(`${where}: a ${a.module} cannot be rebuilt from a checkpoint (only ${Object.keys(REBUILDABLE).join(', ')} can, and a Sequential only when each of its modules can); build the model yourself and pass it as parts.model`);
  }
  return e.build(a.config);
}

/** @internal How an architecture reads in a message: `MLP(2, [8, 1]; relu, linear; negativeSlope 0.01)`. */
export function architectureText(a: Architecture): string {
  const e = entryOf(a.module);
  return a.config === null || e === undefined ? `a ${a.module}` : e.text(a.config);
}

const className: Check<string> = (x, where, what) => {
  if (typeof x !== 'string') throw typeError(where, what, 'a class name', x);
  if (x === '') throw rangeError(where, what, 'a class name', x);
  return x;
};
