import type { Kysely } from 'kysely';
import { rowLimit } from '../../store/row-limit.js';
import type { Database } from '../../store/schema.js';

const PAGE = 1000;

/**
 * Every audit entry of one tenant, oldest first, as objects ready for JSON lines. Keyset-paged on
 * (at, id), so entries sharing a timestamp are neither skipped nor repeated.
 */
export async function* exportAudit(
  db: Kysely<Database>,
  tenantId: string,
): AsyncGenerator<Record<string, unknown>> {
  let after: { at: string; id: string } | undefined;
  for (;;) {
    let query = db.selectFrom('audit_log').selectAll().where('tenant_id', '=', tenantId);
    if (after !== undefined) {
      const { at, id } = after;
      query = query.where((eb) => eb.or([eb('at', '>', at), eb.and([eb('at', '=', at), eb('id', '>', id)])]));
    }
    const rows = await query.orderBy('at').orderBy('id').limit(rowLimit(PAGE)).execute();
    for (const row of rows) yield { ...row, details: JSON.parse(row.details) as unknown };
    const last = rows[rows.length - 1];
    if (last === undefined || rows.length < PAGE) return;
    after = { at: last.at, id: last.id };
  }
}
