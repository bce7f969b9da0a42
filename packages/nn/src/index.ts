export { Rng, rngFrom, type Seed, type RngState, type RandomOptions } from './random.js';
export {
  moons, circles, spiral, xor, blobs, sine, signed, trainTestSplit, fromArrays, parseCsv,
  type Dataset, type GeneratorOptions, type ShuffleOptions, type CirclesOptions,
  type SpiralOptions, type BlobsOptions, type SineOptions, type SplitOptions, type Split, type CsvOptions,
} from './datasets.js';
export { plane, gaussians } from './surfaces.js';
export { Module, type AnyModule, type LoadResult } from './module.js';
export {
  Neuron, Layer, MLP, ACTIVATIONS, INITS,
  type Activation, type Init, type NeuronOptions, type LayerOptions, type MLPOptions, type MLPConfig, type LayerConfig,
} from './layers.js';
export { Sequential } from './sequential.js';
export { MAX_SIZE } from './limits.js';
export { type Architecture } from './architecture.js';
export {
  mse, l1, huber, hinge, bceWithLogits, softmaxCrossEntropy, l2, accuracy, LOSSES, LOSS_NAMES,
  type ModelOutput, type LossName, type LossFunction, type LossSpec, type AccuracyRule,
} from './losses.js';
export { Optimizer, clipGradNorm, type OptimizerSpec, type OptimizerState, type ClipGradNormOptions } from './optim.js';
export { SGD, Adam, AdamW, type SGDOptions, type AdamOptions } from './optimizers.js';
export { constantLR, linearLR, stepLR, cosineLR, scheduleFromSpec, type Schedule, type ScheduleSpec } from './schedule.js';
export { fit } from './fit.js';
export { Trainer, type Evaluation } from './trainer.js';
export { NonFiniteError, type Model } from './batch.js';
export { type FitOptions, type TrainingMode } from './options.js';
export { type StepInfo, type EpochInfo, type EarlyStoppingOptions, type EarlyStoppingState, type EpochTotalsState } from './callbacks.js';
export { type History, type StopReason, type TrainerState } from './trainer-state.js';
export { checkpointToJSON, restoreCheckpoint, type Checkpoint, type CheckpointParts, type Stateful } from './checkpoint.js';
export { gradCheck, type GradCheck } from './gradcheck.js';
export { iris, wine, breastCancer, digits, type NamedDataset, type DigitsOptions, type NoOptions } from './realdata.js';
export { Standardizer, standardize, type StandardizerState } from './preprocess.js';
export {
  confusionMatrix, classificationReport,
  type Classes, type ClassificationReport, type AveragedScores, type ReportOptions,
} from './metrics.js';
