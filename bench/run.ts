import { table } from './harness.js';
import { runEngine } from './engine.js';
import { runCompare } from './compare.js';
import { runFit } from './fit.js';

const quick = process.argv.includes('--quick');
console.log(`ugrad bench — ${new Date().toISOString().slice(0, 10)}, node ${process.version}, ${process.arch}`);
console.log(table(runEngine(quick)));
const { rows, checks } = await runCompare(quick);
console.log('\nTraining step of micrograd\'s moons demo (hinge + 1e-4·L2, full batch, SGD), medians timed side by side:');
console.log(table(rows));
console.log(`\nSame step, same initial weights — do the implementations agree?\n${checks.map((c) => `- ${c}`).join('\n')}`);
console.log('\nThe demo as a user runs it (fit() compiles the step unless told not to):');
console.log(table(runFit(quick)));
