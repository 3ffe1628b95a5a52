import type { Hono } from 'hono';
import { accountsRepository } from '../store/accounts-repository.js';
import { TenantsPage } from './settings-pages.js';
import { FormRefusedPage } from './sign-in-pages.js';
import type { WebDeps } from './web-deps.js';
import { formOf, only, signedInView, single, toLogin, type WebKit } from './web-kit.js';

/** Settings → Tenants: the user's memberships, and switching the session to another of them. */
export function tenantSwitchRoutes(app: Hono, deps: WebDeps, kit: WebKit): void {
  const accounts = accountsRepository(deps.db);

  app.get('/settings/tenants', async (c) => {
    const session = await signedInView(kit, c);
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
    if (!kit.csrf.verify(c, only(form.csrf))) return c.html(<FormRefusedPage />, 403);
    const user = await kit.sessions.current(c);
    if (user === undefined) return toLogin(c);
    const chosen = single(form.tenant);
    const memberships = await accounts.membershipsOfUser(user.userId);
    if (chosen !== undefined && memberships.some((m) => m.tenant_id === chosen))
      await kit.sessions.switchTenant(user, chosen);
    return c.redirect('/settings/tenants', 303);
  });
}
