import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendEmailCall } from './cluster/support/load.js';
import { toolCall } from './oauth/support/flow.js';
import { mcpPost } from './cluster/support/load.js';
import { drainOutbox } from './support/outbox-barrier.js';
import { type TestServer, startTestServer } from './support/server.js';
import { type SmtpRecorder, startSmtpRecorder } from './support/smtp-recorder.js';
import { availableDialects } from './support/stores.js';

/** Prometheus metrics at /metrics behind their own bearer token, read the way Prometheus reads them. */
const dialects = await availableDialects();
const TOKEN = 'metrics-token-0123456789abcdef0123456789';

/** The value of one series (`name{labels}`) in the exposition text, or undefined. */
function series(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  const line = text
    .split('\n')
    .find(
      (l) =>
        (l.startsWith(`${name}{`) || l.startsWith(`${name} `)) &&
        Object.entries(labels).every(([k, v]) => l.includes(`${k}="${v}"`)),
    );
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
}

describe.each(dialects)('metrics on %s', (dialect) => {
  let smtp: SmtpRecorder;
  let server: TestServer;
  beforeAll(async () => {
    smtp = await startSmtpRecorder();
    server = await startTestServer({
      dialect,
      env: {
        WORKONWARD_METRICS_TOKEN: TOKEN,
        WORKONWARD_SMTP_URL: smtp.url,
        WORKONWARD_MCP_RECIPIENT_ALLOWLIST: '@gitdate\\.ink$',
        WORKONWARD_MAIL_FROM: 'PING8 <mail@gitdate.ink>',
        WORKONWARD_MAIL_POLL_MS: '50',
      },
    });
  });
  afterAll(async () => {
    await server.stop();
    await smtp.close();
  });

  const scrape = (token?: string) =>
    fetch(
      `${server.url}/metrics`,
      token === undefined ? {} : { headers: { authorization: `Bearer ${token}` } },
    );

  it('answers 401 without the token or with a wrong one, and never says more', async () => {
    for (const token of [undefined, 'wrong', `${TOKEN}x`]) {
      const response = await scrape(token);
      expect(response.status).toBe(401);
      expect(await response.text()).not.toContain('workonward_');
    }
  });

  it('counts MCP requests per method and tool, HTTP routes, deliveries and outbox depth', async () => {
    const answeredByCore = server.coreAnswered();
    for (let i = 0; i < 3; i += 1)
      expect((await mcpPost(server.url, toolCall('projects.list', { limit: 2 }))).status).toBe(200);
    await mcpPost(server.url, { jsonrpc: '2.0', id: 1, method: 'tools/list', params: {} });
    await mcpPost(server.url, toolCall('no.such.tool', {}));
    expect((await mcpPost(server.url, sendEmailCall('metrics-1'))).status).toBe(200);
    await smtp.waitForDistinct(1);
    // All but the made-up tool were answered by the MCP core, which the series below count.
    expect(server.coreAnswered() - answeredByCore).toBe(5);
    // SMTP has it; stopping the worker waits until it has recorded the delivery (a barrier).
    expect(await drainOutbox(server.runtime)).toEqual([]);
    const text = await (await scrape(TOKEN)).text();
    const count = (method: string, tool: string) =>
      series(text, 'workonward_mcp_request_duration_seconds_count', { method, tool, status: '200' });
    expect(count('tools/call', 'projects.list')).toBe(3);
    expect(count('tools/list', '')).toBe(1);
    // A made-up tool name never becomes a label: it is counted without one.
    expect(text).not.toContain('no.such.tool');
    expect(count('tools/call', 'send_email')).toBe(1);
    expect(
      series(text, 'workonward_http_request_duration_seconds_count', { route: '/mcp', status: '200' }),
    ).toBeGreaterThanOrEqual(6);
    expect(series(text, 'workonward_mail_deliveries_total', { outcome: 'sent' })).toBe(1);
    expect(series(text, 'workonward_outbox_messages', { state: 'sent' })).toBe(1);
    expect(series(text, 'workonward_outbox_messages', { state: 'dead' })).toBe(0);
    expect(series(text, 'workonward_outbox_oldest_pending_age_seconds')).toBe(0);
    expect(
      series(text, 'workonward_mcp_request_duration_seconds_bucket', {
        method: 'tools/call',
        tool: 'projects.list',
        le: '+Inf',
      }),
    ).toBe(3);
  });

  it('serves no /metrics when no token is configured', async () => {
    const plain = await startTestServer({ dialect });
    try {
      expect((await fetch(`${plain.url}/metrics`)).status).toBe(404);
    } finally {
      await plain.stop();
    }
  });
});
