import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { openStore } from '../../src/store/open-store.js';
import { toolCall } from '../oauth/support/flow.js';
import { formField } from '../oauth/support/user-agent.js';
import { type SmtpRecorder, startSmtpRecorder } from '../support/smtp-recorder.js';
import { type Cluster, startCluster } from './support/cluster.js';
import { STEPS, type Step, connectClient } from './support/connect.js';
import { mcpPost, sendEmailCall } from './support/load.js';
import { drained, outboxFacts } from '../support/outbox-check.js';
import { pinnedFetch } from './support/pinned-fetch.js';
import { type PrivatePostgres, startPrivatePostgres } from './support/private-postgres.js';
import { faultScenarios } from './support/fault-scenarios.js';

/**
 * One deployment as an operator runs it: three `serve` processes with OAuth on one PostgreSQL
 * (a private cluster, so the fault scenarios may restart it) behind HAProxy. Whole flows cross
 * instances here; the fault scenarios (rolling restart, kill -9, PostgreSQL restart) follow.
 */
// Every step here crosses processes on a shared two-core machine: allow minutes, not seconds.
vi.setConfig({ testTimeout: 120_000 });

let smtp: SmtpRecorder;
let postgres: PrivatePostgres;
let cluster: Cluster;
beforeAll(async () => {
  smtp = await startSmtpRecorder();
  postgres = await startPrivatePostgres();
  cluster = await startCluster({
    databaseUrl: postgres.url,
    env: {
      WORKONWARD_SMTP_URL: smtp.url,
      WORKONWARD_MCP_RECIPIENT_ALLOWLIST: '@gitdate\\.ink$',
      WORKONWARD_MAIL_FROM: 'PING8 <mail@gitdate.ink>',
      WORKONWARD_MAIL_RATE_PER_MINUTE: '100000',
      WORKONWARD_MAIL_QUOTA_PER_DAY: '100000',
      // The load generator's clients share grants; the per-grant limit is tested on its own.
      WORKONWARD_MCP_GRANT_CALLS_PER_MINUTE: '100000',
      WORKONWARD_MAIL_POLL_MS: '50',
      // Short, so a killed worker's rows are re-leased within the test; long enough that no
      // live round outlasts its lease on a loaded two-core machine (SMTP silence timeout: 2.5 s).
      WORKONWARD_MAIL_LEASE_MS: '10000',
      WORKONWARD_MAIL_CLAIM_MS: '2000',
    },
  });
}, 240_000);
afterAll(async () => {
  await cluster.stop();
  postgres.dispose();
  await smtp.close();
});

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

describe('whole flows across three instances', () => {
  let token = '';
  let clientId = '';
  let ua: Awaited<ReturnType<typeof connectClient>>['ua'];

  it('registration, sign-in, authorization, consent, token and refresh are each answered by another instance', async () => {
    const routing = pinnedFetch(cluster.url);
    const answeredBy: Partial<Record<Step, string>> = {};
    try {
      const connected = await connectClient(cluster.url, smtp, {
        scopes: ['projects:read', 'bids:read', 'email:send'],
        route: (step) => {
          const member = cluster.instances[STEPS.indexOf(step) % 3];
          answeredBy[step] = member?.name;
          routing.pin(member?.url);
        },
      });
      ({ accessToken: token, clientId, ua } = connected);
    } finally {
      routing.restore();
    }
    const order = STEPS.map((step) => answeredBy[step]);
    expect(order).toEqual([
      'instance1',
      'instance2',
      'instance3',
      'instance1',
      'instance2',
      'instance3',
      'instance1',
    ]);
    expect(token.length).toBeGreaterThan(20);
  });

  it('every instance serves tools with the token, and so does the balancer', async () => {
    for (const url of [...cluster.instances.map((i) => i.url), cluster.url]) {
      const { status, message } = await mcpPost(
        url,
        toolCall('bids.list', { status: 'negotiation' }),
        bearer(token),
      );
      expect(status, url).toBe(200);
      expect((message?.result as { isError?: boolean }).isError, url).toBeUndefined();
    }
  });

  it('narrowing on one instance narrows the next request on every other; revoking there ends it everywhere', async () => {
    const store = openStore(cluster.databaseUrl);
    const grant = await store.db
      .selectFrom('oauth_connections')
      .select('grant_id')
      .where('client_id', '=', clientId)
      .executeTakeFirstOrThrow();
    await store.close();
    const [first, second, third] = cluster.instances;
    const routing = pinnedFetch(cluster.url);
    try {
      routing.pin(first?.url);
      const page = await (await ua.get('/settings/developer/connected-apps')).text();
      const pageCsrf = formField(page, 'csrf');
      const apps = '/settings/developer/connected-apps';
      const narrowed = await ua.post(`${apps}/${grant.grant_id}/scopes`, {
        csrf: pageCsrf,
        scope: ['projects:read'],
      });
      expect(narrowed.status).toBe(303);
      for (const other of [second, third]) {
        const bids = await mcpPost(other?.url ?? '', toolCall('bids.list', {}), bearer(token));
        expect(bids.status, other?.name).toBe(403);
        const projects = await mcpPost(other?.url ?? '', toolCall('projects.list', {}), bearer(token));
        expect(projects.status, other?.name).toBe(200);
      }
      routing.pin(second?.url);
      expect((await ua.post(`${apps}/${grant.grant_id}/revoke`, { csrf: pageCsrf })).status).toBe(303);
      for (const other of [first, third]) {
        const refused = await mcpPost(other?.url ?? '', toolCall('projects.list', {}), bearer(token));
        expect(refused.status, other?.name).toBe(401);
      }
    } finally {
      routing.restore();
    }
  });

  it('sends taken by all three instances are delivered once each, one Message-ID per message', async () => {
    const { accessToken } = await connectClient(cluster.url, smtp, { scopes: ['email:send'] });
    const keys = Array.from({ length: 30 }, (_, i) => `across-${i}`);
    const answers = await Promise.all(
      keys.map((key) => mcpPost(cluster.url, sendEmailCall(key), bearer(accessToken))),
    );
    expect(new Set(answers.map((a) => a.servedBy))).toEqual(new Set(['instance1', 'instance2', 'instance3']));
    expect(answers.every((a) => a.status === 200)).toBe(true);
    await drained(cluster.databaseUrl);
    const facts = await outboxFacts(cluster.databaseUrl);
    const ids = keys.map((key) => facts.byKey.get(key));
    const isOurs = (messageId: string) =>
      ids.some((row) => row !== undefined && messageId.startsWith(`<${row}@`));
    await smtp.waitForDistinct(keys.length, { among: isOurs, timeoutMs: 30_000 });
    const delivered = smtp.messageIds.filter(isOurs);
    expect(delivered).toHaveLength(keys.length);
    expect(new Set(delivered).size).toBe(keys.length);
    expect(facts.tornEnqueues).toEqual([]);
    expect(facts.tornDeliveries).toEqual([]);
  });
});

describe('faults under load', () => {
  faultScenarios(() => ({ cluster, smtp, postgres }));
});
