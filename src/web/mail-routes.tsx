import type { Context, Hono } from 'hono';
import { listAudit } from '../domain/audit/audit-log.js';
import { DomainError, HTTP_STATUS_OF } from '../domain/errors.js';
import { cancelOutboxMessage, outboxPage, retryOutboxMessage } from '../domain/mail/outbox-admin.js';
import { sendingUsage } from '../domain/mail/sending-limits.js';
import { AuditLogPage, OutboxPage } from './mail-pages.js';
import { FormRefusedPage, MessagePage } from './sign-in-pages.js';
import type { WebDeps } from './web-deps.js';
import { tenantManager } from './tenant-manager.js';
import { formOf, only, type WebKit } from './web-kit.js';

const PAGE = 100;

/** Settings → Audit log and Settings → Outbox, for owners and admins of the session's current tenant. */
export function mailRoutes(app: Hono, deps: WebDeps, kit: WebKit): void {
  const { db, clock } = deps;
  const managerOf = tenantManager(deps, kit);

  const manager = (c: Context) => managerOf(c, 'its audit log and outbox');

  app.get('/settings/audit-log', async (c) => {
    const who = await manager(c);
    if (who.view === undefined) return who.response;
    const before = c.req.query('before');
    const rows = await who.asTenant(() =>
      listAudit(db, who.tenantId, { limit: PAGE, ...(before !== undefined && { before }) }),
    );
    const entries = rows.map((r) => ({
      at: r.at,
      action: r.action,
      decision: r.decision,
      reason: r.reason,
      details: JSON.stringify(r.details, null, 1),
    }));
    const next = rows.length === PAGE ? (rows[rows.length - 1]?.at ?? null) : null;
    return c.html(<AuditLogPage {...who.view} entries={entries} next={next} />);
  });

  app.get('/settings/outbox', async (c) => {
    const who = await manager(c);
    if (who.view === undefined) return who.response;
    const [messages, usage] = await who.asTenant(() =>
      Promise.all([
        outboxPage(db, who.tenantId, { limit: PAGE, dryRun: deps.config.mail.dryRun }),
        sendingUsage(db, clock, deps.config.mail, who.tenantId),
      ]),
    );
    return c.html(<OutboxPage {...who.view} messages={messages} usage={usage} canManage />);
  });

  for (const action of ['cancel', 'retry'] as const)
    app.post(`/settings/outbox/:id/${action}`, async (c) => {
      const form = await formOf(c);
      if (!kit.csrf.verify(c, only(form.csrf))) return c.html(<FormRefusedPage />, 403);
      const who = await manager(c);
      if (who.view === undefined) return who.response;
      const operator = { tenantId: who.tenantId, userId: who.user.userId };
      try {
        const change = action === 'cancel' ? cancelOutboxMessage : retryOutboxMessage;
        await who.asTenant(() => change(db, clock, operator, c.req.param('id')));
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
        return c.html(
          <MessagePage title="Not changed" message={`${error.message} ${error.hint}`} />,
          HTTP_STATUS_OF[error.code],
        );
      }
      return c.redirect('/settings/outbox', 303);
    });
}
