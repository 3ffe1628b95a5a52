import type { OAuthDiscoveryState } from '@modelcontextprotocol/client';
import { MemoryOAuthProvider } from '../../oauth/support/sdk-oauth-provider.js';
import { formField, type UserAgent } from '../../oauth/support/user-agent.js';

/** Where ChatGPT's connector platform receives the authorization code. */
export const CHATGPT_REDIRECT = 'https://chatgpt.com/connector_platform_oauth_redirect';

/**
 * The official SDK client's OAuth hooks set up the way ChatGPT registers a custom connector: DCR
 * as a confidential web client (`client_secret_post`) redirecting to chatgpt.com, and the SDK's
 * recovery hook — an `invalid_client` makes it drop the registration and register again, as
 * ChatGPT does after a server forgot it. `registrations` counts the client ids it was given.
 */
export class ChatGptConnector extends MemoryOAuthProvider {
  registrations = 0;
  private discovery: OAuthDiscoveryState | undefined;

  constructor() {
    super(CHATGPT_REDIRECT, 'ChatGPT');
  }

  override get clientMetadata() {
    return { ...super.clientMetadata, token_endpoint_auth_method: 'client_secret_post' };
  }

  override saveClientInformation(info: Parameters<MemoryOAuthProvider['saveClientInformation']>[0]) {
    if (info.client_id !== this.savedClient?.client_id) this.registrations += 1;
    super.saveClientInformation(info);
  }

  saveDiscoveryState(state: OAuthDiscoveryState) {
    this.discovery = state;
  }

  discoveryState() {
    return this.discovery;
  }

  invalidateCredentials(scope: 'all' | 'client' | 'tokens' | 'verifier' | 'discovery') {
    if (scope === 'all' || scope === 'client') this.savedClient = undefined;
    if (scope === 'all' || scope === 'tokens') this.savedTokens = undefined;
    if (scope === 'all' || scope === 'verifier') this.verifier = '';
    if (scope === 'all' || scope === 'discovery') this.discovery = undefined;
  }
}

/**
 * The person's part in the browser, on the real pages: open the authorization URL, sign in with
 * the code `readCode` finds in the mail, and allow `scopes` on the consent page. Returns the
 * consent page's text and the query ChatGPT's redirect URI receives.
 */
export async function signInAndAllow(
  ua: UserAgent,
  authorizationUrl: URL,
  options: { email: string; scopes: string[]; readCode: () => Promise<string> },
): Promise<{ consentPage: string; callback: URLSearchParams }> {
  let { response, url } = await ua.follow(await ua.get(authorizationUrl.toString()));
  if (new URL(url).pathname === '/login') {
    const page = await response.text();
    const csrf = formField(page, 'csrf');
    const next = new URL(url).searchParams.get('next') ?? '';
    const sent = await ua.post('/login', { csrf, next, email: options.email });
    if (sent.status !== 200) throw new Error(`sign-in page answered ${sent.status}`);
    const code = await options.readCode();
    ({ response, url } = await ua.follow(
      await ua.post('/login/verify', { csrf, next, email: options.email, code }),
    ));
  }
  if (!url.includes('/oauth/interaction/'))
    throw new Error(`expected the consent page, got ${response.status} ${url}`);
  const consentPage = await response.text();
  const tenant = /name="tenant" value="([^"]+)"/.exec(consentPage)?.[1] ?? '';
  const back = await ua.follow(
    await ua.post(new URL(url).pathname, {
      csrf: formField(consentPage, 'csrf'),
      tenant,
      scope: options.scopes,
      decision: 'allow',
    }),
  );
  if (!back.url.startsWith(CHATGPT_REDIRECT))
    throw new Error(`no redirect to ChatGPT (${back.response.status}) ${back.url}`);
  return { consentPage, callback: new URL(back.url).searchParams };
}
