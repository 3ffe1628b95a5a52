import type { Kysely } from 'kysely';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { RefusalObserver } from '../domain/limits/rate-limiter.js';
import type { Clock } from '../lib/clock.js';
import { OUTBOX_STATUSES } from '../store/mail-schema.js';
import type { Database } from '../store/schema.js';

/** Methods a client may send; anything else is counted as `other`, so labels stay few. */
const MCP_METHODS = new Set([
  'initialize',
  'ping',
  'server/discover',
  'tools/list',
  'tools/call',
  'resources/list',
  'resources/read',
  'resources/templates/list',
  'prompts/list',
  'prompts/get',
]);

/** What the outbox worker reports after each round has committed. */
export interface DeliveryObserver {
  settled(counts: { sent: number; retried: number; dead: number }): void;
}

/**
 * Prometheus metrics of one instance (its own registry; nothing global). Counters are this
 * process's; the `workonward_outbox_*` and `workonward_sign_in_refusals_*` gauges are read from
 * the shared database at scrape time, so every instance reports the deployment's value (alert
 * on `max`, not `sum`). Built only when `WORKONWARD_METRICS_TOKEN` is set.
 */
export class Metrics implements DeliveryObserver, RefusalObserver {
  readonly registry = new Registry();
  private readonly tools: ReadonlySet<string>;
  private readonly http = new Histogram({
    name: 'workonward_http_request_duration_seconds',
    help: 'HTTP requests by route pattern and status, with latency',
    labelNames: ['route', 'status'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10],
    registers: [this.registry],
  });
  private readonly mcp = new Histogram({
    name: 'workonward_mcp_request_duration_seconds',
    help: 'MCP requests by JSON-RPC method and tool (tools/call), with HTTP status and latency',
    labelNames: ['method', 'tool', 'status'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10],
    registers: [this.registry],
  });
  private readonly tokenChecks = new Counter({
    name: 'workonward_token_checks_total',
    help: 'Bearer token checks on the MCP endpoint by result (accepted, refused)',
    labelNames: ['result'],
    registers: [this.registry],
  });
  private readonly deliveries = new Counter({
    name: 'workonward_mail_deliveries_total',
    help: 'Outbox delivery attempts recorded by this instance’s worker, by outcome (sent, retry, dead)',
    labelNames: ['outcome'],
    registers: [this.registry],
  });
  private readonly refusals = new Counter({
    name: 'workonward_rate_limit_refusals_total',
    help: 'Calls refused by a rate limit or quota on this instance, by limit (tool calls per grant, API calls per key, mail per tenant)',
    labelNames: ['limit'],
    registers: [this.registry],
  });
  private readonly outboxDepth = new Gauge({
    name: 'workonward_outbox_messages',
    help: 'Outbox messages by state (deployment-wide, read from the database)',
    labelNames: ['state'],
    registers: [this.registry],
  });
  private readonly outboxAge = new Gauge({
    name: 'workonward_outbox_oldest_pending_age_seconds',
    help: 'Age of the oldest message still waiting to be sent (queued, sending or failed), 0 if none',
    registers: [this.registry],
  });
  private readonly signInRefusals = new Gauge({
    name: 'workonward_sign_in_refusals_last_hour',
    help: 'Refused sign-in steps in the last hour by step and reason (deployment-wide, from the audit log)',
    labelNames: ['step', 'reason'],
    registers: [this.registry],
  });

  constructor(
    private readonly db: Kysely<Database>,
    private readonly clock: Clock,
    toolNames: readonly string[],
  ) {
    this.tools = new Set(toolNames);
  }

  observeHttp(route: string, status: number, seconds: number): void {
    this.http.observe({ route, status: String(status) }, seconds);
  }

  observeMcp(method: unknown, tool: unknown, status: number, seconds: number): void {
    const knownMethod = typeof method === 'string' && MCP_METHODS.has(method) ? method : 'other';
    const knownTool = typeof tool === 'string' && this.tools.has(tool) ? tool : '';
    this.mcp.observe({ method: knownMethod, tool: knownTool, status: String(status) }, seconds);
  }

  observeTokenCheck(accepted: boolean): void {
    this.tokenChecks.inc({ result: accepted ? 'accepted' : 'refused' });
  }

  refused(limitName: string): void {
    this.refusals.inc({ limit: limitName });
  }

  settled(counts: { sent: number; retried: number; dead: number }): void {
    if (counts.sent > 0) this.deliveries.inc({ outcome: 'sent' }, counts.sent);
    if (counts.retried > 0) this.deliveries.inc({ outcome: 'retry' }, counts.retried);
    if (counts.dead > 0) this.deliveries.inc({ outcome: 'dead' }, counts.dead);
  }

  /** The exposition text, after reading the deployment-wide gauges from the database. */
  async scrape(): Promise<{ contentType: string; body: string }> {
    const now = this.clock.now();
    const depth = await this.db
      .selectFrom('mail_outbox')
      .select((eb) => ['status', eb.fn.countAll<number | string>().as('n')])
      .groupBy('status')
      .execute();
    for (const state of OUTBOX_STATUSES)
      this.outboxDepth.set({ state }, Number(depth.find((row) => row.status === state)?.n ?? 0));
    const oldest = await this.db
      .selectFrom('mail_outbox')
      .select((eb) => eb.fn.min<string>('created_at').as('at'))
      .where('status', 'in', ['queued', 'sending', 'failed'])
      .executeTakeFirst();
    this.outboxAge.set(oldest?.at == null ? 0 : Math.max(0, (now.getTime() - Date.parse(oldest.at)) / 1000));
    const refusals = await this.db
      .selectFrom('audit_log')
      .select((eb) => ['action', 'reason', eb.fn.countAll<number | string>().as('n')])
      .where('action', 'in', ['web.sign_in_code', 'web.sign_in'])
      .where('decision', '=', 'denied')
      .where('at', '>', new Date(now.getTime() - 3_600_000).toISOString())
      .groupBy(['action', 'reason'])
      .execute();
    this.signInRefusals.reset();
    for (const row of refusals)
      this.signInRefusals.set(
        { step: row.action === 'web.sign_in' ? 'verify_code' : 'send_code', reason: row.reason ?? '' },
        Number(row.n),
      );
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}
