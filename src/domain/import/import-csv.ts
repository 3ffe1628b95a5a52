import type { Kysely } from 'kysely';
import type { Clock } from '../../lib/clock.js';
import { accountsRepository } from '../../store/accounts-repository.js';
import { crmWriter } from '../../store/crm-writer.js';
import { importQueries } from '../../store/import-queries.js';
import type { Database } from '../../store/schema.js';
import { databaseFault } from '../../store/database-faults.js';
import { DomainError, invalidInput, unavailable } from '../errors.js';
import { bidsImport } from './bids.js';
import { companiesImport } from './companies.js';
import { contactsImport } from './contacts.js';
import { parseCsvTable } from './csv-table.js';
import type { EntityImport, ImportEntity, PlannedRows } from './entity.js';
import { projectsImport } from './projects.js';
import { sortRowErrors, type RowError } from './row-error.js';

/** Every importable entity, in the order a new tenant imports them (later ones name earlier ones). */
export const ENTITY_IMPORTS: readonly EntityImport[] = [
  companiesImport,
  contactsImport,
  projectsImport,
  bidsImport,
];

export interface ImportRequest {
  readonly entity: ImportEntity;
  readonly tenantSlug: string;
  /** The file's bytes, as read from disk (BOM and all). */
  readonly csv: Uint8Array;
}

export interface ImportReport {
  readonly ok: boolean;
  readonly entity: ImportEntity;
  readonly tenant: string;
  /** Data rows in the file (the header not counted). */
  readonly rows: number;
  /** Rows written: all of them, or 0. */
  readonly imported: number;
  readonly errors: RowError[];
}

export interface ImportPlan {
  readonly request: ImportRequest;
  readonly tenantId: string;
  /** Data rows in the file. */
  readonly rows: number;
  readonly planned: PlannedRows;
  readonly errors: RowError[];
}

/**
 * Parses and validates the whole file and resolves every name against the tenant, writing
 * nothing. The plan is writable only when `errors` is empty.
 */
export async function planImport(
  db: Kysely<Database>,
  clock: Clock,
  request: ImportRequest,
): Promise<ImportPlan> {
  const spec = ENTITY_IMPORTS.find((candidate) => candidate.entity === request.entity);
  if (spec === undefined)
    throw invalidInput(`Cannot import "${request.entity}".`, 'Import companies, contacts, projects or bids.');
  const tenant = await accountsRepository(db).findTenantBySlug(request.tenantSlug);
  if (tenant === undefined)
    throw invalidInput(
      `Tenant "${request.tenantSlug}" does not exist.`,
      'Run `tenant list` to see the tenants.',
    );
  const table = parseCsvTable(request.csv, spec.columns);
  const planned = await spec.plan(table.records, {
    queries: importQueries(db, tenant.id),
    now: clock.now().toISOString(),
  });
  return {
    request,
    tenantId: tenant.id,
    rows: table.rows,
    planned,
    errors: sortRowErrors([...table.errors, ...planned.errors]),
  };
}

/**
 * Writes a clean plan in one transaction; if the database refuses any statement the whole
 * transaction rolls back and nothing is half-imported. Why it refused decides what the caller is
 * told: a row another writer added or removed since planning is a `conflict` (running again names
 * the rows), an unreachable or busy database is `unavailable` (ours, passes with time), anything
 * else is an internal fault and is thrown as one.
 */
export async function applyImport(db: Kysely<Database>, plan: ImportPlan): Promise<number> {
  if (plan.errors.length > 0) throw new Error('applyImport: the plan has errors; nothing to write');
  try {
    await db.transaction().execute((trx) => plan.planned.write(crmWriter(trx, plan.tenantId)));
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    switch (databaseFault(error)) {
      case 'conflict':
        throw new DomainError(
          'conflict',
          `Another change conflicts with the import, so it was rolled back and nothing was imported: ${detail}`,
          'Run the same import again: validation now reports the conflicting rows.',
        );
      case 'transient':
        throw unavailable('the database (the import was rolled back; nothing was imported)');
      case 'fault':
        throw new Error(
          `The import failed on a server fault and was rolled back; nothing was imported: ${detail}`,
          {
            cause: error,
          },
        );
    }
  }
  return plan.planned.count;
}

/** Validates everything first; writes all rows in one transaction only when no row has an error. */
export async function importCsv(
  db: Kysely<Database>,
  clock: Clock,
  request: ImportRequest,
): Promise<ImportReport> {
  const plan = await planImport(db, clock, request);
  const ok = plan.errors.length === 0;
  const imported = ok ? await applyImport(db, plan) : 0;
  return {
    ok,
    entity: request.entity,
    tenant: request.tenantSlug,
    rows: plan.rows,
    imported,
    errors: plan.errors,
  };
}
