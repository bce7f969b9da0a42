import { defineConfig } from 'vitest/config';
import SummaryLine from './test/summary-reporter.js';

// Tests import packages by name; inside the workspace their exports point at src/, so nothing is built first.
export default defineConfig({
  test: {
    // A training step's graph lives until backward(), so it outlasts V8's default 16 MB
    // young generation and gets copied on every scavenge; 64 MB makes eager training ~3x faster.
    execArgv: ['--max-semi-space-size=64'],
    reporters: ['default', new SummaryLine()],
    include: ['test/**/*.test.ts', 'packages/*/test/**/*.test.ts', 'examples/test/**/*.test.ts', 'bench/test/**/*.test.ts', 'playground/test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
