import type { Hono } from 'hono';
import { appendAudit } from '../domain/audit/audit-log.js';
import { grantableScopes, isScope, type Scope } from '../domain/scopes.js';
import { accountsRepository } from '../store/accounts-repository.js';
import { consentGrants } from './consent-grant.js';
import { consentScopes } from './consent-scopes.js';
import { cannotContinue, consentView } from './consent-view.js';
import { interactionEngine } from './interaction-engine.js';
import type { WebDeps } from './web-deps.js';
import { formOf, only, many, single, type WebKit } from './web-kit.js';

/**
 * The hand-off from the authorization server: sign-in confirmation (our web session) and the
 * consent page with tenant choice and per-scope checkboxes. The grant stores exactly what was
 * checked, bound to the chosen tenant.
 */
export function interactionRoutes(app: Hono, deps: WebDeps, kit: WebKit): void {
  const { db, clock } = deps;
  const accounts = accountsRepository(db);
  const grantable = grantableScopes(deps.config.mail.batchEnabled);
  const engine = interactionEngine(deps.provider);
  const consentPage = consentView(deps, kit);
  const saveConsent = consentGrants(deps);

  app.get('/oauth/interaction/:uid', async (c) => {
    const interaction = await engine.details(c);
    if (interaction === undefined)
      return cannotContinue(
        c,
        'This sign-in link expired or belongs to another browser. Start again from the app.',
      );
    const user = await kit.sessions.current(c);
    if (user === undefined)
      return c.redirect(`/login?next=${encodeURIComponent(`/oauth/interaction/${interaction.uid}`)}`, 303);
    if (interaction.prompt.name === 'login') {
      await appendAudit(db, clock, {
        tenantId: null,
        userId: user.userId,
        clientId: interaction.params.client_id,
        action: 'oauth.login',
        decision: 'allowed',
      });
      return engine.finish(c, { login: { accountId: user.userId } });
    }
    if (interaction.session?.accountId !== user.userId)
      return cannotContinue(c, 'You signed in as someone else meanwhile. Start again from the app.');
    return consentPage(c, interaction, user);
  });

  app.post('/oauth/interaction/:uid', async (c) => {
    const form = await formOf(c);
    if (!kit.csrf.verify(c, only(form.csrf)))
      return cannotContinue(c, 'The form expired or came from another site.', 403);
    const interaction = await engine.details(c);
    const user = await kit.sessions.current(c);
    if (interaction === undefined || user === undefined || interaction.prompt.name !== 'consent')
      return cannotContinue(c, 'This request expired. Start again from the app.');
    if (interaction.session?.accountId !== user.userId)
      return cannotContinue(c, 'You signed in as someone else meanwhile.', 403);
    const audit = (tenantId: string | null, decision: string, details: Record<string, unknown>) =>
      appendAudit(db, clock, {
        tenantId,
        userId: user.userId,
        clientId: interaction.params.client_id,
        action: 'oauth.consent',
        decision,
        details,
      });

    if (single(form.decision) !== 'allow') {
      await audit(null, 'denied', {});
      return engine.finish(
        c,
        { error: 'access_denied', error_description: 'The user denied the request.' },
        false,
      );
    }
    const { requested, offered } = consentScopes(interaction, grantable);
    const checked = many(form.scope).filter((s): s is Scope => isScope(s) && offered.includes(s));
    const tenantId = single(form.tenant);
    const memberships = await accounts.membershipsOfUser(user.userId);
    if (tenantId === undefined || !memberships.some((m) => m.tenant_id === tenantId))
      return consentPage(c, interaction, user, 'Choose a tenant.');
    if (checked.length === 0)
      return consentPage(c, interaction, user, 'Choose at least one permission, or Deny.');

    const { grantId, resource } = await saveConsent({
      interaction,
      userId: user.userId,
      tenantId,
      requested,
      checked,
    });
    await audit(tenantId, 'allowed', { grant: grantId, scopes: checked, resource });
    return engine.finish(c, { consent: { grantId } });
  });
}
