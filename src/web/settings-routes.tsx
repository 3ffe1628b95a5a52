import { hostHeaderValidationResponse, localhostAllowedHostnames } from '@modelcontextprotocol/server';
import type { Context, Hono } from 'hono';
import { appendAudit } from '../domain/audit/audit-log.js';
import { connectionsRepository, parseScopes } from '../oauth/connections.js';
import { narrowEngineGrant } from '../oauth/narrow-grant.js';
import { listDevMailbox } from '../outbox/dev-mailbox.js';
import { readableBody } from '../outbox/readable-body.js';
import { accountsRepository } from '../store/accounts-repository.js';
import { STYLESHEET } from './layout.js';
import { ConnectedAppsPage, DevMailboxPage, TenantsPage } from './settings-pages.js';
import { FormRefusedPage, HomePage } from './sign-in-pages.js';
import type { WebDeps } from './web-deps.js';
import { formOf, only, many, pageHeaders, single, toLogin, type WebKit } from './web-kit.js';

const APPS = '/settings/developer/connected-apps';

/** Connected apps (list, narrow, revoke), tenants (switch), the dev mailbox and the stylesheet. */
export function settingsRoutes(app: Hono, deps: WebDeps, kit: WebKit): void {
  const { db, clock } = deps;
  const connections = connectionsRepository(db);
  const accounts = accountsRepository(db);

  const signedIn = async (c: Context) => {
    const user = await kit.sessions.current(c);
    return user === undefined ? undefined : { user, view: { email: user.email, csrf: kit.csrf.token(c) } };
  };
  const refused = (c: Context) => c.html(<FormRefusedPage />, 403);

  app.get('/assets/web.css', (c) =>
    c.body(STYLESHEET, 200, {
      'Content-Type': 'text/css; charset=utf-8',
      'Cache-Control': 'public, max-age=3600',
    }),
  );
  app.get('/settings', (c) => c.redirect(APPS, 303));
  // `app.use('/')` does not reach the root route in the composed app, so the headers are attached here.
  app.get('/', pageHeaders, (c) =>
    c.html(<HomePage issuer={deps.config.oauth.issuer} devMailbox={kit.devMailbox} />),
  );

  app.get(APPS, async (c) => {
    const session = await signedIn(c);
    if (session === undefined) return toLogin(c);
    const rows = await connections.listForUser(session.user.userId);
    const views = rows.map((r) => ({
      grantId: r.grant_id,
      clientName: r.client_name,
      redirectHost: r.redirect_host,
      tenantName: r.tenant_name,
      scopes: parseScopes(r.scopes),
      createdAt: r.created_at,
      lastUsedAt: r.last_used_at,
    }));
    return c.html(<ConnectedAppsPage user={session.view} devMailbox={kit.devMailbox} connections={views} />);
  });

  /** Revokes one of the user's connections (another user's grant is left alone) and audits it. */
  const revoke = async (grantId: string, userId: string, scope: 'one' | 'all') => {
    const revoked = await connections.revoke(grantId, userId, clock.now().toISOString());
    if (revoked !== undefined)
      await appendAudit(db, clock, {
        tenantId: revoked.tenant_id,
        userId,
        clientId: revoked.client_id,
        action: 'oauth.connection_revoked',
        decision: 'revoked',
        details: { grant: revoked.grant_id, client_name: revoked.client_name, scope },
      });
  };

  app.post(`${APPS}/:grant/revoke`, async (c) => {
    const form = await formOf(c);
    if (!kit.csrf.verify(c, only(form.csrf))) return refused(c);
    const user = await kit.sessions.current(c);
    if (user === undefined) return toLogin(c);
    await revoke(c.req.param('grant'), user.userId, 'one');
    return c.redirect(APPS, 303);
  });

  // "Sign out every app": each connection ends as if revoked one by one (tokens gone at once).
  app.post(`${APPS}/revoke-all`, async (c) => {
    const form = await formOf(c);
    if (!kit.csrf.verify(c, only(form.csrf))) return refused(c);
    const user = await kit.sessions.current(c);
    if (user === undefined) return toLogin(c);
    for (const row of await connections.listForUser(user.userId))
      await revoke(row.grant_id, user.userId, 'all');
    return c.redirect(APPS, 303);
  });

  app.post(`${APPS}/:grant/scopes`, async (c) => {
    const form = await formOf(c);
    if (!kit.csrf.verify(c, only(form.csrf))) return refused(c);
    const user = await kit.sessions.current(c);
    if (user === undefined) return toLogin(c);
    const grantId = c.req.param('grant');
    const narrowed = await connections.narrow(grantId, user.userId, many(form.scope));
    if (narrowed === undefined) return c.redirect(APPS, 303);
    // The connection decides access at once; the engine's grant decides what a refresh states.
    await narrowEngineGrant(deps.provider, grantId, narrowed.scopes);
    await appendAudit(db, clock, {
      tenantId: narrowed.tenantId,
      userId: user.userId,
      clientId: narrowed.clientId,
      action: 'oauth.scopes_narrowed',
      decision: 'allowed',
      details: { grant: grantId, scopes: narrowed.scopes },
    });
    return c.redirect(APPS, 303);
  });

  app.get('/settings/tenants', async (c) => {
    const session = await signedIn(c);
    if (session === undefined) return toLogin(c);
    const memberships = await accounts.membershipsOfUser(session.user.userId);
    const tenants = memberships.map((m) => ({ id: m.tenant_id, name: m.name, role: m.role }));
    const current = session.user.tenantId ?? tenants[0]?.id;
    return c.html(
      <TenantsPage user={session.view} devMailbox={kit.devMailbox} tenants={tenants} current={current} />,
    );
  });

  app.post('/settings/tenants', async (c) => {
    const form = await formOf(c);
    if (!kit.csrf.verify(c, only(form.csrf))) return refused(c);
    const user = await kit.sessions.current(c);
    if (user === undefined) return toLogin(c);
    const chosen = single(form.tenant);
    const memberships = await accounts.membershipsOfUser(user.userId);
    if (chosen !== undefined && memberships.some((m) => m.tenant_id === chosen))
      await kit.sessions.switchTenant(user, chosen);
    return c.redirect('/settings/tenants', 303);
  });

  if (kit.devMailbox) {
    app.get('/dev/mailbox', async (c) => {
      // DNS rebinding: a page on another name that resolves to 127.0.0.1 must not read the codes.
      const wrongHost = hostHeaderValidationResponse(c.req.raw, localhostAllowedHostnames());
      if (wrongHost !== undefined) return wrongHost;
      const rows = await listDevMailbox(db, 20);
      const messages = rows.map((r) => ({
        id: r.id,
        to: (JSON.parse(r.envelope_to) as string[]).join(', '),
        subject: r.subject,
        at: r.created_at,
        body: readableBody(r.raw),
      }));
      return c.html(<DevMailboxPage messages={messages} />);
    });
  }
}
