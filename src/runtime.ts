import type { Config } from './config/config.js';
import { ChangeTokens } from './domain/crm/change-tokens.js';
import { CursorCodec } from './domain/crm/cursor.js';
import { mirrorAccountTenant } from './domain/accounts/first-run.js';
import { loadDemoData } from './domain/demo/load-demo.js';
import { type AdmitToolCall, grantCallLimit } from './domain/limits/grant-call-limit.js';
import type { Principal } from './domain/principal.js';
import { ALL_SCOPES } from './domain/scopes.js';
import { systemClock, type Clock } from './lib/clock.js';
import { createLogger, internalFaultReporter, type Logger } from './lib/logger.js';
import { packageVersion } from './lib/package-version.js';
import { DEVELOPMENT_ROOT_KEY, KeyRing } from './lib/secrets.js';
import { buildMcpServer, type McpSurface } from './mcp/build-server.js';
import { CoreDispatch } from './mcp/core-dispatch.js';
import { ToolCatalog } from './mcp/tool-catalog.js';
import { PROMPTS } from './prompts/registry.js';
import { RESOURCE_TEMPLATES } from './resources/crm-resources.js';
import { accountsRepository } from './store/accounts-repository.js';
import { mailPolicy } from './domain/mail/policy.js';
import { devMailboxSender } from './outbox/dev-mailbox.js';
import { startMailRuntime } from './outbox/mail-runtime.js';
import type { OutboxWorker } from './outbox/worker.js';
import type { Metrics } from './observability/metrics.js';
import { queryTracer } from './observability/query-tracer.js';
import { startTracing, type Tracing } from './observability/tracing.js';
import { tracedSender } from './outbox/traced-sender.js';
import { offeredTools } from './tools/offered-tools.js';
import type { MailSender } from './outbox/mail-sender.js';
import { smtpSender } from './outbox/smtp-sender.js';
import { localSignInMailer, type SignInMailer } from './outbox/sign-in-mail.js';
import { startSignInQueue, type SignInQueue } from './web/sign-in-queue.js';
import { openStore, type Store, type StoreOptions } from './store/open-store.js';
import type { MailDeps } from './domain/mail/deps.js';
import { chooseBackend, isRemoteMode } from './backend-choice.js';
import type { AccountPort } from './ports/account-port.js';
import type { ToolEnvironment } from './tools/tool-context.js';
import { TOOLS } from './tools/registry.js';
import { VIEWS } from './views/registry.js';

export const VERSION = packageVersion();

/** Everything the transports share, built once per process. */
export interface Runtime {
  readonly config: Config;
  readonly logger: Logger;
  readonly store: Store;
  readonly clock: Clock;
  readonly keys: KeyRing;
  /** Where the tools' ports come from (this deployment, or a remote one's API). */
  readonly env: ToolEnvironment;
  /** Binds a person's confirmation to one exact CRM change (write tools). */
  readonly changeTokens: ChangeTokens;
  /** Remote backend mode: the API key's account on the backend, this front's only tenant. */
  readonly backendAccount: AccountPort | undefined;
  /** This deployment's own email use-cases (its outbox and policy). */
  readonly mailDeps: MailDeps;
  /** This process's outbox worker (undefined with WORKONWARD_MAIL_WORKER=0); `close` stops it. */
  readonly mailWorker: OutboxWorker | undefined;
  /** The per-grant tool-call limit, called by the MCP core before every tool runs. */
  readonly admitToolCall: AdmitToolCall;
  readonly surface: McpSurface;
  /** Delivers mail now: SMTP when configured, otherwise the dev mailbox. */
  readonly mail: MailSender;
  /** Sign-in codes: queued durably by `POST /login`, mailed by a loop on every instance. */
  readonly signInQueue: SignInQueue;
  /** Mails sign-in codes. */
  readonly signInMail: SignInMailer;
  readonly reportInternal: (error: unknown) => string;
  /** Prometheus metrics, when `WORKONWARD_METRICS_TOKEN` is set. */
  readonly metrics: Metrics | undefined;
  /** OpenTelemetry traces, when an OTLP endpoint is configured (else a no-op). */
  readonly tracing: Tracing;
  close(): Promise<void>;
}

export async function startRuntime(
  config: Config,
  options: { clock?: Clock; logger?: Logger; storeOptions?: StoreOptions } = {},
): Promise<Runtime> {
  const logger = options.logger ?? createLogger(config.logLevel);
  const clock = options.clock ?? systemClock;
  // A bad allowlist or sender refuses start-up before anything is opened.
  const policy = mailPolicy(config.mail);
  const tracing = await startTracing(config.telemetry, VERSION);
  const store = openStore(config.store.url, {
    runtimeRole: config.store.runtimeRole,
    walCheckpoints: { onFailure: checkpointFailureLog(logger) },
    ...(tracing.enabled && { onQuery: queryTracer(tracing, config.store.url) }),
    ...options.storeOptions,
  });
  try {
    const applied = await store.migrate();
    if (applied.length > 0) logger.info({ applied }, 'migrations applied');
    // A front in remote backend mode keeps no CRM data of its own.
    if (config.env === 'development' && !isRemoteMode(config)) {
      const demo = await loadDemoData(store.db, clock);
      if (demo.loaded.length > 0) logger.info({ tenants: demo.loaded }, 'demo data loaded');
    }
  } catch (error) {
    await store.close();
    await tracing.shutdown();
    throw error;
  }
  const keys = new KeyRing(config.oauth.signingKey ?? DEVELOPMENT_ROOT_KEY, config.oauth.previousSigningKey);
  const mail = tracedSender(
    config.mail.smtpUrl === undefined
      ? devMailboxSender(store.db, clock, logger)
      : // A quarter of the lease: even a stall in every phase of one attempt ends inside it.
        smtpSender(config.mail.smtpUrl, { timeoutMs: Math.floor(config.mail.leaseMs / 4) }),
    tracing,
  );
  const tools = offeredTools(TOOLS, config);
  // prom-client is loaded only when metrics are on (~0.7-1.6 MB of heap otherwise kept for nothing).
  const metrics =
    config.metricsToken === undefined
      ? undefined
      : new (await import('./observability/metrics.js')).Metrics(
          store.db,
          clock,
          tools.map((tool) => tool.name),
        );
  const mailRuntime = startMailRuntime({
    config,
    policy,
    store,
    clock,
    logger,
    sender: mail,
    metrics,
    tracing,
  });
  const {
    backend: env,
    signInMail,
    backendAccount,
  } = chooseBackend(config, {
    store,
    clock,
    cursors: new CursorCodec(keys),
    mail: mailRuntime.deps,
    signInMail: localSignInMailer(mail, config.product.name, config.mail.from),
  });
  const signInQueue = startSignInQueue({
    config,
    store,
    clock,
    keys,
    logger,
    signInMail,
    frontAccount: backendAccount,
  });
  return {
    config,
    logger,
    store,
    clock,
    keys,
    env,
    changeTokens: new ChangeTokens(keys, clock),
    backendAccount,
    mailDeps: mailRuntime.deps,
    mailWorker: mailRuntime.worker,
    admitToolCall: grantCallLimit(store.db, clock, config.http.grantCallsPerMinute, metrics),
    surface: {
      tools,
      catalog: new ToolCatalog(tools),
      prompts: PROMPTS,
      resources: RESOURCE_TEMPLATES,
      views: VIEWS,
    },
    mail,
    signInQueue,
    signInMail,
    reportInternal: internalFaultReporter(logger),
    metrics,
    tracing,
    async close() {
      await mailRuntime.worker?.stop();
      await signInQueue.stop();
      await mail.close();
      await store.close();
      await tracing.shutdown();
    },
  };
}

/** What the server says, once, if SQLite's checkpoint thread fails (store/wal-checkpointer.ts). */
function checkpointFailureLog(logger: Logger) {
  return (error: unknown) => {
    logger.warn({ err: error }, 'SQLite WAL checkpoints are back on the event loop: their thread failed');
  };
}

/** The principal of `WORKONWARD_MCP_AUTH=none`: the configured tenant (or the only one), every scope. */
export async function localPrincipal(runtime: Runtime): Promise<Principal> {
  if (runtime.backendAccount !== undefined) return keyAccountPrincipal(runtime, runtime.backendAccount);
  const accounts = accountsRepository(runtime.store.db);
  const wanted = runtime.config.tenant;
  const tenants = await accounts.listTenants();
  const tenant =
    wanted === undefined
      ? tenants.length === 1
        ? tenants[0]
        : undefined
      : tenants.find((t) => t.slug === wanted);
  if (tenant === undefined) {
    const known =
      tenants.map((t) => t.slug).join(', ') ||
      'none yet (run `npx workonward-mcp demo load` or `tenant create`)';
    throw new Error(
      wanted === undefined
        ? `WORKONWARD_MCP_TENANT is required with WORKONWARD_MCP_AUTH=none when the store holds ${tenants.length} tenants. Known tenants: ${known}.`
        : `WORKONWARD_MCP_TENANT=${wanted} does not exist. Known tenants: ${known}.`,
    );
  }
  return operatorPrincipal(tenant);
}

/** Remote backend mode: the key's account is the tenant (WORKONWARD_MCP_TENANT, if set, must name it). */
async function keyAccountPrincipal(runtime: Runtime, account: AccountPort): Promise<Principal> {
  const { tenant } = await account.account();
  const wanted = runtime.config.tenant;
  if (wanted !== undefined && wanted !== tenant.slug)
    throw new Error(
      `WORKONWARD_MCP_TENANT=${wanted}, but WORKONWARD_API_KEY belongs to the account ${tenant.slug} at ${runtime.config.ping8.baseUrl ?? ''}. Fix: unset WORKONWARD_MCP_TENANT, or use a key of that tenant.`,
    );
  // The front's audit log then exports under the account's slug, as the backend's does.
  await mirrorAccountTenant(runtime.store.db, runtime.clock, tenant);
  return operatorPrincipal(tenant);
}

/** The principal of `WORKONWARD_MCP_AUTH=none`: the operator in one tenant, with every scope. */
function operatorPrincipal(tenant: { id: string; slug: string; name: string }): Principal {
  return {
    tenantId: tenant.id,
    tenantSlug: tenant.slug,
    tenantName: tenant.name,
    userId: null,
    clientId: null,
    scopes: ALL_SCOPES,
  };
}

export function buildServerFor(runtime: Runtime, fallbackPrincipal?: Principal) {
  return buildMcpServer({
    env: runtime.env,
    changeTokens: runtime.changeTokens,
    surface: runtime.surface,
    version: VERSION,
    reportInternal: runtime.reportInternal,
    admitToolCall: runtime.admitToolCall,
    tracing: runtime.tracing,
    ...(fallbackPrincipal !== undefined && { fallbackPrincipal }),
  });
}

/** The MCP core's method table over this runtime: one per transport, HTTP and stdio alike. */
export function coreDispatchFor(runtime: Runtime): CoreDispatch {
  return new CoreDispatch({
    env: runtime.env,
    surface: runtime.surface,
    version: VERSION,
    reportInternal: runtime.reportInternal,
    admitToolCall: runtime.admitToolCall,
    changeTokens: runtime.changeTokens,
    tracing: runtime.tracing,
  });
}
