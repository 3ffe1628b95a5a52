import type { Hono } from 'hono';
import { appendAudit } from '../domain/audit/audit-log.js';
import { connectionsRepository, parseScopes } from '../oauth/connections.js';
import { narrowEngineGrant } from '../oauth/narrow-grant.js';
import { ConnectedAppsPage } from './settings-pages.js';
import { FormRefusedPage } from './sign-in-pages.js';
import type { WebDeps } from './web-deps.js';
import { formOf, many, only, signedInView, toLogin, type WebKit } from './web-kit.js';

export const APPS = '/settings/developer/connected-apps';

/** Settings → Connected apps: the user's OAuth connections, each to narrow or revoke, or all at once. */
export function connectedAppsRoutes(app: Hono, deps: WebDeps, kit: WebKit): void {
  const { db, clock } = deps;
  const connections = connectionsRepository(db);

  app.get(APPS, async (c) => {
    const session = await signedInView(kit, c);
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
    if (!kit.csrf.verify(c, only(form.csrf))) return c.html(<FormRefusedPage />, 403);
    const user = await kit.sessions.current(c);
    if (user === undefined) return toLogin(c);
    await revoke(c.req.param('grant'), user.userId, 'one');
    return c.redirect(APPS, 303);
  });

  // "Sign out every app": each connection ends as if revoked one by one (tokens gone at once).
  app.post(`${APPS}/revoke-all`, async (c) => {
    const form = await formOf(c);
    if (!kit.csrf.verify(c, only(form.csrf))) return c.html(<FormRefusedPage />, 403);
    const user = await kit.sessions.current(c);
    if (user === undefined) return toLogin(c);
    for (const row of await connections.listForUser(user.userId))
      await revoke(row.grant_id, user.userId, 'all');
    return c.redirect(APPS, 303);
  });

  app.post(`${APPS}/:grant/scopes`, async (c) => {
    const form = await formOf(c);
    if (!kit.csrf.verify(c, only(form.csrf))) return c.html(<FormRefusedPage />, 403);
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
}
