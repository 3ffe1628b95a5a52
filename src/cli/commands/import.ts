import { open } from 'node:fs/promises';
import { ENTITY_IMPORTS, importCsv, type ImportReport } from '../../domain/import/import-csv.js';
import { MAX_IMPORT_BYTES } from '../../domain/import/csv-table.js';
import type { EntityImport } from '../../domain/import/entity.js';
import { describeRowError } from '../../domain/import/row-error.js';
import { systemClock } from '../../lib/clock.js';
import { type Command, type CommandResult, required, withStore } from '../command.js';

/** `import companies|contacts|projects|bids FILE.csv --tenant SLUG`: one command per entity. */
export const importCommands: Command[] = ENTITY_IMPORTS.map((spec) => ({
  words: ['import', spec.entity],
  positionals: ['FILE.csv'],
  options: '--tenant SLUG',
  summary: `Import ${spec.entity} from CSV (all rows or none; see docs/cli.md)`,
  run: async ({ config, options, args }) => {
    const tenantSlug = required(options.tenant, '--tenant');
    const file = args[0] ?? '';
    const csv = await readImportFile(file);
    return withStore(config, async (store) =>
      render(file, spec, await importCsv(store.db, systemClock, { entity: spec.entity, tenantSlug, csv })),
    );
  },
}));

/** Reads the file, refusing anything that is not a regular file or is over the size cap, before reading it. */
async function readImportFile(file: string): Promise<Uint8Array> {
  let handle;
  try {
    handle = await open(file, 'r');
  } catch (error) {
    throw new Error(`Cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  try {
    const stats = await handle.stat();
    if (!stats.isFile()) throw new Error(`${file} is not a regular file.`);
    if (stats.size > MAX_IMPORT_BYTES)
      throw new Error(
        `${file} is ${(stats.size / 1024 / 1024).toFixed(1)} MB; imports are limited to ${MAX_IMPORT_BYTES / 1024 / 1024} MB. Split it into smaller files.`,
      );
    return await handle.readFile();
  } finally {
    await handle.close();
  }
}

function render(file: string, spec: EntityImport, report: ImportReport): CommandResult {
  if (report.ok)
    return {
      data: { ...report, file },
      text: `Imported ${report.imported} ${spec.entity} into ${report.tenant} from ${file}.`,
    };
  const count = report.errors.length;
  return {
    ok: false,
    data: { ...report, file },
    text: [
      `Nothing imported: ${count} error${count === 1 ? '' : 's'} in ${file} (${report.rows} rows of ${spec.entity}).`,
      ...report.errors.map((error) => `  ${describeRowError(error)}`),
    ].join('\n'),
  };
}
