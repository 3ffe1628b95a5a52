import { z } from 'zod';
import { newId } from '../../lib/ids.js';
import type { NewBid, NewBidStatusChange } from '../../store/crm-writer.js';
import type { ImportQueries } from '../../store/import-queries.js';
import { BID_STATUSES } from '../../store/schema.js';
import {
  bidNumber,
  choice,
  optionalDate,
  optionalEmail,
  optionalInstant,
  optionalText,
  requiredMoney,
  requiredText,
} from './cells.js';
import type { EntityImport, ValidRow } from './entity.js';
import { companyReference, keyOf, rejectFileDuplicates, validateRecords } from './entity.js';
import { rowError, type RowError } from './row-error.js';

const bidRow = z.object({
  number: bidNumber(),
  title: requiredText(200),
  project: requiredText(200),
  company: optionalText(200),
  contact_email: optionalEmail(),
  amount: requiredMoney(),
  status: choice(BID_STATUSES),
  status_since: optionalInstant(),
  due_date: optionalDate(),
});
type BidInput = z.output<typeof bidRow>;

/** Bids, each with one status-history row: "entered <status> at <status_since>". */
export const bidsImport: EntityImport = {
  entity: 'bids',
  columns: [
    { name: 'number', required: true, description: 'Bid number, 123 or #123; unique in the tenant.' },
    { name: 'title', required: true, description: 'What the bid is for.' },
    { name: 'project', required: true, description: 'Name of a project already in the tenant.' },
    { name: 'company', required: false, description: 'Bidding company; defaults to the contact’s company.' },
    { name: 'contact_email', required: false, description: 'Email of a contact already in the tenant.' },
    { name: 'amount', required: true, description: 'Amount in dollars: 48500 or 48,500.00.' },
    { name: 'status', required: true, description: `One of ${BID_STATUSES.join(', ')}.` },
    { name: 'status_since', required: false, description: 'When the status began: ISO date or date-time.' },
    { name: 'due_date', required: false, description: 'YYYY-MM-DD.' },
  ],
  async plan(records, { queries, now }) {
    const { valid, errors } = validateRecords(records, bidRow);
    const unique = rejectFileDuplicates(valid, (row) => String(row.number), 'number', errors);
    const refs = await references(queries, unique);
    const bids: NewBid[] = [];
    const history: NewBidStatusChange[] = [];
    for (const { line, row } of unique) {
      const resolved = resolve(row, line, refs, now, errors);
      if (resolved === undefined) continue;
      const since = row.status_since ?? now;
      const id = newId();
      bids.push({
        id,
        number: row.number,
        title: row.title,
        amount_cents: row.amount,
        status: row.status,
        status_since: since,
        due_date: row.due_date,
        created_at: since,
        updated_at: since,
        ...resolved,
      });
      history.push({ id: newId(), bid_id: id, from_status: null, to_status: row.status, changed_at: since });
    }
    return {
      count: records.length,
      errors,
      async write(writer) {
        await writer.bids(bids);
        await writer.bidStatusChanges(history);
      },
    };
  },
};

interface References {
  numbers: Set<number>;
  projects: Map<string, string>;
  companies: Map<string, string>;
  contacts: Map<string, { id: string; company_id: string | null }>;
}

async function references(queries: ImportQueries, rows: ValidRow<BidInput>[]): Promise<References> {
  // One project per name key: the database's unique key since migration 0012.
  const projects = new Map(
    (await queries.projectsByNameKey(rows.map(({ row }) => keyOf(row.project)))).map((p) => [
      p.name_key,
      p.id,
    ]),
  );
  const companyNames = rows.flatMap(({ row }) => (row.company === null ? [] : [keyOf(row.company)]));
  const emails = rows.flatMap(({ row }) => (row.contact_email === null ? [] : [keyOf(row.contact_email)]));
  return {
    numbers: new Set(await queries.existingBidNumbers(rows.map(({ row }) => row.number))),
    projects,
    companies: new Map((await queries.companiesByNameKey(companyNames)).map((c) => [c.name_key, c.id])),
    contacts: new Map((await queries.contactsByEmailKey(emails)).map((c) => [c.email_key, c])),
  };
}

/** The row's project, company and contact ids, or undefined after reporting why not. */
function resolve(row: BidInput, line: number, refs: References, now: string, errors: RowError[]) {
  const before = errors.length;
  if (refs.numbers.has(row.number))
    errors.push(rowError(line, 'number', `bid #${row.number} already exists in this tenant`));
  if (row.status_since !== null && row.status_since > now)
    errors.push(rowError(line, 'status_since', 'is in the future'));
  const projectId = refs.projects.get(keyOf(row.project));
  if (projectId === undefined)
    errors.push(
      rowError(line, 'project', `no project named "${row.project}" in this tenant; import projects first`),
    );
  let companyId = companyReference(refs.companies, row.company, line, 'company', errors);
  let contactId: string | null = null;
  if (row.contact_email !== null) {
    const contact = refs.contacts.get(keyOf(row.contact_email));
    if (contact === undefined)
      errors.push(
        rowError(line, 'contact_email', `no contact with email ${row.contact_email} in this tenant`),
      );
    else if (companyId && contact.company_id !== null && contact.company_id !== companyId)
      errors.push(
        rowError(
          line,
          'contact_email',
          `${row.contact_email} works at another company than "${row.company ?? ''}"`,
        ),
      );
    else {
      contactId = contact.id;
      companyId ??= contact.company_id;
    }
  }
  if (errors.length > before || projectId === undefined || companyId === undefined) return undefined;
  return { project_id: projectId, company_id: companyId, contact_id: contactId };
}
