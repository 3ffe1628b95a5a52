import type { Provider } from 'oidc-provider';
import { isScope, type Scope } from '../domain/scopes.js';

/**
 * Narrows the engine's own grant to the scopes a connection still holds (issue 9, finding 12).
 * Access is already decided by the connection (the token verifier and introspection intersect
 * with it), but the engine issues refreshed tokens, and states their `scope` in the token
 * response, from its grant: without this, a refresh after narrowing under Settings → Developer →
 * Connected apps answered with the removed scopes. The engine computes every later token's scope
 * as the grant's scope less what it rejected, so rejecting the removed scopes narrows them all.
 */
export async function narrowEngineGrant(
  provider: Provider,
  grantId: string,
  kept: readonly Scope[],
): Promise<void> {
  const grant = await provider.Grant.find(grantId);
  if (grant === undefined) return;
  let changed = false;
  for (const resource of Object.keys(grant.resources ?? {})) {
    const removed = grant
      .getResourceScope(resource)
      .split(' ')
      .filter((scope) => isScope(scope) && !kept.includes(scope));
    if (removed.length === 0) continue;
    grant.rejectResourceScope(resource, removed.join(' '));
    changed = true;
  }
  if (changed) await grant.save();
}
