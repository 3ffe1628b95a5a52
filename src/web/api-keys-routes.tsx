import type { Hono } from 'hono';
import { createApiKey, listApiKeys, revokeApiKey } from '../domain/api-keys/api-keys.js';
import { DomainError } from '../domain/errors.js';
import { ApiKeysPage } from './api-keys-page.js';
import { FormRefusedPage } from './sign-in-pages.js';
import { tenantManager } from './tenant-manager.js';
import type { WebDeps } from './web-deps.js';
import { formOf, many, only, single, type WebKit } from './web-kit.js';

const PATH = '/settings/api-keys';

/** Settings → API keys (list, create — shown once — and revoke), for owners and admins of the current tenant. */
export function apiKeysRoutes(app: Hono, deps: WebDeps, kit: WebKit): void {
  const { db, clock } = deps;
  const managerOf = tenantManager(deps, kit);
  const what = 'its API keys';

  app.get(PATH, async (c) => {
    const who = await managerOf(c, what);
    if (who.view === undefined) return who.response;
    return c.html(
      <ApiKeysPage {...who.view} keys={await who.asTenant(() => listApiKeys(db, who.tenantSlug))} />,
    );
  });

  app.post(PATH, async (c) => {
    const form = await formOf(c);
    if (!kit.csrf.verify(c, only(form.csrf))) return c.html(<FormRefusedPage />, 403);
    const who = await managerOf(c, what);
    if (who.view === undefined) return who.response;
    const scopes = many(form.scope);
    try {
      const { key, record } = await who.asTenant(() =>
        createApiKey(db, clock, {
          tenantSlug: who.tenantSlug,
          name: single(form.name),
          scopes: scopes.length === 0 ? [''] : scopes,
          onBehalfOf: single(form.on_behalf_of) === '1',
          createdBy: who.user.email,
          userId: who.user.userId,
        }),
      );
      const keys = await who.asTenant(() => listApiKeys(db, who.tenantSlug));
      return await c.html(<ApiKeysPage {...who.view} keys={keys} created={{ key, prefix: record.prefix }} />);
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      const keys = await who.asTenant(() => listApiKeys(db, who.tenantSlug));
      return c.html(<ApiKeysPage {...who.view} keys={keys} error={`${error.message} ${error.hint}`} />, 400);
    }
  });

  app.post(`${PATH}/:id/revoke`, async (c) => {
    const form = await formOf(c);
    if (!kit.csrf.verify(c, only(form.csrf))) return c.html(<FormRefusedPage />, 403);
    const who = await managerOf(c, what);
    if (who.view === undefined) return who.response;
    try {
      await who.asTenant(() =>
        revokeApiKey(db, clock, c.req.param('id'), {
          label: who.user.email,
          userId: who.user.userId,
          tenantId: who.tenantId,
        }),
      );
    } catch (error) {
      // Another tenant's key, or one already gone: nothing to do, and nothing to reveal.
      if (!(error instanceof DomainError)) throw error;
    }
    return c.redirect(PATH, 303);
  });
}
