export { Value, noGrad, isGradEnabled, topo, graphNodes, type ValueLike } from './value.js';
export { add, sub, mul, div, pow, sum, mean, dot, logSumExp, softmax } from './ops.js';
export { OPS, type OpName, type OpEntry, type Rules, type Rule } from './optable.js';
export { toDot, opText, explain, type DotOptions, type Explanation, type LocalRule, type ValueJSON } from './graphviz.js';
export { TraceError, type Traced } from './trace.js';
export {
  compileStep, CompiledStep, MAX_LABELS,
  type StepSpec, type ValueTargetsSpec, type LabelsSpec, type SampleResult, type Rows, type Targets,
} from './compile.js';
