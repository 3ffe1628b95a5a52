import path from 'node:path';
import ipaddr from 'ipaddr.js';
import type { z } from 'zod';
import type { Config } from './config.js';
import { type VariableName, type VariableSpec, variables } from './variables.js';

/** Thrown with every configuration problem at once, each naming its variable and its fix. */
export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(
      `Invalid configuration (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n- ${problems.join('\n- ')}`,
    );
    this.name = 'ConfigError';
  }
}

/**
 * `localhost` or an IP literal in a loopback range. A name that merely starts with `127.`
 * (`127.0.0.1.evil.com`) is a DNS name that can resolve anywhere, so it is not loopback.
 */
export function isLoopbackHost(host: string): boolean {
  const bare = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  if (bare.toLowerCase() === 'localhost') return true;
  return ipaddr.isValid(bare) && ipaddr.process(bare).range() === 'loopback';
}

type Parsed = { [K in VariableName]: z.output<(typeof variables)[K]['schema']> };

/** Reads the `WORKONWARD_*` environment, reporting every problem at once. Empty strings count as unset. */
export function loadConfig(env: Readonly<Record<string, string | undefined>> = process.env): Config {
  const raw = Object.fromEntries(
    Object.keys(variables).map((name) => [name, env[name] === '' ? undefined : env[name]]),
  );
  const problems: string[] = [];
  const values: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(variables) as [VariableName, VariableSpec][]) {
    const result = spec.schema.safeParse(raw[name]);
    if (result.success) {
      values[name] = result.data;
      continue;
    }
    const shown = spec.secret === true ? '' : ` (got ${JSON.stringify(raw[name])})`;
    for (const issue of result.error.issues)
      problems.push(`${name}: ${issue.message}${shown}. Fix: ${spec.fix}`);
    // Check the rest against this variable's default, so one bad value hides no other problem.
    const fallback = spec.schema.safeParse(undefined);
    values[name] = fallback.success ? fallback.data : undefined;
  }
  const config = assemble(values as Parsed, problems, raw);
  if (problems.length > 0) throw new ConfigError(problems);
  return Object.freeze(config);
}

/** Builds the config and adds the problems that involve several variables to `problems`. */
function assemble(v: Parsed, problems: string[], raw: Record<string, string | undefined>): Config {
  const auth = v.WORKONWARD_MCP_AUTH ?? (v.WORKONWARD_MCP_TRANSPORT === 'stdio' ? 'none' : 'oauth');
  const host = v.WORKONWARD_MCP_HOST;
  if (auth === 'none' && v.WORKONWARD_MCP_TRANSPORT === 'http' && !isLoopbackHost(host)) {
    problems.push(
      `WORKONWARD_MCP_AUTH: \`none\` would serve tenant data without authentication on ${host}. Fix: bind WORKONWARD_MCP_HOST=127.0.0.1, or set WORKONWARD_MCP_AUTH=oauth.`,
    );
  }
  const issuer =
    v.WORKONWARD_MCP_OAUTH_ISSUER ??
    `http://${host.includes(':') ? `[${host}]` : host}:${v.WORKONWARD_MCP_PORT}`;
  const issuerUrl = new URL(issuer);
  if (issuerUrl.pathname !== '/' || issuer.endsWith('/') || issuerUrl.search || issuerUrl.hash) {
    problems.push(
      `WORKONWARD_MCP_OAUTH_ISSUER: must be an origin with no path, query or trailing slash (got ${JSON.stringify(issuer)}). Fix: use e.g. \`https://mcp.gitdate.ink\`.`,
    );
  }
  const production = v.WORKONWARD_ENV === 'production';
  if (production && auth === 'oauth') {
    if (v.WORKONWARD_MCP_OAUTH_SIGNING_KEY === undefined) {
      problems.push(
        'WORKONWARD_MCP_OAUTH_SIGNING_KEY: required in production with WORKONWARD_MCP_AUTH=oauth. Fix: export WORKONWARD_MCP_OAUTH_SIGNING_KEY="$(openssl rand -hex 32)".',
      );
    } else if (new Set(Buffer.from(v.WORKONWARD_MCP_OAUTH_SIGNING_KEY, 'hex')).size < 16) {
      // A key typed by hand (repeated or patterned digits) is not a random 256-bit secret.
      problems.push(
        'WORKONWARD_MCP_OAUTH_SIGNING_KEY: is too weak (not random). Fix: export WORKONWARD_MCP_OAUTH_SIGNING_KEY="$(openssl rand -hex 32)".',
      );
    }
    if (issuerUrl.protocol !== 'https:' && !isLoopbackHost(issuerUrl.hostname)) {
      problems.push(
        `WORKONWARD_MCP_OAUTH_ISSUER: must be https in production (got ${JSON.stringify(issuer)}). Fix: serve through TLS and set the https origin.`,
      );
    }
  }

  // Remote backend mode: the backend at WORKONWARD_BASE_URL owns the data and delivers the mail.
  const remote = v.WORKONWARD_BASE_URL !== undefined && v.WORKONWARD_API_KEY !== undefined;
  if ((v.WORKONWARD_BASE_URL === undefined) !== (v.WORKONWARD_API_KEY === undefined))
    problems.push(
      `${v.WORKONWARD_BASE_URL === undefined ? 'WORKONWARD_BASE_URL' : 'WORKONWARD_API_KEY'}: required with ${v.WORKONWARD_BASE_URL === undefined ? 'WORKONWARD_API_KEY' : 'WORKONWARD_BASE_URL'} (together they make this server a front for another Workonward deployment). Fix: set both, or neither for an embedded store.`,
    );
  if (v.WORKONWARD_BASE_URL !== undefined) {
    const base = new URL(v.WORKONWARD_BASE_URL);
    if (base.protocol !== 'https:' && !(base.protocol === 'http:' && isLoopbackHost(base.hostname)))
      problems.push(
        `WORKONWARD_BASE_URL: must be https (the API key travels with every call), except on loopback (got ${JSON.stringify(base.origin)}). Fix: use e.g. \`https://mail.gitdate.ink\`.`,
      );
  }

  if (production && !remote && v.WORKONWARD_SMTP_URL === undefined) {
    // The dev mailbox is for development only: in production mail must leave the machine.
    const needs = [
      ...(auth === 'oauth' ? ['sign-in codes are emailed'] : []),
      ...(!v.WORKONWARD_MCP_DRY_RUN && v.WORKONWARD_MCP_RECIPIENT_ALLOWLIST !== undefined
        ? ['email tools would queue mail']
        : []),
    ];
    if (needs.length > 0) {
      problems.push(
        `WORKONWARD_SMTP_URL: required in production (${needs.join('; ')}), and this server has no other way to deliver it. Fix: set it to the SMTP submission URL of your mail account, e.g. smtps://user:password@smtp.example.com:465 — or set WORKONWARD_BASE_URL and WORKONWARD_API_KEY to serve everything, mail included, from another Workonward deployment.`,
      );
    }
  }

  const dataDir = path.resolve(v.WORKONWARD_DATA_DIR);
  return {
    env: v.WORKONWARD_ENV,
    transport: v.WORKONWARD_MCP_TRANSPORT,
    auth,
    product: { name: v.WORKONWARD_PRODUCT_NAME, nameSet: raw.WORKONWARD_PRODUCT_NAME !== undefined },
    tenant: v.WORKONWARD_MCP_TENANT,
    http: {
      host,
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
    telemetry: {
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
    },
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
