import type { OAuthClientProvider, OAuthDiscoveryState } from '@modelcontextprotocol/client';
import { formField, type UserAgent } from '../../oauth/support/user-agent.js';

type Tokens = Awaited<ReturnType<OAuthClientProvider['tokens']>>;
type ClientInfo = Awaited<ReturnType<OAuthClientProvider['clientInformation']>>;

/** Where ChatGPT's connector platform receives the authorization code. */
export const CHATGPT_REDIRECT = 'https://chatgpt.com/connector_platform_oauth_redirect';

/**
 * The official SDK client's OAuth hooks set up the way ChatGPT registers a custom connector: DCR
 * as a confidential web client (`client_secret_post`) redirecting to chatgpt.com, and the SDK's
 * recovery hook — an `invalid_client` makes it drop the registration and register again, as
 * ChatGPT does after a server forgot it. `registrations` counts the client ids it was given.
 */
export class ChatGptConnector implements OAuthClientProvider {
  authorizationUrl: URL | undefined;
  registrations = 0;
  private savedTokens: Tokens;
  private savedClient: ClientInfo;
  private verifier = '';
  private discovery: OAuthDiscoveryState | undefined;

  get redirectUrl() {
    return CHATGPT_REDIRECT;
  }

  get clientMetadata() {
    return {
      client_name: 'ChatGPT',
      redirect_uris: [CHATGPT_REDIRECT],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_post',
    };
  }

  clientInformation() {
    return this.savedClient;
  }

  saveClientInformation(info: NonNullable<ClientInfo>) {
    if (info.client_id !== this.savedClient?.client_id) this.registrations += 1;
    this.savedClient = info;
  }

  tokens() {
    return this.savedTokens;
  }

  saveTokens(tokens: NonNullable<Tokens>) {
    this.savedTokens = tokens;
  }

  redirectToAuthorization(url: URL) {
    this.authorizationUrl = url;
  }

  saveCodeVerifier(verifier: string) {
    this.verifier = verifier;
  }

  codeVerifier() {
    return this.verifier;
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
