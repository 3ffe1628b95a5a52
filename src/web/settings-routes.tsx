import type { Hono } from 'hono';
import { APPS, connectedAppsRoutes } from './connected-apps-routes.js';
import { devMailboxRoutes } from './dev-mailbox-routes.js';
import { STYLESHEET } from './layout.js';
import { HomePage } from './sign-in-pages.js';
import { tenantSwitchRoutes } from './tenant-switch-routes.js';
import type { WebDeps } from './web-deps.js';
import { pageHeaders, type WebKit } from './web-kit.js';

/** The stylesheet, the home page and the settings pages: connected apps, tenants, the dev mailbox. */
export function settingsRoutes(app: Hono, deps: WebDeps, kit: WebKit): void {
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
  connectedAppsRoutes(app, deps, kit);
  tenantSwitchRoutes(app, deps, kit);
  if (kit.devMailbox) devMailboxRoutes(app, deps);
}
