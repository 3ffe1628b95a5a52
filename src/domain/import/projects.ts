import { z } from 'zod';
import { newId } from '../../lib/ids.js';
import type { NewProject } from '../../store/crm-writer.js';
import { PROJECT_STATUSES } from '../../store/schema.js';
import { choice, optionalDate, optionalMoney, optionalText, requiredText } from './cells.js';
import type { EntityImport } from './entity.js';
import { companyReference, keyOf, rejectFileDuplicates, validateRecords } from './entity.js';
import { rowError } from './row-error.js';

const projectRow = z
  .object({
    name: requiredText(200),
    status: choice(PROJECT_STATUSES),
    client: optionalText(200),
    location: optionalText(200),
    value: optionalMoney(),
    start_date: optionalDate(),
    end_date: optionalDate(),
    description: optionalText(5000, true),
  })
  .check((context) => {
    const { start_date: start, end_date: end } = context.value;
    // Cells that failed to parse are not strings here; only compare two real dates.
    if (typeof start === 'string' && typeof end === 'string' && end < start)
      context.issues.push({
        code: 'custom',
        input: end,
        path: ['end_date'],
        message: `is before start_date ${start}`,
      });
  });

/**
 * Projects. Bids name their project, so an import refuses a project name (case-insensitive) that
 * the file repeats or the tenant already has: one name, one project.
 */
export const projectsImport: EntityImport = {
  entity: 'projects',
  columns: [
    { name: 'name', required: true, description: 'Project name; must not already exist in the tenant.' },
    { name: 'status', required: true, description: `One of ${PROJECT_STATUSES.join(', ')}.` },
    { name: 'client', required: false, description: 'Name of the client company, already in the tenant.' },
    { name: 'location', required: false, description: 'Site address or city.' },
    { name: 'value', required: false, description: 'Contract value in dollars: 1250000 or 1,250,000.50.' },
    { name: 'start_date', required: false, description: 'YYYY-MM-DD.' },
    { name: 'end_date', required: false, description: 'YYYY-MM-DD, not before start_date.' },
    { name: 'description', required: false, description: 'Free text; may span lines inside quotes.' },
  ],
  async plan(records, { queries, now }) {
    const { valid, errors } = validateRecords(records, projectRow);
    const unique = rejectFileDuplicates(valid, (row) => keyOf(row.name), 'name', errors);
    const existing = new Set(
      (await queries.projectsByNameKey(unique.map(({ row }) => keyOf(row.name)))).map((p) => p.name_key),
    );
    const clientNames = unique.flatMap(({ row }) => (row.client === null ? [] : [keyOf(row.client)]));
    const companies = new Map(
      (await queries.companiesByNameKey(clientNames)).map((c) => [c.name_key, c.id] as const),
    );
    const rows: NewProject[] = [];
    for (const { line, row } of unique) {
      const before = errors.length;
      if (existing.has(keyOf(row.name)))
        errors.push(rowError(line, 'name', `a project named "${row.name}" already exists in this tenant`));
      const clientId = companyReference(companies, row.client, line, 'client', errors);
      if (errors.length > before || clientId === undefined) continue;
      rows.push({
        id: newId(),
        name: row.name,
        status: row.status,
        client_company_id: clientId,
        location: row.location,
        value_cents: row.value,
        start_date: row.start_date,
        end_date: row.end_date,
        description: row.description,
        created_at: now,
        updated_at: now,
      });
    }
    return { count: records.length, errors, write: (writer) => writer.projects(rows) };
  },
};
