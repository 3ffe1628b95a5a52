import type { Hono } from 'hono';
import { apiKeysRoutes } from './api-keys-routes.js';
import { formGuard } from './form-guard.js';
import { interactionRoutes } from './interaction-routes.js';
import { mailRoutes } from './mail-routes.js';
import { settingsRoutes } from './settings-routes.js';
import { signInRoutes } from './sign-in-routes.js';
import type { WebDeps } from './web-deps.js';
import { pageHeaders, webKit } from './web-kit.js';

/** Paths served as HTML pages (each gets the anti-framing, no-store headers). */
const PAGE_PATHS = [
  '/login',
  '/login/*',
  '/logout',
  '/settings',
  '/settings/*',
  '/dev/*',
  '/oauth/interaction/*',
];

/** Mounts every server-rendered page. Call before the authorization server's `/oauth/*` catch-all. */
export function mountWebPages(app: Hono, deps: WebDeps): void {
  const guard = formGuard(deps.config.oauth.issuer);
  for (const path of PAGE_PATHS) app.use(path, pageHeaders, guard);
  const kit = webKit(deps);
  signInRoutes(app, deps, kit);
  settingsRoutes(app, deps, kit);
  mailRoutes(app, deps, kit);
  apiKeysRoutes(app, deps, kit);
  interactionRoutes(app, deps, kit);
}
