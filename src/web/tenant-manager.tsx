import type { Context } from 'hono';
import { accountsRepository } from '../store/accounts-repository.js';
import { MessagePage } from './sign-in-pages.js';
import type { WebDeps } from './web-deps.js';
import { toLogin, type WebKit } from './web-kit.js';
import type { WebUser } from './web-sessions.js';

export type Managed =
  | { readonly response: Response | Promise<Response>; readonly view?: undefined }
  | {
      readonly user: WebUser;
      readonly tenantId: string;
      readonly tenantSlug: string;
      /** Runs the page's store work as this tenant (the runtime role on PostgreSQL). */
      readonly asTenant: <T>(work: () => T) => T;
      readonly view: {
        readonly user: { email: string; csrf: string };
        readonly devMailbox: boolean;
        readonly tenantName: string;
      };
    };

/**
 * The signed-in user's current tenant when they may manage it (owner or admin), else the
 * response that says why not: the sign-in page, or 403. Settings pages that change a tenant
 * (outbox, audit log, API keys) all start here.
 */
export function tenantManager(deps: WebDeps, kit: WebKit) {
  const accounts = accountsRepository(deps.db);
  return async (c: Context, what: string): Promise<Managed> => {
    const user = await kit.sessions.current(c);
    if (user === undefined) return { response: toLogin(c) };
    const memberships = await accounts.membershipsOfUser(user.userId);
    const membership = memberships.find((m) => m.tenant_id === user.tenantId) ?? memberships[0];
    if (membership === undefined || (membership.role !== 'owner' && membership.role !== 'admin'))
      return {
        response: c.html(
          <MessagePage title="Not allowed" message={`Only owners and admins of a tenant can see ${what}.`} />,
          403,
        ),
      };
    return {
      user,
      tenantId: membership.tenant_id,
      tenantSlug: membership.slug,
      asTenant: (work) => deps.asTenant(membership.tenant_id, work),
      view: {
        user: { email: user.email, csrf: kit.csrf.token(c) },
        devMailbox: kit.devMailbox,
        tenantName: membership.name,
      },
    };
  };
}
