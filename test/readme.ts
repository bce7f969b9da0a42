import { readFileSync } from 'node:fs';
import { join } from 'node:path';

// Helpers for the tests that run what the README shows (not a test file itself).

/** The repository root. */
export const ROOT = join(import.meta.dirname, '..');

/** The README's text. */
export const README = readFileSync(join(ROOT, 'README.md'), 'utf8');

/** The first fenced block of `lang` after the heading line `heading` (e.g. `### In a web page`). */
export function readmeBlock(heading: string, lang: string): string {
  const at = README.indexOf(`\n${heading}\n`);
  if (at < 0) throw new Error(`README.md has no heading "${heading}"`);
  const block = new RegExp('```' + lang + '\\n([\\s\\S]*?)```').exec(README.slice(at));
  if (block === null) throw new Error(`README.md has no \`\`\`${lang} block after "${heading}"`);
  return block[1]!;
}

/** What each `console.log(…); // text: note` line of a snippet claims to print: `text`, before any colon. */
export function claimedOutput(code: string): string[] {
  return [...code.matchAll(/console\.log\(.*\); \/\/ ([^:\n]+)/g)].map((m) => m[1]!.trim());
}
