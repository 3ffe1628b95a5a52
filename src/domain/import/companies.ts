import { z } from 'zod';
import { newId } from '../../lib/ids.js';
import type { NewCompany } from '../../store/crm-writer.js';
import { optionalText, phone, requiredText, choice, website } from './cells.js';
import type { EntityImport } from './entity.js';
import { keyOf, rejectFileDuplicates, validateRecords } from './entity.js';
import { rowError } from './row-error.js';

export const COMPANY_KINDS = [
  'client',
  'general_contractor',
  'subcontractor',
  'supplier',
  'architect',
] as const;

const companyRow = z.object({
  name: requiredText(200),
  kind: choice(COMPANY_KINDS),
  city: optionalText(120),
  phone: phone(),
  website: website(),
});

/** Companies: a name unique per tenant (case-insensitive), a kind, and optional details. */
export const companiesImport: EntityImport = {
  entity: 'companies',
  columns: [
    { name: 'name', required: true, description: 'Company name; unique in the tenant, case-insensitive.' },
    { name: 'kind', required: true, description: `One of ${COMPANY_KINDS.join(', ')}.` },
    { name: 'city', required: false, description: 'City.' },
    { name: 'phone', required: false, description: 'Phone number, e.g. +1 303 555 0100.' },
    { name: 'website', required: false, description: 'Web address, e.g. acme.example.' },
  ],
  async plan(records, { queries, now }) {
    const { valid, errors } = validateRecords(records, companyRow);
    const unique = rejectFileDuplicates(valid, (row) => keyOf(row.name), 'name', errors);
    const existing = new Set(
      (await queries.companiesByNameKey(unique.map(({ row }) => keyOf(row.name)))).map((c) => c.name_key),
    );
    const rows: NewCompany[] = [];
    for (const { line, row } of unique) {
      if (existing.has(keyOf(row.name))) {
        errors.push(rowError(line, 'name', `a company named "${row.name}" already exists in this tenant`));
        continue;
      }
      rows.push({ id: newId(), ...row, created_at: now });
    }
    return { count: records.length, errors, write: (writer) => writer.companies(rows) };
  },
};
