import type { KoaContextWithOIDC, Provider } from 'oidc-provider';
import engineInternals from 'oidc-provider/lib/helpers/weak_cache.js';

/** How the engine runs one grant at the token endpoint, after it has authenticated the client. */
export type GrantHandler = (ctx: KoaContextWithOIDC) => Promise<void>;

/**
 * Wraps the engine's own handler for `grantType`, keeping its parameters. The engine has no public
 * hook between client authentication and the grant (registerGrantType replaces a handler but
 * cannot reach the one it replaces), so this reads the handler table through the engine's internal
 * accessor: the one place that does. It throws at start-up if the engine changes shape, and the
 * refresh-grace tests fail with it.
 */
export function wrapGrantHandler(
  provider: Provider,
  grantType: string,
  wrap: (engine: GrantHandler) => GrantHandler,
): void {
  const handlers = engineInternals(provider)?.grantTypeHandlers;
  const engine = handlers?.get(grantType);
  if (handlers === undefined || engine === undefined)
    throw new Error(`oidc-provider has no ${grantType} grant handler to wrap (engine internals changed)`);
  handlers.set(grantType, wrap(engine));
}
