import * as tf from '@tensorflow/tfjs-core';

// tfjs-core ships its gradient functions only as ES modules that the union
// package `@tensorflow/tfjs` registers (`register_all_gradients`), and those
// files cannot be loaded by Node from tfjs-core alone. These are the same
// definitions as tfjs-core 4.22's `src/gradients/*_grad.ts`, for the kernels
// the moons step uses, registered once on import.

const { getReductionAxes, assertAndGetBroadcastShape } = tf.backend_util;

// A gradient of a broadcast result, summed back to the input's shape.
function unbroadcast(dy: tf.Tensor, shape: number[], outShape: number[]): tf.Tensor {
  const axes = getReductionAxes(shape, outShape);
  return axes.length > 0 ? tf.reshape(tf.sum(dy, axes), shape) : dy;
}

// dy reshaped to keep the reduced axes, then spread over x's shape (Sum, Mean).
function spread(dy: tf.Tensor, x: tf.Tensor, axis: number | number[]): tf.Tensor {
  const shape = x.shape.slice();
  for (const a of tf.util.parseAxisParam(axis, x.shape)) shape[a] = 1;
  return tf.mul(tf.reshape(dy, shape), tf.ones(x.shape, 'float32'));
}

const configs: tf.GradConfig[] = [
  {
    kernelName: tf.Add, inputsToSave: ['a', 'b'],
    gradFunc: (dy, [a, b]) => {
      const out = assertAndGetBroadcastShape(a!.shape, b!.shape);
      return { a: () => unbroadcast(dy as tf.Tensor, a!.shape, out), b: () => unbroadcast(dy as tf.Tensor, b!.shape, out) };
    },
  },
  {
    kernelName: tf.Sub, inputsToSave: ['a', 'b'],
    gradFunc: (dy, [a, b]) => {
      const out = assertAndGetBroadcastShape(a!.shape, b!.shape);
      return { a: () => unbroadcast(dy as tf.Tensor, a!.shape, out), b: () => tf.neg(unbroadcast(dy as tf.Tensor, b!.shape, out)) };
    },
  },
  {
    kernelName: tf.Multiply, inputsToSave: ['a', 'b'],
    gradFunc: (dy, [a, b]) => {
      const out = assertAndGetBroadcastShape(a!.shape, b!.shape);
      return {
        a: () => unbroadcast(tf.mul(dy as tf.Tensor, tf.cast(b!, 'float32')), a!.shape, out),
        b: () => unbroadcast(tf.mul(dy as tf.Tensor, tf.cast(a!, 'float32')), b!.shape, out),
      };
    },
  },
  { kernelName: tf.Relu, inputsToSave: ['x'], gradFunc: (dy, [x]) => ({ x: () => tf.mul(dy as tf.Tensor, tf.cast(tf.step(x!), 'float32')) }) },
  { kernelName: tf.Square, inputsToSave: ['x'], gradFunc: (dy, [x]) => ({ x: () => tf.mul(dy as tf.Tensor, tf.mul(tf.cast(x!, 'float32'), 2)) }) },
  {
    kernelName: tf.BatchMatMul, inputsToSave: ['a', 'b'],
    gradFunc: (dy, [a, b], attrs) => {
      const { transposeA, transposeB } = attrs as { transposeA: boolean; transposeB: boolean };
      const g = dy as tf.Tensor2D, A = a as tf.Tensor2D, B = b as tf.Tensor2D;
      if (!transposeA && !transposeB) return { a: () => tf.matMul(g, B, false, true), b: () => tf.matMul(A, g, true, false) };
      if (!transposeA && transposeB) return { a: () => tf.matMul(g, B, false, false), b: () => tf.matMul(g, A, true, false) };
      if (transposeA && !transposeB) return { a: () => tf.matMul(B, g, false, true), b: () => tf.matMul(A, g, false, false) };
      return { a: () => tf.matMul(B, g, true, true), b: () => tf.matMul(g, A, true, true) };
    },
  },
  { kernelName: tf.Sum, inputsToSave: ['x'], gradFunc: (dy, [x], attrs) => ({ x: () => spread(dy as tf.Tensor, x!, (attrs as { axis: number[] }).axis) }) },
  {
    kernelName: tf.Mean, inputsToSave: ['x'],
    gradFunc: (dy, [x], attrs) => {
      const axis = (attrs as { axis: number[] }).axis;
      const size = tf.util.sizeFromShape(tf.util.parseAxisParam(axis, x!.shape).map((a) => x!.shape[a]!));
      return { x: () => tf.div(spread(dy as tf.Tensor, x!, axis), size) };
    },
  },
  { kernelName: tf.AddN, saveAllInputs: true, gradFunc: (dy, saved) => Object.fromEntries(saved.map((_, i) => [i, () => tf.clone(dy as tf.Tensor)])) },
];

for (const config of configs) tf.registerGradient(config);
