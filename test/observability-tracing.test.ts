import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../src/lib/logger.js';
import { arrivals } from './support/arrivals.js';
import { startTestServer, type TestServer } from './support/server.js';
import { startTestSmtpServer, type TestSmtpServer } from './support/smtp.js';

/** One span as OTLP/HTTP JSON carries it. */
interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  attributes: { key: string; value: Record<string, unknown> }[];
  links?: { traceId: string; spanId: string }[];
}

/** A real OTLP/HTTP receiver: collects every span POSTed to /v1/traces. */
async function startOtlpReceiver() {
  const spans = arrivals<OtlpSpan>();
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      if (request.url === '/v1/traces' && request.headers['content-type'] === 'application/json') {
        const body = JSON.parse(Buffer.concat(chunks).toString()) as {
          resourceSpans: { scopeSpans: { spans: OtlpSpan[] }[] }[];
        };
        for (const resource of body.resourceSpans)
          for (const scope of resource.scopeSpans) spans.push(...scope.spans);
      }
      response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${String((server.address() as AddressInfo).port)}`;
  return {
    url,
    spans: spans.items,
    /** Resolves once `find` finds something in the spans received (checked on each export). */
    until: <T>(find: (spans: readonly OtlpSpan[]) => T | undefined) => spans.until(find, 'spans'),
    close: () =>
      new Promise<void>((resolve) =>
        server.close(() => {
          resolve();
        }),
      ),
  };
}

const attribute = (span: OtlpSpan, key: string) => {
  const value = span.attributes.find((a) => a.key === key)?.value;
  return value === undefined ? undefined : Object.values(value)[0];
};

let receiver: Awaited<ReturnType<typeof startOtlpReceiver>>;
let smtp: TestSmtpServer;
let server: TestServer;
const logLines: Record<string, unknown>[] = [];

beforeAll(async () => {
  receiver = await startOtlpReceiver();
  smtp = await startTestSmtpServer();
  const capture = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n'))
        if (line.trim() !== '') logLines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  server = await startTestServer({
    env: {
      WORKONWARD_SMTP_URL: smtp.url,
      WORKONWARD_MCP_RECIPIENT_ALLOWLIST: '@gitdate\\.ink$',
      WORKONWARD_MAIL_POLL_MS: '50',
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
      OTEL_BSP_SCHEDULE_DELAY: '50',
      OTEL_SERVICE_NAME: 'workonward-test',
    },
    logger: createLogger('info', capture),
  });
});
afterAll(async () => {
  await server.stop();
  await smtp.close();
  await receiver.close();
});

/** The spans of a non-empty list, or undefined (to wait on with `receiver.until`). */
const some = (spans: OtlpSpan[]) => (spans.length > 0 ? spans : undefined);

describe('OpenTelemetry traces over OTLP/HTTP', () => {
  it('exports HTTP request → MCP method → tool → store queries as one tree, continuing the caller’s traceparent', async () => {
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const client = new Client({ name: 'trace-test', version: '1.0.0' });
    await client.connect(
      new StreamableHTTPClientTransport(new URL('/mcp', server.url), {
        requestInit: { headers: { traceparent: `00-${traceId}-00f067aa0ba902b7-01` } },
      }),
    );
    const answeredBefore = server.coreAnswered();
    expect((await client.callTool({ name: 'projects.list', arguments: {} })).isError).toBeFalsy();
    await client.close();
    // Tracing does not change the path: the MCP core answered the call and made the spans.
    expect(server.coreAnswered()).toBe(answeredBefore + 1);
    expect(server.sdkServersBuilt()).toBe(0);

    const tool = await receiver.until((spans) =>
      spans.find((s) => s.name === 'tool projects.list' && s.traceId === traceId),
    );
    const mcp = receiver.spans.find((s) => s.spanId === tool.parentSpanId);
    expect(mcp?.name).toBe('mcp tools/call');
    expect(attribute(mcp as OtlpSpan, 'mcp.tool.name')).toBe('projects.list');
    const http = receiver.spans.find((s) => s.spanId === mcp?.parentSpanId);
    expect(http?.name).toBe('HTTP POST');
    expect(http?.kind).toBe(2); // SERVER
    expect(http?.parentSpanId).toBe('00f067aa0ba902b7'); // the caller's span
    expect(attribute(http as OtlpSpan, 'http.route')).toBe('/mcp');
    expect(attribute(http as OtlpSpan, 'http.response.status_code')).toBe(200);
    const queries = await receiver.until((spans) =>
      some(spans.filter((s) => s.parentSpanId === tool.spanId)),
    );
    expect(queries.every((q) => q.name.startsWith('db ') && q.traceId === traceId)).toBe(true);
    expect(queries.map((q) => attribute(q, 'db.query.text')).join(' ')).toMatch(/from "projects"/i);
    expect(queries.every((q) => attribute(q, 'db.system.name') === 'sqlite')).toBe(true);
  });

  it('keeps a request the core hands on to the SDK path in one HTTP span, with its MCP span inside', async () => {
    const traceId = '0af7651916cd43dd8448eb211c80319c';
    const response = await fetch(new URL('/mcp', server.url), {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
        'mcp-protocol-version': '2025-11-25',
        traceparent: `00-${traceId}-b7ad6b7169203331-01`,
      },
      body: JSON.stringify({ jsonrpc: '2.0', id: 7, method: 'tools/call', params: { name: 'no.such.tool' } }),
    });
    expect(await response.text()).toContain('-32602');
    const mcp = await receiver.until((spans) =>
      spans.find((s) => s.traceId === traceId && s.name.startsWith('mcp ')),
    );
    expect(mcp.name).toBe('mcp tools/call');
    // A barrier before counting server spans: a request sent after that answer was read ends its
    // span after every span of that request, and spans are exported in the order they end.
    const barrier = '5f2c3a1b9d8e7f6a5b4c3d2e1f0a9b8c';
    await fetch(new URL('/healthz', server.url), {
      headers: { traceparent: `00-${barrier}-a1b2c3d4e5f60718-01` },
    });
    await receiver.until((spans) => spans.find((s) => s.traceId === barrier));
    const servers = receiver.spans.filter((s) => s.traceId === traceId && s.name === 'HTTP POST');
    expect(servers).toHaveLength(1);
    expect(mcp.parentSpanId).toBe(servers[0]?.spanId);
    expect(servers[0]?.parentSpanId).toBe('b7ad6b7169203331');
    expect(attribute(servers[0] as OtlpSpan, 'http.route')).toBe('/mcp');
    expect(server.sdkServersBuilt()).toBeGreaterThan(0);
  });

  it('traces a send through its tool and the worker’s SMTP delivery, and log lines carry the trace id', async () => {
    const client = new Client({ name: 'trace-test', version: '1.0.0' });
    await client.connect(new StreamableHTTPClientTransport(new URL('/mcp', server.url)));
    const sent = await client.callTool({
      name: 'send_email',
      arguments: { to: ['person@gitdate.ink'], subject: 'Traced', text: 'Hello', idempotency_key: 'trace-1' },
    });
    expect(sent.isError).toBeFalsy();
    await client.close();
    await smtp.waitFor(1);

    const tool = await receiver.until((spans) => spans.find((s) => s.name === 'tool send_email'));
    const inserts = receiver.spans.filter(
      (s) => s.parentSpanId === tool.spanId && attribute(s, 'db.operation.name') === 'INSERT',
    );
    expect(inserts.length).toBeGreaterThan(0);
    const queued = logLines.find((line) => line.msg === 'email queued');
    expect(queued?.trace_id).toBe(tool.traceId);

    const smtpSpan = await receiver.until((spans) => spans.find((s) => s.name === 'smtp send'));
    expect(smtpSpan.kind).toBe(3); // CLIENT
    const deliver = receiver.spans.find((s) => s.spanId === smtpSpan.parentSpanId);
    expect(deliver?.name).toBe('outbox deliver');
    // The worker delivers in a trace of its own, linked to the send's span (stored on the row).
    expect(deliver?.traceId).not.toBe(tool.traceId);
    expect(deliver?.links?.map(({ traceId, spanId }) => ({ traceId, spanId }))).toEqual([
      { traceId: tool.traceId, spanId: tool.spanId },
    ]);
    // Its outcome is recorded in the worker's next transaction (which also leases the next rows).
    const settle = await receiver.until((spans) => spans.find((s) => s.name === 'outbox settle'));
    const updates = await receiver.until((spans) =>
      some(
        spans.filter(
          (s) => s.parentSpanId === settle.spanId && attribute(s, 'db.operation.name') === 'UPDATE',
        ),
      ),
    );
    expect(updates.length).toBeGreaterThan(0);
    // An idle worker's polls are in no trace and make no spans.
    expect(receiver.spans.filter((s) => s.name.startsWith('db ') && s.parentSpanId === undefined)).toEqual(
      [],
    );
  });
});
