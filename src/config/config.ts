/** The validated, frozen configuration every other module receives. Only `config/` reads the environment. */
export interface Config {
  readonly env: 'development' | 'production';
  readonly transport: 'stdio' | 'http';
  readonly auth: 'none' | 'oauth';
  /** The product name people see; `nameSet` says whether the operator chose it (a front otherwise takes its backend’s). */
  readonly product: { readonly name: string; readonly nameSet: boolean };
  /** Tenant slug served when `auth` is `none`. */
  readonly tenant: string | undefined;
  readonly http: {
    readonly host: string;
    readonly port: number;
    readonly allowedHosts: readonly string[] | undefined;
    readonly allowedOrigins: readonly string[] | undefined;
    readonly maxBodyBytes: number;
    readonly behindProxy: boolean;
    /** SIGTERM: milliseconds of 503 on /readyz before the listener closes. */
    readonly drainMs: number;
    /** MCP tool calls per OAuth grant per sliding minute. */
    readonly grantCallsPerMinute: number;
  };
  readonly store: {
    readonly dataDir: string;
    /** `postgres://…` or `sqlite:/path`; resolved from `dataDir` when unset. */
    readonly url: string;
    /** PostgreSQL: the role tenant requests run as (row-level security binds it). */
    readonly runtimeRole: string;
  };
  /** OpenTelemetry traces (standard `OTEL_*` variables). */
  readonly telemetry: {
    /** OTLP/HTTP traces URL; undefined = no tracing. */
    readonly tracesEndpoint: string | undefined;
    readonly headers: Readonly<Record<string, string>>;
    readonly serviceName: string;
    readonly sampleRatio: number;
    readonly exportDelayMs: number;
  };
  /** Bearer token of `GET /metrics`; undefined = no metrics. */
  readonly metricsToken: string | undefined;
  readonly logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  readonly oauth: {
    /** Public origin: issuer and base of the MCP resource URLs. */
    readonly issuer: string;
    readonly signingKey: string | undefined;
    /** WORKONWARD_MCP_OAUTH_SIGNING_KEY_PREVIOUS: still opens and verifies what it made. */
    readonly previousSigningKey: string | undefined;
    readonly allowedEmails: readonly string[];
    /** WORKONWARD_TENANT_NAME, else the issuer's host: the tenant an empty store gets at first start. */
    readonly firstTenantName: string;
    /** Refresh-token reuse grace window (A12), 0–60 s. */
    readonly refreshGraceSeconds: number;
  };
  readonly mail: {
    readonly recipientAllowlist: string | undefined;
    readonly dryRun: boolean;
    /** SMTP URL; undefined means the dev mailbox keeps every message. */
    readonly smtpUrl: string | undefined;
    readonly from: string;
    /** `send_batch_email` is offered only when true. */
    readonly batchEnabled: boolean;
    readonly batchMax: number;
    readonly idempotencyHours: number;
    readonly ratePerMinute: number;
    /** Undefined: no hourly quota. */
    readonly quotaPerHour: number | undefined;
    readonly quotaPerDay: number;
    readonly maxAttempts: number;
    readonly retryBaseMs: number;
    readonly retryMaxMs: number;
    readonly worker: boolean;
    readonly pollMs: number;
    readonly leaseMs: number;
    readonly claimMs: number;
    /** Sender per tenant slug, overriding `from`. */
    readonly fromByTenant: Readonly<Record<string, string>>;
  };
  readonly api: {
    /** `/api/v1` calls per API key per sliding minute. */
    readonly ratePerMinute: number;
  };
  /** Remote backend mode: both set, every tool is served by the deployment at `baseUrl`. */
  readonly ping8: {
    readonly baseUrl: string | undefined;
    readonly apiKey: string | undefined;
    /** Per backend call attempt. */
    readonly timeoutMs: number;
  };
}
