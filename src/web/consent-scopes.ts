import type { InteractionDetails } from 'oidc-provider';
import { isScope, type Scope } from '../domain/scopes.js';

/** OpenID scopes a client may ask for beside ours; never shown as a permission checkbox. */
export const IDENTITY_SCOPES = ['openid', 'email', 'profile', 'offline_access'];

/** What the client asked for, and which of our scopes the consent page offers (those it may grant). */
export function consentScopes(
  interaction: InteractionDetails,
  grantable: readonly Scope[],
): { requested: string[]; offered: Scope[] } {
  const requested = (interaction.params.scope ?? '').split(' ');
  return { requested, offered: requested.filter(isScope).filter((scope) => grantable.includes(scope)) };
}
