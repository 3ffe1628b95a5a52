import type { InteractionDetails } from 'oidc-provider';
import { isScope, type Scope } from '../domain/scopes.js';
import { connectionsRepository } from '../oauth/connections.js';
import { redirectHost } from '../oauth/redirect-uris.js';
import { normalizeResource } from '../oauth/resources.js';
import { IDENTITY_SCOPES } from './consent-scopes.js';
import type { WebDeps } from './web-deps.js';

/** What the user decided on the consent page, already checked against the offer and their tenants. */
export interface ConsentDecision {
  readonly interaction: InteractionDetails;
  readonly userId: string;
  readonly tenantId: string;
  readonly requested: readonly string[];
  readonly checked: readonly Scope[];
}

/**
 * Stores the grant with exactly the checked scopes and the connection row binding it to the chosen
 * tenant. Returns the grant id and the resource it is for.
 */
export function consentGrants(deps: Pick<WebDeps, 'provider' | 'db' | 'clock' | 'config'>) {
  const { provider, clock } = deps;
  const connections = connectionsRepository(deps.db);
  return async (decision: ConsentDecision): Promise<{ grantId: string; resource: string }> => {
    const { interaction, userId, tenantId, requested, checked } = decision;
    const clientId = interaction.params.client_id;
    const resourceParam = interaction.params.resource;
    const resource = normalizeResource(
      typeof resourceParam === 'string'
        ? resourceParam
        : Array.isArray(resourceParam)
          ? String(resourceParam[0])
          : `${deps.config.oauth.issuer}/mcp`,
    );
    const grant = new provider.Grant({ accountId: userId, clientId });
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
      user_id: userId,
      tenant_id: tenantId,
      client_id: clientId,
      client_name: client?.clientName ?? clientId,
      redirect_host: redirectHost(interaction.params.redirect_uri ?? ''),
      scopes: checked.join(' '),
      created_at: clock.now().toISOString(),
    });
    return { grantId, resource };
  };
}
