import ipaddr from 'ipaddr.js';
import { z } from 'zod';

/**
 * Every environment variable the server reads, in one table: its schema (with default), what it
 * means, and how to fix a bad value. `load.ts` validates against it and `docs/configuration.md`
 * is generated from it, so the two can never disagree. Names that appear in the seed documents
 * (BuildWorkPro and PING8 guides) are kept exactly.
 */
export interface VariableSpec {
  readonly schema: z.ZodType;
  readonly description: string;
  readonly fix: string;
  readonly example?: string;
  /** Never printed, logged or echoed back in an error. */
  readonly secret?: boolean;
}

const flag = z
  .enum(['1', '0', 'true', 'false', 'yes', 'no', 'on', 'off'])
  .transform((value) => ['1', 'true', 'yes', 'on'].includes(value));

const csv = z.string().transform((value) =>
  value
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item.length > 0),
);

const port = z.coerce.number().int().min(0).max(65535);

/** A DNS name: dot-separated labels of letters, digits and inner dashes (no scheme, no port). */
const HOSTNAME =
  /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;

export const variables = {
  WORKONWARD_ENV: {
    schema: z.enum(['development', 'production']).default('production'),
    description:
      'Deployment mode. `development` loads demo data on first start, allows a generated signing key and serves a dev mailbox; `production` refuses unsafe settings.',
    fix: 'Set it to `development` or `production`.',
  },
  WORKONWARD_MCP_TRANSPORT: {
    schema: z.enum(['stdio', 'http']).default('stdio'),
    description:
      'How MCP clients reach the server: `stdio` (a local client starts the process) or `http` (Streamable HTTP at `/mcp` and `/api/mcp`).',
    fix: 'Set it to `stdio` or `http`.',
  },
  WORKONWARD_MCP_AUTH: {
    schema: z.enum(['none', 'oauth']).optional(),
    description:
      'How requests are authenticated. `oauth` uses the built-in OAuth 2.1 authorization server; `none` serves one tenant (`WORKONWARD_MCP_TENANT`) to anyone who can reach the server and is refused unless bound to loopback or on stdio. Default: `none` on stdio, `oauth` on http.',
    fix: 'Set it to `oauth` or `none`.',
  },
  WORKONWARD_MCP_TENANT: {
    schema: z
      .string()
      .regex(/^[a-z0-9][a-z0-9-]{0,62}$/)
      .optional(),
    description:
      'Slug of the tenant served when `WORKONWARD_MCP_AUTH=none`. Optional when the store holds exactly one tenant.',
    fix: 'Use a tenant slug such as `acme-builders` (lowercase letters, digits, dashes); `npx workonward-mcp tenant list` shows them.',
    example: 'northwind-construction',
  },
  WORKONWARD_MCP_HOST: {
    schema: z
      .string()
      .min(1)
      .refine((value) => ipaddr.isValid(value) || HOSTNAME.test(value), 'must be an IP address or a hostname')
      .default('127.0.0.1'),
    description:
      'Interface the HTTP transport binds to. Bind `0.0.0.0` only behind TLS with `WORKONWARD_MCP_AUTH=oauth`.',
    fix: 'Use an IP address or hostname such as `127.0.0.1` or `0.0.0.0`.',
  },
  WORKONWARD_MCP_PORT: {
    schema: port.default(8787),
    description: 'TCP port of the HTTP transport (`0` picks a free port).',
    fix: 'Use a whole number from 0 to 65535.',
  },
  WORKONWARD_MCP_ALLOWED_HOSTS: {
    schema: csv.optional(),
    description:
      'Comma-separated hostnames (no port) accepted in the `Host` header, the DNS-rebinding guard. Default: loopback names when bound to loopback, plus the OAuth issuer host.',
    fix: 'List hostnames without scheme or port, e.g. `mcp.example.com,localhost`.',
    example: 'mcp.gitdate.ink',
  },
  WORKONWARD_MCP_ALLOWED_ORIGINS: {
    schema: csv.pipe(z.array(z.url())).optional(),
    description:
      'Comma-separated browser origins allowed to call the MCP endpoint. A request with any other `Origin` gets 403; requests without `Origin` (non-browser clients) pass. Default: the server’s own origins.',
    fix: 'List full origins, e.g. `https://inspector.example.com`.',
  },
  WORKONWARD_MCP_MAX_BODY_BYTES: {
    schema: z.coerce
      .number()
      .int()
      .min(1024)
      .max(16 * 1024 * 1024)
      .default(1024 * 1024),
    description: 'Largest accepted request body in bytes; larger bodies get 413.',
    fix: 'Use a whole number of bytes between 1024 and 16777216.',
  },
  WORKONWARD_MCP_DRAIN_MS: {
    schema: z.coerce.number().int().min(0).max(300_000).default(0),
    description:
      'On SIGTERM, how long `/readyz` answers 503 (`draining`) while requests are still served, before the server stops listening, finishes the requests in flight and the outbox worker’s sends out (recording them), and exits. Behind a load balancer set it above the balancer’s health-check interval × failures to mark a server down (the HAProxy setup in docs/operations.md needs ≥ 1500), so a rolling restart fails no request.',
    fix: 'Use a whole number of milliseconds from 0 to 300000, e.g. 3000.',
    example: '3000',
  },
  WORKONWARD_MCP_GRANT_CALLS_PER_MINUTE: {
    schema: z.coerce.number().int().min(1).max(1_000_000).default(300),
    description:
      'Most MCP tool calls one OAuth grant (connected app) may make in any 60 seconds, counted in the database so the limit holds across every instance; more are refused with a `rate_limited` tool error naming the limit and the seconds to wait. Does not apply with `WORKONWARD_MCP_AUTH=none` (no grant).',
    fix: 'Use a whole number from 1 to 1000000.',
  },
  WORKONWARD_METRICS_TOKEN: {
    schema: z.string().min(32, 'must be at least 32 characters').optional(),
    description:
      'Bearer token that unlocks Prometheus metrics at `GET /metrics` (`Authorization: Bearer <token>`). Unset: there is no `/metrics` and nothing is measured. The metrics are listed in docs/operations.md.',
    fix: 'Generate one with `openssl rand -hex 32`.',
    secret: true,
  },
  OTEL_EXPORTER_OTLP_ENDPOINT: {
    schema: z.url().optional(),
    description:
      'OpenTelemetry: base URL of an OTLP/HTTP collector; traces go to `<url>/v1/traces` (JSON over HTTP). Unset (and no `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`): no tracing at all, at no cost. Spans: each HTTP request, its MCP method, the tool, every store query inside it, and the outbox worker’s deliveries with one span per SMTP send; log lines inside a trace carry `trace_id` and `span_id`.',
    fix: 'Use the collector’s URL, e.g. `http://otel-collector:4318`.',
  },
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: {
    schema: z.url().optional(),
    description:
      'OpenTelemetry: the full OTLP/HTTP traces URL; overrides `OTEL_EXPORTER_OTLP_ENDPOINT` for traces.',
    fix: 'Use the full URL, e.g. `http://otel-collector:4318/v1/traces`.',
  },
  OTEL_EXPORTER_OTLP_HEADERS: {
    schema: csv.pipe(z.array(z.string().regex(/^[^=\s]+=.+$/, 'each entry must be name=value'))).optional(),
    description:
      'OpenTelemetry: headers sent with every export, `name=value` pairs separated by commas (e.g. an API key of the collector).',
    fix: 'Use `name=value,name2=value2`.',
    secret: true,
  },
  OTEL_SERVICE_NAME: {
    schema: z.string().min(1).default('workonward-mcp'),
    description: 'OpenTelemetry: the `service.name` of every span.',
    fix: 'Use a short name, e.g. `workonward-mcp`.',
  },
  OTEL_TRACES_SAMPLER_ARG: {
    schema: z.coerce.number().min(0).max(1).default(1),
    description:
      'OpenTelemetry: the share of new traces recorded (0 to 1), parent-based: a request that arrives with a sampled `traceparent` is always recorded.',
    fix: 'Use a number from 0 to 1, e.g. `0.1`.',
  },
  OTEL_BSP_SCHEDULE_DELAY: {
    schema: z.coerce.number().int().min(1).max(600_000).default(5000),
    description: 'OpenTelemetry: milliseconds between exports of finished spans.',
    fix: 'Use a whole number of milliseconds, e.g. 5000.',
  },
  OTEL_SDK_DISABLED: {
    schema: flag.default(false),
    description: 'OpenTelemetry: `true` turns tracing off even when an endpoint is set.',
    fix: 'Use `true` or `false`.',
  },
  WORKONWARD_DATA_DIR: {
    schema: z.string().min(1).default('./data'),
    description: 'Directory for the embedded SQLite database and other local state.',
    fix: 'Use a writable directory path.',
  },
  WORKONWARD_DATABASE_URL: {
    schema: z
      .string()
      .regex(/^(postgres(ql)?:\/\/|sqlite:)/, 'must start with postgres://, postgresql:// or sqlite:')
      .optional(),
    description:
      'Where data lives. Unset: a SQLite file under `WORKONWARD_DATA_DIR`, `workonward.sqlite`, or `front.sqlite` for a front (`WORKONWARD_BASE_URL` and `WORKONWARD_API_KEY` set), so a front and embedded data never share a file by default. `sqlite:/path/file.sqlite`: that SQLite file. `postgres://…`: PostgreSQL, for several instances behind one load balancer.',
    fix: 'Use `postgres://user@host:5432/db`, `sqlite:/path/to/file.sqlite`, or leave it unset.',
    example: 'postgres://postgres@127.0.0.1:5432/workonward',
    secret: true,
  },
  WORKONWARD_DATABASE_RUNTIME_ROLE: {
    schema: z
      .string()
      .regex(/^[a-z_][a-z0-9_]{0,62}$/, 'must be a lower-case PostgreSQL role name (letters, digits, _)')
      .default('workonward_runtime'),
    description:
      'PostgreSQL only: the role every tenant request runs as (`SET ROLE`), bound by row-level security to the tenant it names. Not a superuser, no BYPASSRLS, owning nothing; the server creates and grants it at start when its database user may, otherwise a DBA does (docs/operations.md).',
    fix: 'Use a role name such as `workonward_runtime`.',
  },
  WORKONWARD_LOG_LEVEL: {
    schema: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    description: 'Log verbosity (logs go to stderr as JSON lines; secrets and addresses are redacted).',
    fix: 'Use one of fatal, error, warn, info, debug, trace, silent.',
  },
  WORKONWARD_MCP_OAUTH_ISSUER: {
    schema: z.url().optional(),
    description:
      'Public base URL of this server, used as the OAuth issuer and to build the MCP resource URLs (`<issuer>/mcp`, `<issuer>/api/mcp`). No path, no trailing slash. Default in development: `http://<host>:<port>`.',
    fix: 'Use the public HTTPS origin, e.g. `https://mcp.gitdate.ink`.',
    example: 'https://mcp.gitdate.ink',
  },
  WORKONWARD_MCP_OAUTH_SIGNING_KEY: {
    schema: z
      .string()
      .regex(/^[0-9a-fA-F]{64,}$/, 'must be at least 64 hex characters (32 bytes)')
      .optional(),
    description:
      'Root secret (hex, ≥ 32 bytes) from which signing, cookie, cursor and at-rest encryption keys are derived. Required in production.',
    fix: 'Generate one with `openssl rand -hex 32`.',
    secret: true,
  },
  WORKONWARD_MCP_OAUTH_SIGNING_KEY_PREVIOUS: {
    schema: z
      .string()
      .regex(/^[0-9a-fA-F]{64,}$/, 'must be at least 64 hex characters (32 bytes)')
      .optional(),
    description:
      'The signing key used before the current one, while you change it. At start, what it sealed (signing keys, client secrets) is re-sealed under the new key, and it still verifies cookies, sign-in codes and cursors it made, so nobody is signed out or disconnected. Remove it after 14 days. Without it a key change still starts: the server rotates its signing keys and drops what it cannot open (see docs/operations.md).',
    fix: 'Set it to the exact previous value of WORKONWARD_MCP_OAUTH_SIGNING_KEY.',
    secret: true,
  },
  WORKONWARD_MCP_OAUTH_ALLOWED_EMAILS: {
    schema: csv.default([]),
    description:
      'Comma-separated addresses (`you@gitdate.ink`) and domains (`@gitdate.ink`) allowed to sign in to the authorization server.',
    fix: 'List addresses or `@domain` entries separated by commas.',
    example: 'you@gitdate.ink,@buildworkpro.com',
  },
  WORKONWARD_TENANT_NAME: {
    schema: z
      .string()
      .trim()
      .min(1)
      .max(80)
      .regex(/^[^\r\n<>"]+$/, 'must be one line without <, > or "')
      .optional(),
    description:
      "Name of the first tenant, which the server creates on an empty store (WORKONWARD_MCP_AUTH=oauth with WORKONWARD_MCP_OAUTH_ALLOWED_EMAILS set) so the listed addresses can sign in on the first start without any CLI step. Default: the issuer's host. Not used in remote backend mode, where the front's tenant is the account of WORKONWARD_API_KEY.",
    fix: 'Use a short one-line name, e.g. `PING8`.',
    example: 'PING8',
  },
  WORKONWARD_MCP_OAUTH_REFRESH_GRACE_SECONDS: {
    schema: z.coerce.number().int().min(0).max(60).default(10),
    description:
      'Seconds during which a just-rotated refresh token may be presented again by the same, authenticated client and gets the same answer (lost responses, retries). A reuse after this window revokes the whole connection. `0` = strict rotation.',
    fix: 'Use a whole number of seconds from 0 to 60.',
  },
  WORKONWARD_MCP_RECIPIENT_ALLOWLIST: {
    schema: z.string().min(1).optional(),
    description:
      'Regular expression every email recipient’s canonical address must match. Unset: validation and preview work but sending is refused.',
    fix: 'Use an anchored pattern such as `@gitdate\\.ink$`.',
    example: '@gitdate\\.ink$',
  },
  WORKONWARD_MCP_DRY_RUN: {
    schema: flag.default(false),
    description:
      'When `1`, nothing leaves: the send tools do everything except enqueue mail, and say so in their result; the outbox worker sends nothing, and mail queued before stays queued (status says it is held) until this is `0` again. Sign-in codes are still mailed.',
    fix: 'Use `1` or `0`.',
  },
  WORKONWARD_MCP_BATCH_SEND: {
    schema: flag.default(false),
    description:
      'When `1`, offer `send_batch_email` (scope `email:send_batch`). Off by default: the tool is then absent from `tools/list` and cannot be called.',
    fix: 'Use `1` or `0`.',
  },
  WORKONWARD_API_RATE_PER_MINUTE: {
    schema: z.coerce.number().int().min(1).max(1_000_000).default(600),
    description:
      'Most `/api/v1` calls one API key may make in any 60 seconds (counted in the database, so across every instance); more get 429 with `Retry-After`.',
    fix: 'Use a whole number from 1 to 1000000.',
  },
  WORKONWARD_MAIL_BATCH_MAX: {
    schema: z.coerce.number().int().min(1).max(100).default(20),
    description: 'Most messages one `send_batch_email` call may carry.',
    fix: 'Use a whole number from 1 to 100.',
  },
  WORKONWARD_MAIL_IDEMPOTENCY_HOURS: {
    schema: z.coerce
      .number()
      .int()
      .min(24)
      .max(24 * 30)
      .default(24),
    description:
      'How long an idempotency key is remembered per tenant and tool (at least 24 hours): a repeat within it replays the first result instead of sending again.',
    fix: 'Use a whole number of hours from 24 to 720.',
  },
  WORKONWARD_MAIL_RATE_PER_MINUTE: {
    schema: z.coerce.number().int().min(1).max(100_000).default(30),
    description:
      'Most messages one tenant may queue in any 60 seconds (a sliding window, not calendar minutes); more are refused with `rate_limited` and the seconds to wait.',
    fix: 'Use a whole number from 1 to 100000.',
  },
  WORKONWARD_MAIL_QUOTA_PER_HOUR: {
    schema: z.coerce.number().int().min(1).max(10_000_000).optional(),
    description:
      'Most messages one tenant may queue in any 60 minutes (a sliding window); more are refused with `rate_limited` and the seconds to wait. Unset: no hourly quota, only the per-minute rate and the 24-hour quota apply.',
    fix: 'Use a whole number from 1 to 10000000, or leave it unset.',
  },
  WORKONWARD_MAIL_QUOTA_PER_DAY: {
    schema: z.coerce.number().int().min(1).max(10_000_000).default(500),
    description:
      'Most messages one tenant may queue in any 24 hours (a sliding window, not calendar days); more are refused with `rate_limited` and the seconds to wait.',
    fix: 'Use a whole number from 1 to 10000000.',
  },
  WORKONWARD_MAIL_MAX_ATTEMPTS: {
    schema: z.coerce.number().int().min(1).max(8).default(8),
    description: 'Delivery attempts per message before it is dead-lettered (status `dead`).',
    fix: 'Use a whole number from 1 to 8.',
  },
  WORKONWARD_MAIL_RETRY_BASE_MS: {
    schema: z.coerce.number().int().min(1).max(3_600_000).default(30_000),
    description:
      'First retry delay; attempt n waits base·2ⁿ (capped by `WORKONWARD_MAIL_RETRY_MAX_MS`) with ±20 % jitter.',
    fix: 'Use a whole number of milliseconds, e.g. 30000.',
  },
  WORKONWARD_MAIL_RETRY_MAX_MS: {
    schema: z.coerce.number().int().min(1).max(86_400_000).default(3_600_000),
    description: 'Longest retry delay in milliseconds.',
    fix: 'Use a whole number of milliseconds, e.g. 3600000.',
  },
  WORKONWARD_MAIL_WORKER: {
    schema: flag.default(true),
    description:
      'When `1`, this process runs the outbox worker that delivers queued mail. Several processes may run it on PostgreSQL; on SQLite run it in one process only.',
    fix: 'Use `1` or `0`.',
  },
  WORKONWARD_MAIL_LEASE_MS: {
    schema: z.coerce.number().int().min(1000).max(3_600_000).default(120_000),
    description:
      'How long a worker holds a message while handing it to the mail server. If the worker dies, the message is retried after this (the only window in which a message can be sent twice). The SMTP client gives up after a quarter of it without an answer, so every attempt ends inside its lease.',
    fix: 'Use a whole number of milliseconds from 1000 to 3600000.',
  },
  WORKONWARD_MAIL_CLAIM_MS: {
    schema: z.coerce.number().int().min(1000).max(600_000).default(60_000),
    description:
      'How long a send call holds its idempotency key. A call that dies meanwhile (process killed) blocks retries with `idempotency_in_progress` until then; a later retry with the same key then proceeds.',
    fix: 'Use a whole number of milliseconds from 1000 to 600000.',
  },
  WORKONWARD_MAIL_POLL_MS: {
    schema: z.coerce.number().int().min(10).max(60_000).default(1000),
    description: 'How often an idle outbox worker looks for due messages, in milliseconds.',
    fix: 'Use a whole number of milliseconds from 10 to 60000.',
  },
  WORKONWARD_MCP_BEHIND_PROXY: {
    schema: flag.default(false),
    description:
      'When `1`, trust `X-Forwarded-For` and `X-Forwarded-Proto` for the client IP and scheme. The issuer and resource URLs always come from configuration. `npx workonward-mcp doctor` checks it against what the server sees through the issuer (`GET /healthz/forwarded`).',
    fix: 'Use `1` or `0`.',
  },
  WORKONWARD_SMTP_URL: {
    schema: z
      .string()
      .regex(/^smtps?:\/\//, 'must start with smtp:// or smtps://')
      .optional(),
    description:
      'SMTP server that delivers mail (sign-in codes and queued email), e.g. `smtps://user:pass@smtp.example.com:465`. Required in production when sign-in or sending is on. Unset in development: mail is kept in the dev mailbox (`/dev/mailbox` and the log) and nothing leaves the machine.',
    fix: 'Use `smtp://host:587` or `smtps://user:password@host:465`.',
    example: 'smtp://127.0.0.1:2525',
    secret: true,
  },
  WORKONWARD_PRODUCT_NAME: {
    schema: z
      .string()
      .trim()
      .min(1)
      .max(60)
      .regex(/^[^\r\n<>"]+$/, 'must be one line without <, > or "')
      .default('BuildWorkPro'),
    description:
      'The product name people see: page titles, the consent page, sign-in mail and the default sender name. A front in remote backend mode takes its backend’s name unless this is set.',
    fix: 'Use a short name such as `PING8`.',
    example: 'PING8',
  },
  WORKONWARD_MAIL_FROM: {
    schema: z.string().min(3).max(320).optional(),
    description:
      'Sender of every message, as `Name <address>` or a bare address; a tenant may override it. Default: `<product name> <no-reply@HOST>` with the issuer host.',
    fix: 'Use e.g. `PING8 <mail@gitdate.ink>`.',
    example: 'PING8 <mail@gitdate.ink>',
  },
  WORKONWARD_MAIL_FROM_BY_TENANT: {
    schema: z
      .string()
      .transform((value) =>
        Object.fromEntries(
          value
            .split(';')
            .map((entry) => entry.trim())
            .filter((entry) => entry.length > 0)
            .map((entry) => [
              entry.slice(0, entry.indexOf('=')).trim(),
              entry.slice(entry.indexOf('=') + 1).trim(),
            ]),
        ),
      )
      .pipe(z.record(z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/), z.string().min(3).max(320)))
      .optional(),
    description:
      'Per-tenant senders overriding `WORKONWARD_MAIL_FROM`: `slug=Name <address>` entries separated by semicolons. Use only addresses the tenant has verified with your mail provider.',
    fix: 'Use e.g. `summit-ridge=Summit Ridge <office@summitridge.example>;harbor-line=Harbor Line <hello@harborline.example>`.',
  },
  WORKONWARD_BASE_URL: {
    schema: z.url().optional(),
    description:
      'Origin of the Workonward deployment this server is a front for, as in the PING8 guide. With `WORKONWARD_API_KEY` set too, every tool, prompt and resource is served from that deployment’s `/api/v1` (remote backend mode): it owns the account, the data and the mail, so no `WORKONWARD_SMTP_URL` is needed here, and sign-in codes go out through its mail. Must be https, except on loopback. `/readyz` reports whether it answers.',
    fix: 'Use an https URL such as `https://mail.gitdate.ink`.',
    example: 'https://mail.gitdate.ink',
  },
  WORKONWARD_API_KEY: {
    schema: z.string().min(1).optional(),
    description:
      'API key (`wk_live_…`) of the deployment at `WORKONWARD_BASE_URL`, created there with `workonward-mcp api-key create --tenant SLUG --on-behalf-of`; this server acts in that key’s account. Never taken from, or passed to, MCP clients.',
    fix: 'Create one on the backend with `npx workonward-mcp api-key create --tenant SLUG --on-behalf-of` and paste it.',
    secret: true,
  },
  WORKONWARD_BACKEND_TIMEOUT_MS: {
    schema: z.coerce.number().int().min(100).max(120_000).default(10_000),
    description:
      'Remote backend mode: how long one call to the backend may take before it is abandoned. A failed attempt (unreachable, timed out, 502/503/504) is retried once with the same `Idempotency-Key`; then the tool answers an `unavailable` error with a hint, never a hang.',
    fix: 'Use a whole number of milliseconds from 100 to 120000, e.g. 10000.',
    example: '10000',
  },
} satisfies Record<string, VariableSpec>;

export type VariableName = keyof typeof variables;
/** Each variable's validated value (its default when unset), as `load.ts` hands it on. */
export type ParsedVariables = { [K in VariableName]: z.output<(typeof variables)[K]['schema']> };
