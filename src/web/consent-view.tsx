import type { Context } from 'hono';
import type { InteractionDetails } from 'oidc-provider';
import { grantableScopes, SCOPES } from '../domain/scopes.js';
import { isLoopbackHttp, redirectHost } from '../oauth/redirect-uris.js';
import { accountsRepository } from '../store/accounts-repository.js';
import { ConsentPage } from './consent-page.js';
import { consentScopes, IDENTITY_SCOPES } from './consent-scopes.js';
import { MessagePage } from './sign-in-pages.js';
import type { WebDeps } from './web-deps.js';
import type { WebKit } from './web-kit.js';
import type { WebUser } from './web-sessions.js';

/** The page for an interaction that cannot go on; the user starts again from the app. */
export function cannotContinue(c: Context, message: string, status: 400 | 403 = 400) {
  return c.html(<MessagePage title="Cannot continue" message={message} />, status);
}

/**
 * The consent page: the client, where it sends the browser, the user's tenants and a checkbox per
 * offered scope (low and medium risk checked), with `error` (400) when a submission was incomplete.
 */
export function consentView(deps: Pick<WebDeps, 'provider' | 'db' | 'config'>, kit: Pick<WebKit, 'csrf'>) {
  const accounts = accountsRepository(deps.db);
  const grantable = grantableScopes(deps.config.mail.batchEnabled);
  return async (c: Context, interaction: InteractionDetails, user: WebUser, error?: string) => {
    const client = await deps.provider.Client.find(interaction.params.client_id);
    if (client === undefined)
      return cannotContinue(c, 'The app is no longer registered. Start again from the app.');
    const { requested, offered } = consentScopes(interaction, grantable);
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
}
