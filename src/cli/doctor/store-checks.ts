import { accountsRepository } from '../../store/accounts-repository.js';
import { type DoctorCheck, SYMPTOMS, pass, problem } from './doctor-check.js';

/** Every allowed entry can sign in: a member already, or a first sign-in that joins the only tenant. */
export const signInCheck: DoctorCheck = {
  id: 'sign-in',
  async run({ config, store }) {
    const entries = config.oauth.allowedEmails.map((e) => e.trim().toLowerCase());
    if (entries.length === 0)
      return problem(
        'sign-in',
        config.env === 'development' ? 'warn' : 'fail',
        config.env === 'development'
          ? 'WORKONWARD_MCP_OAUTH_ALLOWED_EMAILS is unset: only the demo users may sign in'
          : 'WORKONWARD_MCP_OAUTH_ALLOWED_EMAILS is unset: nobody can sign in',
        SYMPTOMS.oauth,
        'export WORKONWARD_MCP_OAUTH_ALLOWED_EMAILS="you@gitdate.ink" (addresses or @domain entries)',
      );
    const accounts = accountsRepository(store.db);
    const tenants = await accounts.listTenants();
    const cannot: string[] = [];
    for (const entry of entries) {
      if (tenants.length <= 1) continue; // one tenant (or the first one, made at start): everyone joins it
      if (entry.startsWith('@')) {
        cannot.push(`${entry} (a first sign-in joins only when exactly one tenant exists)`);
        continue;
      }
      const user = await accounts.findUserByEmail(entry);
      const member = user !== undefined && (await accounts.membershipsOfUser(user.id)).length > 0;
      if (!member) cannot.push(`${entry} (member of none of the ${tenants.length} tenants)`);
    }
    if (cannot.length > 0)
      return problem(
        'sign-in',
        'fail',
        `cannot sign in: ${cannot.join(', ')}`,
        SYMPTOMS.oauth,
        'npx workonward-mcp user add --email EMAIL --tenant SLUG',
      );
    const where =
      tenants.length === 0
        ? 'the first tenant is created at start'
        : `${tenants.length} tenant(s): ${tenants.map((t) => t.slug).join(', ')}`;
    return pass('sign-in', `${entries.join(', ')} can sign in (${where})`);
  },
};

/** Mail the outbox holds back (dry-run) or gave up on (dead). */
export const outboxCheck: DoctorCheck = {
  id: 'outbox',
  async run({ config, store }) {
    const rows = await store.db
      .selectFrom('mail_outbox')
      .select((eb) => ['status', eb.fn.countAll<number | string>().as('n')])
      .where('status', 'in', ['queued', 'failed', 'dead'])
      .groupBy('status')
      .execute();
    const count = (status: string) => Number(rows.find((r) => r.status === status)?.n ?? 0);
    const waiting = count('queued') + count('failed');
    if (count('dead') > 0)
      return problem(
        'outbox',
        'fail',
        `${count('dead')} message(s) dead-lettered (delivery gave up)${waiting > 0 ? `, ${waiting} waiting` : ''}`,
        SYMPTOMS.noQueue,
        'read last_error on Settings → Outbox, fix the SMTP account, then send again with a new idempotency key',
      );
    if (waiting > 0 && config.mail.dryRun)
      return problem(
        'outbox',
        'warn',
        `${waiting} message(s) queued before dry-run was turned on are held`,
        SYMPTOMS.noQueue,
        'they go out once WORKONWARD_MCP_DRY_RUN=0; cancel them on Settings → Outbox if they must not',
      );
    return pass(
      'outbox',
      waiting > 0 ? `${waiting} message(s) waiting for delivery` : 'nothing held or dead',
    );
  },
};
