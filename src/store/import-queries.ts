import type { Kysely, Transaction } from 'kysely';
import type { Database } from './schema.js';

type Executor = Kysely<Database> | Transaction<Database>;

/** Values per `IN (…)` list: far below SQLite's and PostgreSQL's bound-parameter limits. */
const CHUNK = 500;

async function inChunks<K, R>(keys: readonly K[], query: (chunk: K[]) => Promise<R[]>): Promise<R[]> {
  const unique = [...new Set(keys)];
  const results: R[] = [];
  for (let start = 0; start < unique.length; start += CHUNK)
    results.push(...(await query(unique.slice(start, start + CHUNK))));
  return results;
}

export type ImportQueries = ReturnType<typeof importQueries>;

/**
 * The look-ups a CSV import needs to resolve names to ids and find rows that already exist, for
 * one tenant. Every query is scoped to that tenant; keys are the lower-cased forms the unique
 * constraints use (`name_key`, `email_key`).
 */
export function importQueries(db: Executor, tenantId: string) {
  return {
    companiesByNameKey: (keys: readonly string[]) =>
      inChunks(keys, (chunk) =>
        db
          .selectFrom('companies')
          .where('tenant_id', '=', tenantId)
          .where('name_key', 'in', chunk)
          .select(['id', 'name', 'name_key'])
          .execute(),
      ),
    contactsByEmailKey: (keys: readonly string[]) =>
      inChunks(keys, (chunk) =>
        db
          .selectFrom('contacts')
          .where('tenant_id', '=', tenantId)
          .where('email_key', 'in', chunk)
          .select(['id', 'email', 'email_key', 'company_id'])
          .execute(),
      ),
    projectsByNameKey: (keys: readonly string[]) =>
      inChunks(keys, (chunk) =>
        db
          .selectFrom('projects')
          .where('tenant_id', '=', tenantId)
          .where('name_key', 'in', chunk)
          .select(['id', 'name', 'name_key'])
          .execute(),
      ),
    existingBidNumbers: async (numbers: readonly number[]) =>
      (
        await inChunks(numbers, (chunk) =>
          db
            .selectFrom('bids')
            .where('tenant_id', '=', tenantId)
            .where('number', 'in', chunk)
            .select('number')
            .execute(),
        )
      ).map((row) => row.number),
  };
}
