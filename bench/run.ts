import { table } from './harness.js';
import { runEngine } from './engine.js';

const quick = process.argv.includes('--quick');
console.log(`ugrad bench — ${new Date().toISOString().slice(0, 10)}, node ${process.version}, ${process.arch}`);
console.log(table(runEngine(quick)));
