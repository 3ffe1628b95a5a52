import path from 'node:path';
import type { Config } from './config.js';
import type { DerivedSettings } from './derived.js';
import type { ParsedVariables } from './variables.js';

/** Shapes the validated variables into the `Config` every other module receives. */
export function assemble(
  v: ParsedVariables,
  { auth, issuer, issuerUrl, remote }: DerivedSettings,
  raw: Record<string, string | undefined>,
): Config {
  const dataDir = path.resolve(v.WORKONWARD_DATA_DIR);
  return {
    env: v.WORKONWARD_ENV,
    transport: v.WORKONWARD_MCP_TRANSPORT,
    auth,
    product: { name: v.WORKONWARD_PRODUCT_NAME, nameSet: raw.WORKONWARD_PRODUCT_NAME !== undefined },
    tenant: v.WORKONWARD_MCP_TENANT,
    http: {
      host: v.WORKONWARD_MCP_HOST,
      port: v.WORKONWARD_MCP_PORT,
      allowedHosts: v.WORKONWARD_MCP_ALLOWED_HOSTS,
      allowedOrigins: v.WORKONWARD_MCP_ALLOWED_ORIGINS,
      maxBodyBytes: v.WORKONWARD_MCP_MAX_BODY_BYTES,
      behindProxy: v.WORKONWARD_MCP_BEHIND_PROXY,
      drainMs: v.WORKONWARD_MCP_DRAIN_MS,
      grantCallsPerMinute: v.WORKONWARD_MCP_GRANT_CALLS_PER_MINUTE,
    },
    store: {
      dataDir,
      // A front's default file is its own, so a front pasted into a checkout where embedded mode
      // (`npm start`) left its data starts on an empty store instead of refusing the other tenants.
      url:
        v.WORKONWARD_DATABASE_URL ??
        `sqlite:${path.join(dataDir, remote ? 'front.sqlite' : 'workonward.sqlite')}`,
      runtimeRole: v.WORKONWARD_DATABASE_RUNTIME_ROLE,
    },
    telemetry: telemetryOf(v),
    metricsToken: v.WORKONWARD_METRICS_TOKEN,
    logLevel: v.WORKONWARD_LOG_LEVEL,
    oauth: {
      issuer,
      signingKey: v.WORKONWARD_MCP_OAUTH_SIGNING_KEY,
      previousSigningKey: v.WORKONWARD_MCP_OAUTH_SIGNING_KEY_PREVIOUS,
      allowedEmails: v.WORKONWARD_MCP_OAUTH_ALLOWED_EMAILS,
      firstTenantName: v.WORKONWARD_TENANT_NAME ?? issuerUrl.hostname,
      refreshGraceSeconds: v.WORKONWARD_MCP_OAUTH_REFRESH_GRACE_SECONDS,
    },
    mail: {
      recipientAllowlist: v.WORKONWARD_MCP_RECIPIENT_ALLOWLIST,
      dryRun: v.WORKONWARD_MCP_DRY_RUN,
      smtpUrl: v.WORKONWARD_SMTP_URL,
      from:
        v.WORKONWARD_MAIL_FROM ??
        `${v.WORKONWARD_PRODUCT_NAME} <no-reply@${/^[\d.[\]:]+$/.test(issuerUrl.hostname) ? 'localhost' : issuerUrl.hostname}>`,
      batchEnabled: v.WORKONWARD_MCP_BATCH_SEND,
      batchMax: v.WORKONWARD_MAIL_BATCH_MAX,
      idempotencyHours: v.WORKONWARD_MAIL_IDEMPOTENCY_HOURS,
      ratePerMinute: v.WORKONWARD_MAIL_RATE_PER_MINUTE,
      quotaPerHour: v.WORKONWARD_MAIL_QUOTA_PER_HOUR,
      quotaPerDay: v.WORKONWARD_MAIL_QUOTA_PER_DAY,
      maxAttempts: v.WORKONWARD_MAIL_MAX_ATTEMPTS,
      retryBaseMs: v.WORKONWARD_MAIL_RETRY_BASE_MS,
      retryMaxMs: v.WORKONWARD_MAIL_RETRY_MAX_MS,
      worker: v.WORKONWARD_MAIL_WORKER,
      pollMs: v.WORKONWARD_MAIL_POLL_MS,
      leaseMs: v.WORKONWARD_MAIL_LEASE_MS,
      claimMs: v.WORKONWARD_MAIL_CLAIM_MS,
      fromByTenant: v.WORKONWARD_MAIL_FROM_BY_TENANT ?? {},
    },
    api: { ratePerMinute: v.WORKONWARD_API_RATE_PER_MINUTE },
    ping8: {
      baseUrl: v.WORKONWARD_BASE_URL,
      apiKey: v.WORKONWARD_API_KEY,
      timeoutMs: v.WORKONWARD_BACKEND_TIMEOUT_MS,
    },
  };
}

/** Traces go to the traces endpoint, else to `<OTLP endpoint>/v1/traces`, unless the SDK is disabled. */
function telemetryOf(v: ParsedVariables): Config['telemetry'] {
  return {
    tracesEndpoint: v.OTEL_SDK_DISABLED
      ? undefined
      : (v.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ??
        (v.OTEL_EXPORTER_OTLP_ENDPOINT === undefined
          ? undefined
          : `${v.OTEL_EXPORTER_OTLP_ENDPOINT.replace(/\/+$/, '')}/v1/traces`)),
    headers: Object.fromEntries(
      (v.OTEL_EXPORTER_OTLP_HEADERS ?? []).map((pair) => {
        const at = pair.indexOf('=');
        return [pair.slice(0, at).trim(), decodeURIComponent(pair.slice(at + 1).trim())];
      }),
    ),
    serviceName: v.OTEL_SERVICE_NAME,
    sampleRatio: v.OTEL_TRACES_SAMPLER_ARG,
    exportDelayMs: v.OTEL_BSP_SCHEDULE_DELAY,
  };
}
