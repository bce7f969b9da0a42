import { resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/**
 * Whether the module at `url` is the script being run (`node … examples/demo.ts`)
 * rather than imported by a test: each example's CLI wrapper runs only then.
 */
export function isMain(url: string): boolean {
  const script = process.argv[1];
  return script !== undefined && resolve(script) === fileURLToPath(url);
}

/** How a report's location is printed: its path, and a URL to paste into a browser. */
export function reportLine(path: string): string {
  return `report: ${path}\n        ${pathToFileURL(path).href}`;
}
