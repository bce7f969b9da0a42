import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runDemo } from '../demo.js';

const dir = mkdtempSync(join(tmpdir(), 'ugrad-demo-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('pnpm demo', () => {
  it('reaches 100% training accuracy with micrograd’s set-up, printing a line every 10 steps', () => {
    const printed: string[] = [];
    const result = runDemo({ outDir: dir, out: { write: (text: string) => printed.push(text) } });
    expect(result.accuracy).toBe(1);
    expect(result.curve).toHaveLength(100);
    expect(result.curve[0]!.loss).toBeGreaterThan(0.5);
    expect(result.loss).toBeLessThan(0.02);
    // Not a terminal: plain lines, the first step and every tenth, no carriage returns.
    const lines = printed.join('').split('\n').filter(Boolean);
    expect(lines.map((l) => l.slice(0, 12))).toEqual(['step   1/100', ...Array.from({ length: 10 }, (_, i) => `step ${String(10 * (i + 1)).padStart(3)}/100`)]);
    expect(lines.at(-1)).toMatch(/^step 100\/100 {2}loss 0\.0\d{3} {2}acc 100\.0% {2}lr 0\.109$/);
    expect(printed.join('')).not.toContain('\r');
  });

  it('writes a report that carries plotly inside it and loads nothing from elsewhere', () => {
    const { reportPath } = runDemo({ steps: 5, outDir: dir, out: null });
    const html = readFileSync(reportPath, 'utf8');
    expect(reportPath).toBe(join(dir, 'demo.html'));
    expect(html).toMatch(/^<!doctype html>/);
    expect(html.length).toBeGreaterThan(3_000_000); // plotly.min.js is about 4.8 MB
    expect(html).not.toMatch(/<(script|link|img)[^>]+(src|href)=/i);
    expect(html).toContain('linearLR(1.0, 0.1, 5)');
  });
});
