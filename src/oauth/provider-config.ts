import type { JWK } from 'jose';
import type { Kysely } from 'kysely';
import type { Adapter, KoaContextWithOIDC } from 'oidc-provider';
import { ALL_SCOPES } from '../domain/scopes.js';
import type { Clock } from '../lib/clock.js';
import type { KeyRing } from '../lib/secrets.js';
import { accountsRepository } from '../store/accounts-repository.js';
import type { Database } from '../store/schema.js';
import { errorPage } from './error-page.js';
import { interactionPrompts } from './interaction-prompts.js';
import { type ClientLike, engineFeatures } from './provider-features.js';
import { tokenLifetimes } from './token-lifetimes.js';

export interface ProviderSettings {
  readonly issuer: string;
  readonly db: Kysely<Database>;
  readonly keys: KeyRing;
  readonly jwks: { keys: JWK[] };
  readonly adapter: (model: string) => Adapter;
  readonly clock: Clock;
  /** The fetch used for Client ID Metadata Documents (SSRF-hardened; tests inject a fixture-aware one). */
  readonly fetch: (url: string, options: RequestInit) => Promise<Response>;
}

export const OIDC_SCOPES = ['openid', 'email', 'profile'] as const;

/** Every engine endpoint under /oauth/, including the ones whose features stay off. */
const ENGINE_ROUTES = {
  authorization: '/oauth/authorize',
  token: '/oauth/token',
  registration: '/oauth/register',
  revocation: '/oauth/revoke',
  introspection: '/oauth/introspect',
  jwks: '/oauth/jwks',
  userinfo: '/oauth/userinfo',
  end_session: '/oauth/logout',
  pushed_authorization_request: '/oauth/par',
  code_verification: '/oauth/device',
  device_authorization: '/oauth/device/auth',
  backchannel_authentication: '/oauth/backchannel',
  challenge: '/oauth/challenge',
  credential: '/oauth/credential',
};

/**
 * The engine's cookies are path-scoped (an interaction's own path), so `__Host-` is impossible;
 * over https they are `__Secure-` prefixed, which a plain-http page can neither set nor overwrite.
 */
function engineCookieNames(issuer: string) {
  const prefix = new URL(issuer).protocol === 'https:' ? '__Secure-' : '';
  return {
    session: `${prefix}wo_oauth_session`,
    interaction: `${prefix}wo_interaction`,
    resume: `${prefix}wo_interaction_resume`,
  };
}

/** oidc-provider configuration: only policy here, the protocol is the engine's. */
export function providerConfiguration(settings: ProviderSettings): Record<string, unknown> {
  const { issuer, db } = settings;
  return {
    adapter: settings.adapter,
    jwks: settings.jwks,
    fetch: settings.fetch,
    fetchResponseBodyLimits: {
      'client_id metadata document': 16 * 1024,
      jwks_uri: 64 * 1024,
      sector_identifier_uri: 16 * 1024,
    },
    routes: ENGINE_ROUTES,
    // Our scopes are listed here too (discovery, and the `scope` clients send at registration or in
    // metadata documents must validate); consent records them on both sides of the grant.
    scopes: ['openid', 'offline_access', 'email', 'profile', ...ALL_SCOPES],
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
    responseTypes: ['code'],
    clientAuthMethods: ['none', 'client_secret_basic', 'client_secret_post', 'private_key_jwt'],
    clientDefaults: {
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'none',
      id_token_signed_response_alg: 'RS256',
    },
    allowOmittingSingleRegisteredRedirectUri: false,
    pkce: { required: () => true },
    cookies: {
      // The first key signs; a previous signing key's still verifies (a key change signs no one out).
      keys: settings.keys.deriveAll('oauth/cookies').map((key) => key.toString('base64url')),
      names: engineCookieNames(issuer),
      long: { httpOnly: true, sameSite: 'lax' },
      short: { httpOnly: true, sameSite: 'lax' },
    },
    ttl: tokenLifetimes(settings.clock),
    rotateRefreshToken: true,
    // A.12: Claude and ChatGPT never ask for offline_access; every code-flow client may refresh.
    issueRefreshToken: (_ctx: unknown, client: ClientLike) =>
      Promise.resolve(client.grantTypeAllowed('refresh_token')),
    // Never reuse an earlier grant of the browser session: each authorization gets its own consent.
    loadExistingGrant: (ctx: {
      oidc: {
        result?: { consent?: { grantId?: string } };
        provider: { Grant: { find(id: string): Promise<unknown> } };
      };
    }) => {
      const grantId = ctx.oidc.result?.consent?.grantId;
      return grantId === undefined ? Promise.resolve(undefined) : ctx.oidc.provider.Grant.find(grantId);
    },
    interactions: {
      url: (_ctx: unknown, interaction: { uid: string }) => `/oauth/interaction/${interaction.uid}`,
      policy: interactionPrompts(),
    },
    findAccount: async (_ctx: unknown, sub: string) => {
      const user = await accountsRepository(db).findUserById(sub);
      if (user === undefined) return undefined;
      return {
        accountId: user.id,
        claims: () => ({ sub: user.id, email: user.email, email_verified: true, name: user.name }),
      };
    },
    renderError: (ctx: KoaContextWithOIDC, out: Record<string, string>) => {
      ctx.set('Content-Type', 'text/html; charset=utf-8');
      ctx.body = errorPage(
        out.error ?? 'error',
        out.error_description ?? 'The request could not be processed.',
      );
    },
    clientBasedCORS: () => true,
    features: engineFeatures(issuer),
  };
}
