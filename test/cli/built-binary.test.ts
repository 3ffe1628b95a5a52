import { execFile } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';

/**
 * `npx workonward-mcp` runs the package's `bin` file itself, through its shebang. npm marks it
 * executable only when it links the package; npx keeps that link in its cache, so after a fresh
 * clone into the same directory (or any build that writes dist/ anew) the file tsc wrote without
 * the executable bit answered "Permission denied". The build sets the bit itself.
 */
const ROOT = path.resolve(import.meta.dirname, '../..');
const { bin } = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
  bin: Record<string, string>;
};

it('the built bin file runs by itself, as npx starts it', async () => {
  const file = path.join(ROOT, bin['workonward-mcp'] ?? '');
  // `npm ci` builds dist/ (the prepare script), so the suite runs after a build.
  expect(statSync(file, { throwIfNoEntry: false }), `${file} missing: run npm run build`).toBeDefined();
  expect(statSync(file).mode & 0o111).toBe(0o111);
  const { stdout } = await promisify(execFile)(file, ['--help'], { cwd: ROOT });
  expect(stdout).toContain('Usage: npx workonward-mcp');
});
