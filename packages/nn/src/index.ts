export { Rng, rngFrom, type Seed, type RngState, type RandomOptions } from './random.js';
export {
  moons, circles, spiral, xor, blobs, sine, signed, trainTestSplit, fromArrays, parseCsv,
  type Dataset, type GeneratorOptions, type ShuffleOptions, type CirclesOptions,
  type SpiralOptions, type BlobsOptions, type SineOptions, type SplitOptions, type CsvOptions,
} from './datasets.js';
export {
  Module, Neuron, Layer, MLP, ACTIVATIONS, INITS,
  type AnyModule, type Activation, type Init, type NeuronOptions, type LayerOptions,
  type MLPOptions, type MLPConfig,
} from './module.js';
export { mse, hinge, bceWithLogits, softmaxCrossEntropy, l2, accuracy, type ModelOutput } from './losses.js';
export {
  Optimizer, SGD, Adam, AdamW, clipGradNorm,
  type OptimizerStateBase, type OptimizerState, type SGDOptions, type SGDState, type AdamOptions, type AdamState,
  type ClipGradNormOptions,
} from './optim.js';
export { constantLR, linearLR, stepLR, cosineLR, scheduleFromSpec, type Schedule, type ScheduleSpec } from './schedule.js';
export {
  fit, Trainer, LOSSES,
  type LossName, type LossFunction, type FitOptions, type EarlyStoppingOptions, type StepInfo, type EpochInfo,
  type StopReason, type History, type Evaluation, type TrainerState, type TrainingMode,
} from './fit.js';
export {
  createCheckpoint, serializeCheckpoint, parseCheckpoint, validateCheckpoint, applyCheckpoint, modelFromCheckpoint,
  CHECKPOINT_FORMAT, CHECKPOINT_VERSION, type Checkpoint, type Architecture, type CheckpointParts,
} from './checkpoint.js';
export { gradCheck, type GradCheck } from './gradcheck.js';
export { iris, wine, breastCancer, digits, type NamedDataset, type DigitsOptions, type NoOptions } from './realdata.js';
export { Standardizer, standardize, type StandardizerState } from './preprocess.js';
export {
  confusionMatrix, classificationReport,
  type Classes, type ClassificationReport, type AveragedScores, type ReportOptions,
} from './metrics.js';
