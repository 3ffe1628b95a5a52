import { createHash } from 'node:crypto';
import type { CompiledQuery } from 'kysely';
import type pg from 'pg';

/**
 * PostgreSQL parses and plans a statement sent without a name on every execution. For the outbox
 * worker's recording statement (a data-modifying WITH with its lease: ~0.5–0.7 ms of planning
 * alone, on the delivery's critical path once per 8 messages) that was a large part of each
 * round trip (bench/README.md, "Delivery, fourth pass"). A statement compiled with this mark is
 * sent as a named prepared statement instead: parsed once per connection, and planned by the
 * server's plan cache (custom plans first, a generic one once it is as cheap).
 *
 * Only fixed shapes (compiled once, see compiled-shapes.ts) may be marked: each distinct text is
 * one prepared statement on every pooled connection for the connection's life. On SQLite the mark
 * is a comment and changes nothing. Marked statements must name their result columns (no `*`):
 * a column added by another instance's migration would otherwise change the prepared result type,
 * which PostgreSQL refuses ("cached plan must not change result type").
 */
const MARK = '/* prepared */ ';

/** `query` marked to run as a named prepared statement on PostgreSQL. */
export function prepared<R>(query: CompiledQuery<R>): CompiledQuery<R> {
  return { ...query, sql: `${MARK}${query.sql}` };
}

/** Statement names by text; as bounded as the marked shapes. */
const names = new Map<string, string>();

function nameOf(text: string): string {
  let name = names.get(text);
  if (name === undefined) {
    name = `wo_${createHash('sha256').update(text).digest('hex').slice(0, 32)}`;
    names.set(text, name);
  }
  return name;
}

/**
 * Makes `client` (a new pooled connection) run marked statements as named prepared statements;
 * every other query is passed on unchanged. node-postgres remembers per connection which names
 * it has prepared, so only the first execution on a connection sends the text.
 */
export function preparingMarkedStatements(client: pg.PoolClient): void {
  const query = client.query.bind(client) as (...args: unknown[]) => unknown;
  const marked = (text: unknown, values: unknown, callback: unknown) =>
    typeof text === 'string' && text.startsWith(MARK)
      ? query({ name: nameOf(text), text, values }, callback)
      : query(text, values, callback);
  client.query = marked as typeof client.query;
}
