import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { API_OPERATIONS } from '../../src/api/operations.js';

/** docs/api.md is written by hand; this keeps its table of calls from drifting from the code. */
const doc = readFileSync(path.resolve(import.meta.dirname, '../../docs/api.md'), 'utf8');

describe('docs/api.md', () => {
  it.each(API_OPERATIONS.map((o) => [`${o.method} ${o.path}`, o] as const))(
    'lists %s with its scopes',
    (_, operation) => {
      const row = doc
        .split('\n')
        .find((line) => line.startsWith(`| ${operation.method} | \`/api/v1${operation.path}\` |`));
      expect(row).toBeDefined();
      for (const scope of operation.scopes) expect(row).toContain(`\`${scope}\``);
    },
  );

  it('lists no call the API does not have', () => {
    const rows = [...doc.matchAll(/^\| (GET|POST) \| `\/api\/v1([^`]+)` \|/gm)].map((m) => `${m[1]} ${m[2]}`);
    expect(rows.sort()).toEqual(API_OPERATIONS.map((o) => `${o.method} ${o.path}`).sort());
  });
});
