import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { COMMANDS } from '../../src/cli/commands.js';
import { synopsis } from '../../src/cli/usage.js';
import { ENTITY_IMPORTS } from '../../src/domain/import/import-csv.js';

/** docs/cli.md is written by hand; these checks keep it from drifting from the code. */
const ROOT = path.resolve(import.meta.dirname, '../..');
const doc = readFileSync(path.join(ROOT, 'docs/cli.md'), 'utf8');

/** The text of `### heading` up to the next heading. */
function section(heading: string): string {
  const start = doc.indexOf(`\n### ${heading}\n`);
  if (start < 0) throw new Error(`docs/cli.md has no "### ${heading}" section`);
  const rest = doc.slice(start + heading.length + 6);
  const end = rest.search(/\n#{2,3} /);
  return end < 0 ? rest : rest.slice(0, end);
}

describe('docs/cli.md', () => {
  it.each(COMMANDS.map((command) => [synopsis(command), command] as const))('documents `%s`', (text) => {
    // Inside Markdown tables a literal | is written \|.
    expect(doc.replaceAll('\\|', '|')).toContain(`\`${text}\``);
  });

  it.each(ENTITY_IMPORTS.map((spec) => [spec.entity, spec] as const))(
    'lists exactly the %s columns, with the right required flags',
    (_, spec) => {
      const rows = [...section(spec.entity).matchAll(/^\| `([a-z_]+)` \| (yes|no) \|/gm)].map((m) => [
        m[1],
        m[2],
      ]);
      expect(rows).toEqual(spec.columns.map((column) => [column.name, column.required ? 'yes' : 'no']));
    },
  );

  it.each(ENTITY_IMPORTS.map((spec) => spec.entity))('embeds docs/examples/%s.csv verbatim', (entity) => {
    const example = readFileSync(path.join(ROOT, 'docs/examples', `${entity}.csv`), 'utf8');
    expect(section(entity)).toContain(`\`\`\`csv\n${example}\`\`\``);
  });
});
