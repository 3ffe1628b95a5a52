import type { Context, Hono } from 'hono';
import { errors, type InteractionDetails } from 'oidc-provider';
import { appendAudit } from '../domain/audit/audit-log.js';
import { grantableScopes, isScope, SCOPES, type Scope } from '../domain/scopes.js';
import { connectionsRepository } from '../oauth/connections.js';
import { nodeBindings } from '../oauth/oauth-routes.js';
import { isLoopbackHttp, redirectHost } from '../oauth/redirect-uris.js';
import { normalizeResource } from '../oauth/resources.js';
import { accountsRepository } from '../store/accounts-repository.js';
import { ConsentPage } from './consent-page.js';
import { MessagePage } from './sign-in-pages.js';
import type { WebDeps } from './web-deps.js';
import { formOf, only, many, single, type WebKit } from './web-kit.js';
import type { WebUser } from './web-sessions.js';

const IDENTITY_SCOPES = ['openid', 'email', 'profile', 'offline_access'];

/**
 * The hand-off from the authorization server: sign-in confirmation (our web session) and the
 * consent page with tenant choice and per-scope checkboxes. The grant stores exactly what was
 * checked, bound to the chosen tenant.
 */
export function interactionRoutes(app: Hono, deps: WebDeps, kit: WebKit): void {
  const { provider, db, clock } = deps;
  const accounts = accountsRepository(db);
  const connections = connectionsRepository(db);
  const grantable = grantableScopes(deps.config.mail.batchEnabled);
  const problem = (c: Context, message: string, status: 400 | 403 = 400) =>
    c.html(<MessagePage title="Cannot continue" message={message} />, status);

  const details = async (c: Context): Promise<InteractionDetails | undefined> => {
    const { incoming, outgoing } = nodeBindings(c);
    try {
      const found = await provider.interactionDetails(incoming, outgoing);
      return found.uid === c.req.param('uid') ? found : undefined;
    } catch (error) {
      // No cookie, or an interaction that expired or never was: the user's to restart. Anything
      // else (the database) is our fault and must not read as "your link expired".
      if (error instanceof errors.SessionNotFound) return undefined;
      throw error;
    }
  };
  const finish = async (c: Context, result: Record<string, unknown>, merge = true) => {
    const { incoming, outgoing } = nodeBindings(c);
    const returnTo = await provider.interactionResult(incoming, outgoing, result, {
      mergeWithLastSubmission: merge,
    });
    return c.redirect(returnTo, 303);
  };

  const consentView = async (c: Context, interaction: InteractionDetails, user: WebUser, error?: string) => {
    const client = await provider.Client.find(interaction.params.client_id);
    if (client === undefined) return problem(c, 'The app is no longer registered. Start again from the app.');
    const requested = (interaction.params.scope ?? '').split(' ');
    const offered = requested.filter(isScope).filter((scope) => grantable.includes(scope));
    const memberships = await accounts.membershipsOfUser(user.userId);
    const redirectUri = interaction.params.redirect_uri ?? client.redirectUris[0] ?? '';
    return c.html(
      <ConsentPage
        uid={interaction.uid}
        user={{ email: user.email, csrf: kit.csrf.token(c) }}
        clientName={client.clientName ?? client.clientId}
        clientId={client.clientId}
        redirectHost={redirectHost(redirectUri)}
        metadataDocument={client.clientIdMetadataDocument === true}
        localhostOnly={client.redirectUris.every((u) => URL.parse(u) !== null && isLoopbackHttp(new URL(u)))}
        tenants={memberships.map((m) => ({ id: m.tenant_id, name: m.name }))}
        selectedTenant={user.tenantId ?? memberships[0]?.tenant_id}
        scopes={offered.map((scope) => ({ scope, checked: ['low', 'medium'].includes(SCOPES[scope].risk) }))}
        identity={requested.some((s) => IDENTITY_SCOPES.includes(s) && s !== 'offline_access')}
        error={error}
      />,
      error === undefined ? 200 : 400,
    );
  };

  app.get('/oauth/interaction/:uid', async (c) => {
    const interaction = await details(c);
    if (interaction === undefined)
      return problem(c, 'This sign-in link expired or belongs to another browser. Start again from the app.');
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
      return finish(c, { login: { accountId: user.userId } });
    }
    if (interaction.session?.accountId !== user.userId)
      return problem(c, 'You signed in as someone else meanwhile. Start again from the app.');
    return consentView(c, interaction, user);
  });

  app.post('/oauth/interaction/:uid', async (c) => {
    const form = await formOf(c);
    if (!kit.csrf.verify(c, only(form.csrf)))
      return problem(c, 'The form expired or came from another site.', 403);
    const interaction = await details(c);
    const user = await kit.sessions.current(c);
    if (interaction === undefined || user === undefined || interaction.prompt.name !== 'consent')
      return problem(c, 'This request expired. Start again from the app.');
    if (interaction.session?.accountId !== user.userId)
      return problem(c, 'You signed in as someone else meanwhile.', 403);
    const clientId = interaction.params.client_id;
    const audit = (tenantId: string | null, decision: string, details: Record<string, unknown>) =>
      appendAudit(db, clock, {
        tenantId,
        userId: user.userId,
        clientId,
        action: 'oauth.consent',
        decision,
        details,
      });

    if (single(form.decision) !== 'allow') {
      await audit(null, 'denied', {});
      return finish(c, { error: 'access_denied', error_description: 'The user denied the request.' }, false);
    }
    const requested = (interaction.params.scope ?? '').split(' ');
    const offered = requested.filter(isScope).filter((scope) => grantable.includes(scope));
    const checked = many(form.scope).filter((s): s is Scope => isScope(s) && offered.includes(s));
    const tenantId = single(form.tenant);
    const memberships = await accounts.membershipsOfUser(user.userId);
    if (tenantId === undefined || !memberships.some((m) => m.tenant_id === tenantId))
      return consentView(c, interaction, user, 'Choose a tenant.');
    if (checked.length === 0)
      return consentView(c, interaction, user, 'Choose at least one permission, or Deny.');

    const resourceParam = interaction.params.resource;
    const resource = normalizeResource(
      typeof resourceParam === 'string'
        ? resourceParam
        : Array.isArray(resourceParam)
          ? String(resourceParam[0])
          : `${deps.config.oauth.issuer}/mcp`,
    );
    const grant = new provider.Grant({ accountId: user.userId, clientId });
    grant.addResourceScope(typeof resourceParam === 'string' ? resourceParam : resource, checked.join(' '));
    // Every requested scope not granted is refused, offered or not: one left undecided (e.g.
    // email:send_batch while batch sending is off) would send the engine back to consent forever.
    const unchecked = requested.filter(isScope).filter((s) => !checked.includes(s));
    if (unchecked.length > 0)
      grant.rejectResourceScope(
        typeof resourceParam === 'string' ? resourceParam : resource,
        unchecked.join(' '),
      );
    // The engine also checks our scopes as provider scopes: record the same decision there.
    const identity = requested.filter((s) => IDENTITY_SCOPES.includes(s));
    grant.addOIDCScope([...identity, ...checked].join(' '));
    if (unchecked.length > 0) grant.rejectOIDCScope(unchecked.join(' '));
    const grantId = await grant.save();
    const client = await provider.Client.find(clientId);
    await connections.create({
      grant_id: grantId,
      user_id: user.userId,
      tenant_id: tenantId,
      client_id: clientId,
      client_name: client?.clientName ?? clientId,
      redirect_host: redirectHost(interaction.params.redirect_uri ?? ''),
      scopes: checked.join(' '),
      created_at: clock.now().toISOString(),
    });
    await audit(tenantId, 'allowed', { grant: grantId, scopes: checked, resource });
    return finish(c, { consent: { grantId } });
  });
}
