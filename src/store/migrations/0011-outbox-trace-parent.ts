import type { Kysely, Migration } from 'kysely';

/**
 * The send's trace context (W3C `traceparent`) on its outbox row, so the delivery's span, in
 * another trace started by the worker later and perhaps on another instance, links back to the
 * request that queued it (issue 10). Null when tracing was off or the send was not traced.
 */
export const outboxTraceParent: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable('mail_outbox').addColumn('trace_parent', 'text').execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.alterTable('mail_outbox').dropColumn('trace_parent').execute();
  },
};
