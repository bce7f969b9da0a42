import { table } from './harness.js';
import { runEngine } from './engine.js';
import { runCompare } from './compare.js';
import { runFit } from './fit.js';
import { runDigitsBench } from './digits.js';

const quick = process.argv.includes('--quick');
// --digits runs only the real-data section (it takes a minute or two on its own).
const onlyDigits = process.argv.includes('--digits');
console.log(`ugrad bench — ${new Date().toISOString().slice(0, 10)}, node ${process.version}, ${process.arch}`);
if (!onlyDigits) await runToyWorkloads();
const digits = await runDigitsBench(quick);
console.log('\nReal data: scikit-learn\'s digits, MLP 64-32-10, cross-entropy, Adam lr 0.01, batches of 64, on a stratified 80% — medians timed in alternation:');
console.log(table(digits.rows));
console.log(`\nSame work from the same initial weights?\n${digits.checks.map((c) => `- ${c}`).join('\n')}`);

async function runToyWorkloads(): Promise<void> {
  console.log(table(runEngine(quick)));
  const { rows, checks } = await runCompare(quick);
  console.log('\nTraining step of micrograd\'s moons demo (hinge + 1e-4·L2, full batch, SGD), medians timed side by side:');
  console.log(table(rows));
  console.log(`\nSame step, same initial weights — do the implementations agree?\n${checks.map((c) => `- ${c}`).join('\n')}`);
  console.log('\nThe demo as a user runs it (fit() compiles the step unless told not to):');
  console.log(table(runFit(quick)));
}
