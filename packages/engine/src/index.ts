export { Value, noGrad, isGradEnabled, topo, graphNodes, toValue, describe, type ValueLike } from './value.js';
export { add, sub, mul, div, pow, sum, mean, dot, logSumExp } from './ops.js';
export { toDot, opText, type DotOptions } from './graphviz.js';
export { TraceError } from './trace.js';
export {
  compileStep, CompiledStep, MAX_LABELS,
  type StepSpec, type ValueTargetsSpec, type LabelsSpec, type SampleResult, type Rows, type Targets,
} from './compile.js';
