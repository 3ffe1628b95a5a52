import type { Kysely, Migration } from 'kysely';

/**
 * Sign-in code requests waiting to be mailed (issue 9, finding 3): `POST /login` writes one row
 * for every address, whoever may sign in, and answers; a delivery loop on any instance decides,
 * issues the code and mails it, retrying with backoff. The row holds the address and the rate
 * limit's verdict, never the code: a code is made at send time and only its HMAC is stored (in
 * sign_in_codes), so a retry mails a fresh code. A row is deleted once its outcome is final. Not a
 * tenant table: an address asking to sign in belongs to no tenant yet (owner work; no RLS policy).
 */
export const signInMail: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('sign_in_mail')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('email', 'text', (c) => c.notNull())
      /** 'limited' when the request was over a sign-in rate limit (decided in the request), else null. */
      .addColumn('refused', 'text')
      /** 'queued', 'sending' (leased until lease_until) or 'failed' (retried at next_attempt_at). */
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('attempts', 'integer', (c) => c.notNull())
      .addColumn('next_attempt_at', 'text', (c) => c.notNull())
      .addColumn('lease_owner', 'text')
      .addColumn('lease_until', 'text')
      .addColumn('last_error', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('sign_in_mail_due')
      .on('sign_in_mail')
      .columns(['status', 'next_attempt_at'])
      .execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable('sign_in_mail').execute();
  },
};
