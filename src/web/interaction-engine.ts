import type { Context } from 'hono';
import { errors, type InteractionDetails, type Provider } from 'oidc-provider';
import { nodeBindings } from '../oauth/oauth-routes.js';

/** The authorization server's side of an interaction: read the one in progress, hand a result back. */
export function interactionEngine(provider: Provider) {
  return {
    /** The interaction of the browser's cookie, when it is the one named in the path. */
    async details(c: Context): Promise<InteractionDetails | undefined> {
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
    },
    /** Gives the engine the outcome and redirects the browser to where it continues. */
    async finish(c: Context, result: Record<string, unknown>, merge = true): Promise<Response> {
      const { incoming, outgoing } = nodeBindings(c);
      const returnTo = await provider.interactionResult(incoming, outgoing, result, {
        mergeWithLastSubmission: merge,
      });
      return c.redirect(returnTo, 303);
    },
  };
}
