import { interactionPolicy } from 'oidc-provider';

/**
 * Always ask: a login confirmation from our own web session and a consent decision on every new
 * authorization (a new client, a new tenant choice or new scopes each need the user). The engine
 * re-runs the policy after each interaction; a submitted result satisfies its check.
 */
export function interactionPrompts() {
  const { Check } = interactionPolicy;
  const prompts = interactionPolicy.base();
  prompts
    .get('login')
    ?.checks.push(
      new Check('web_session', 'sign-in confirmation required', (ctx) =>
        ctx.oidc?.result?.login === undefined ? Check.REQUEST_PROMPT : Check.NO_NEED_TO_PROMPT,
      ),
    );
  prompts
    .get('consent')
    ?.checks.push(
      new Check('per_authorization_consent', 'consent required', (ctx) =>
        ctx.oidc?.result?.consent === undefined ? Check.REQUEST_PROMPT : Check.NO_NEED_TO_PROMPT,
      ),
    );
  return prompts;
}
