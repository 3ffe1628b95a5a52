import { z } from 'zod';
import { newId } from '../../lib/ids.js';
import type { NewContact } from '../../store/crm-writer.js';
import { optionalText, phone, requiredEmail, requiredText } from './cells.js';
import type { EntityImport } from './entity.js';
import { companyReference, keyOf, rejectFileDuplicates, validateRecords } from './entity.js';
import { rowError } from './row-error.js';

const contactRow = z.object({
  first_name: requiredText(100),
  last_name: requiredText(100),
  email: requiredEmail(),
  company: optionalText(200),
  title: optionalText(120),
  phone: phone(),
});

/** Contacts: an email unique per tenant (case-insensitive), optionally at an existing company. */
export const contactsImport: EntityImport = {
  entity: 'contacts',
  columns: [
    { name: 'first_name', required: true, description: 'First name.' },
    { name: 'last_name', required: true, description: 'Last name.' },
    { name: 'email', required: true, description: 'Email; unique in the tenant, case-insensitive.' },
    { name: 'company', required: false, description: 'Name of a company already in the tenant.' },
    { name: 'title', required: false, description: 'Job title.' },
    { name: 'phone', required: false, description: 'Phone number.' },
  ],
  async plan(records, { queries, now }) {
    const { valid, errors } = validateRecords(records, contactRow);
    const unique = rejectFileDuplicates(valid, (row) => keyOf(row.email), 'email', errors);
    const existing = new Set(
      (await queries.contactsByEmailKey(unique.map(({ row }) => keyOf(row.email)))).map((c) => c.email_key),
    );
    const companyNames = unique.flatMap(({ row }) => (row.company === null ? [] : [keyOf(row.company)]));
    const companies = new Map(
      (await queries.companiesByNameKey(companyNames)).map((c) => [c.name_key, c.id] as const),
    );
    const rows: NewContact[] = [];
    for (const { line, row } of unique) {
      const before = errors.length;
      if (existing.has(keyOf(row.email)))
        errors.push(
          rowError(line, 'email', `a contact with email ${row.email} already exists in this tenant`),
        );
      const companyId = companyReference(companies, row.company, line, 'company', errors);
      if (errors.length > before || companyId === undefined) continue;
      rows.push({
        id: newId(),
        company_id: companyId,
        first_name: row.first_name,
        last_name: row.last_name,
        email: row.email,
        phone: row.phone,
        title: row.title,
        created_at: now,
      });
    }
    return { count: records.length, errors, write: (writer) => writer.contacts(rows) };
  },
};
