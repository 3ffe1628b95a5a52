/**
 * The part of `oidc-provider` 9.x (untyped JavaScript) this project uses, typed narrowly. Options
 * are passed as a plain object and checked by the engine at construction.
 */
declare module 'oidc-provider' {
  import type { IncomingMessage, ServerResponse } from 'node:http';

  export type AdapterPayload = Record<string, unknown> & {
    grantId?: string;
    uid?: string;
    userCode?: string;
    consumed?: number;
    jti?: string;
  };

  export interface Adapter {
    upsert(id: string, payload: AdapterPayload, expiresIn: number | undefined): Promise<void>;
    find(id: string): Promise<AdapterPayload | undefined>;
    findByUid(uid: string): Promise<AdapterPayload | undefined>;
    findByUserCode(userCode: string): Promise<AdapterPayload | undefined>;
    consume(id: string): Promise<void>;
    destroy(id: string): Promise<void>;
    revokeByGrantId(grantId: string): Promise<void>;
  }

  /** The Koa context the engine hands to configuration hooks and middleware (only what we read). */
  export interface KoaContextWithOIDC {
    method: string;
    path: string;
    ip: string;
    status: number;
    body: unknown;
    headers: Record<string, string | string[] | undefined>;
    req: IncomingMessage;
    res: ServerResponse;
    request: { body?: Record<string, unknown> };
    set(name: string, value: string): void;
    oidc?: {
      route?: string;
      client?: { clientId: string; clientName?: string; redirectUris?: string[] };
      params?: Record<string, unknown>;
      result?: { login?: unknown; consent?: unknown };
      entities: Record<string, unknown>;
      session?: { accountId?: string };
    };
  }

  export type Middleware = (ctx: KoaContextWithOIDC, next: () => Promise<void>) => Promise<void>;

  export interface InteractionDetails {
    uid: string;
    prompt: { name: string; reasons: string[]; details: Record<string, unknown> };
    params: Record<string, unknown> & { client_id: string; redirect_uri?: string; scope?: string };
    session?: { accountId?: string };
    lastSubmission?: Record<string, unknown>;
    grantId?: string;
  }

  export interface GrantInstance {
    accountId: string;
    clientId: string;
    jti: string;
    /** Granted scopes by resource indicator, space-separated. */
    resources?: Record<string, string>;
    addOIDCScope(scope: string): void;
    addResourceScope(resource: string, scope: string): void;
    rejectResourceScope(resource: string, scope: string): void;
    rejectOIDCScope(scope: string): void;
    getResourceScope(resource: string): string;
    save(): Promise<string>;
  }

  export interface ClientInstance {
    clientId: string;
    clientName?: string;
    redirectUris: string[];
    clientIdMetadataDocument?: boolean;
    scope?: string;
  }

  export class Provider {
    constructor(issuer: string, configuration: Record<string, unknown>);
    readonly issuer: string;
    proxy: boolean;
    callback(): (req: IncomingMessage, res: ServerResponse) => void;
    use(middleware: Middleware): void;
    on(event: string, listener: (...args: never[]) => void): void;
    interactionDetails(req: IncomingMessage, res: ServerResponse): Promise<InteractionDetails>;
    interactionResult(
      req: IncomingMessage,
      res: ServerResponse,
      result: Record<string, unknown>,
      options?: { mergeWithLastSubmission?: boolean },
    ): Promise<string>;
    Grant: {
      new (input: { accountId: string; clientId: string }): GrantInstance;
      find(id: string): Promise<GrantInstance | undefined>;
    };
    Client: { find(id: string): Promise<ClientInstance | undefined> };
  }

  export class OIDCProviderError extends Error {
    constructor(status: number, message: string);
    error: string;
    error_description: string;
    status: number;
  }

  export const errors: {
    InvalidGrant: new (description?: string) => OIDCProviderError;
    InvalidTarget: new (description?: string) => OIDCProviderError;
    InvalidClient: new (description?: string) => OIDCProviderError;
    InvalidClientMetadata: new (description?: string) => OIDCProviderError;
    InvalidRedirectUri: new (description?: string) => OIDCProviderError;
    SessionNotFound: new (description?: string) => OIDCProviderError;
    OIDCProviderError: typeof OIDCProviderError;
  };

  type CheckResult = boolean;
  export interface Check {
    readonly reason: string;
  }
  export interface CheckConstructor {
    new (
      reason: string,
      description: string,
      check: (ctx: KoaContextWithOIDC) => CheckResult | Promise<CheckResult>,
    ): Check;
    readonly REQUEST_PROMPT: true;
    readonly NO_NEED_TO_PROMPT: false;
  }
  export interface Prompt {
    name: string;
    checks: Check[] & { add?: never };
  }
  export const interactionPolicy: {
    Check: CheckConstructor;
    base(): Prompt[] & { get(name: string): Prompt | undefined };
  };

  // eslint-disable-next-line no-restricted-syntax -- the engine's own default export
  export default Provider;
}

/** The engine's per-instance internals (see src/oauth/engine-grant-handler.ts, the only user). */
declare module 'oidc-provider/lib/helpers/weak_cache.js' {
  import type { KoaContextWithOIDC, Provider } from 'oidc-provider';

  interface EngineInternals {
    grantTypeHandlers?: Map<string, (ctx: KoaContextWithOIDC) => Promise<void>>;
  }

  // eslint-disable-next-line no-restricted-syntax -- the engine's own default export
  export default function get(provider: Provider): EngineInternals | undefined;
}
