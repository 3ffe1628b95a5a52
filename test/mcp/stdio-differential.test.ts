import { PassThrough } from 'node:stream';
import {
  deserializeMessage,
  isJSONRPCErrorResponse,
  isJSONRPCRequest,
  isJSONRPCResultResponse,
  type JSONRPCMessage,
} from '@modelcontextprotocol/server';
import { StdioServerTransport } from '@modelcontextprotocol/server/stdio';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type Serving } from '../../src/serve.js';
import { serveStdioRuntime } from '../../src/serve-stdio.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { DIFFERENTIAL_ENV, normalise } from './differential.js';
import { type Era, type Message, messagesAt, withEnvelope } from './differential-corpus.js';
import { MODERN_META } from './raw-http.js';

/**
 * Differential test of the MCP core on stdio (issue 8: "stdio keeps working through the same
 * dispatch"): generated connections — a 2025-era `initialize` with the capabilities clients
 * declare, or 2026-07-28 requests from the first line — each followed by messages of the HTTP
 * differential corpus, one a line, sent to two servers over identical stores: one whose pinned
 * instances offer requests to the core first (production), one on the SDK alone (`sdkPathOnly`).
 * After each message both connections must have written the same lines, up to the documented
 * differences of the HTTP test (normalise). A write tool of a 2025-era client that declared
 * elicitation is asked about with `elicitation/create`; this client answers yes.
 */
const SEED = 20261203;
const RUNS = 60;

/** A `_meta` key of no MCP meaning: the core hands on a request that carries it. */
const SENTINEL = 'com.example/sentinel';
const APPS = { 'io.modelcontextprotocol/ui': { mimeTypes: ['text/html;profile=mcp-app'] } };
/**
 * What clients declare: mostly nothing or MCP Apps (2026-07-28 requests declaring more are the
 * SDK's, fast-envelope.ts), sometimes form elicitation (both spellings), with MCP Apps, or roots.
 */
const declared = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom({}, { extensions: APPS }) },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      { elicitation: {} },
      { elicitation: { form: {} } },
      { extensions: APPS, elicitation: { form: {} } },
      { roots: { listChanged: true } },
    ),
  },
);

interface Connection {
  readonly era: Era;
  readonly declared: Record<string, unknown>;
  /** Modern connections: whether a `server/discover` probe comes first. */
  readonly probe: boolean;
  /** The messages after the opening; `undefined` stands for a line that is not JSON. */
  readonly messages: readonly (Message | undefined)[];
}

const messageOf = fc.oneof({ weight: 3, arbitrary: fc.constant(messagesAt(12)) }, fc.constant(messagesAt(1)));
const connection: fc.Arbitrary<Connection> = fc
  .record({
    era: fc.constantFrom<Era>('legacy', 'modern'),
    declared,
    probe: fc.boolean(),
    calm: messageOf,
  })
  .chain(({ calm, ...opening }) =>
    fc
      .array(
        fc.oneof({ weight: 30, arbitrary: calm(opening.era) }, fc.constant<Message | undefined>(undefined)),
        { minLength: 1, maxLength: 10 },
      )
      .map((messages) => ({ ...opening, messages })),
  );

const call = (id: number, name: string, args: Record<string, unknown>): Message => ({
  jsonrpc: '2.0',
  id,
  method: 'tools/call',
  params: { name, arguments: args },
});
const LIST: Message = { jsonrpc: '2.0', id: 1, method: 'tools/list' };
const NOTE = { bid: '#123', body: 'Called them', idempotency_key: 'stdio-note' };
const STATUS = { bid: '#123', status: 'won', reason: 'Signed', idempotency_key: 'stdio-status' };
/**
 * Connections every run covers, whatever the generator draws: views as each era declares them,
 * and write tools with and without elicitation (the SDK asks, the core confirms by change_id).
 */
const EXAMPLES: Connection[] = [
  { era: 'legacy', declared: { elicitation: {} }, probe: false, messages: [call(1, 'bids.add_note', NOTE)] },
  {
    era: 'legacy',
    declared: { extensions: APPS, elicitation: { form: {} } },
    probe: false,
    messages: [LIST, call(2, 'bids.get', { bid: '#123' }), call(3, 'bids.update_status', STATUS)],
  },
  { era: 'legacy', declared: {}, probe: false, messages: [LIST, call(2, 'bids.add_note', NOTE)] },
  {
    era: 'modern',
    declared: { extensions: APPS },
    probe: true,
    messages: [LIST, call(2, 'bids.add_note', NOTE)],
  },
  { era: 'modern', declared: {}, probe: false, messages: [LIST, call(2, 'bids.update_status', STATUS)] },
];

/** One stdio connection to a runtime, read line by line; answers the server's `elicitation/create`. */
class Peer {
  readonly lines: unknown[] = [];
  private readonly input = new PassThrough();
  private readonly output = new PassThrough();
  private readonly answered = new Set<unknown>();
  private serving: Serving | undefined;
  private buffered = '';

  async open(server: TestServer, sdkPathOnly: boolean): Promise<void> {
    this.output.setEncoding('utf8');
    this.output.on('data', (chunk: string) => {
      this.buffered += chunk;
      let end: number;
      while ((end = this.buffered.indexOf('\n')) >= 0) {
        this.received(JSON.parse(this.buffered.slice(0, end)) as Record<string, unknown>);
        this.buffered = this.buffered.slice(end + 1);
      }
    });
    this.serving = await serveStdioRuntime(server.runtime, {
      sdkPathOnly,
      stdioTransport: new StdioServerTransport(this.input, this.output),
    });
  }

  write(line: string): void {
    this.input.write(`${line}\n`);
  }

  /** Resolves once every id in `ids` has its response (a step's lines are then all written). */
  async settled(ids: readonly unknown[], what: string): Promise<void> {
    await vi.waitFor(
      () => {
        const missing = ids.filter((id) => !this.answered.has(id));
        if (missing.length > 0) throw new Error(`${what}: no answer to ${JSON.stringify(missing)}`);
      },
      { timeout: 60_000, interval: 2 },
    );
  }

  /** The lines written since the last call, normalised and in a fixed order. */
  take(): string[] {
    return this.lines.splice(0).map((line) => JSON.stringify(normalise(line)));
  }

  coreAnswered(): number {
    return this.serving?.coreAnswered?.() ?? 0;
  }

  async close(): Promise<void> {
    await this.serving?.stop();
  }

  private received(line: Record<string, unknown>): void {
    if (line.method === 'elicitation/create' && line.id !== undefined) {
      this.write(
        JSON.stringify({
          jsonrpc: '2.0',
          id: line.id,
          result: { action: 'accept', content: { confirm: true } },
        }),
      );
    }
    if (line.method === undefined) this.answered.add(line.id);
    this.lines.push(line);
  }
}

/** A request the SDK's stdio reader accepts and its instance must answer (so we wait for it). */
function awaitsAnswer(line: string): boolean {
  let message: JSONRPCMessage;
  try {
    message = deserializeMessage(line);
  } catch {
    return false;
  }
  return (
    isJSONRPCRequest(message) &&
    !isJSONRPCResultResponse(message) &&
    !isJSONRPCErrorResponse(message) &&
    // Acknowledged with a notification; answered only when the subscription ends.
    message.method !== 'subscriptions/listen'
  );
}

describe('the MCP core on stdio answers exactly as the SDK alone', () => {
  let core: TestServer;
  let sdk: TestServer;
  beforeAll(async () => {
    [core, sdk] = await Promise.all([
      startTestServer({ env: DIFFERENTIAL_ENV }),
      startTestServer({ env: DIFFERENTIAL_ENV }),
    ]);
  });
  afterAll(async () => {
    await Promise.all([core.stop(), sdk.stop()]);
  });

  it(`writes the same lines for ${String(RUNS)} generated connections (seed ${String(SEED)})`, async () => {
    let step = 0;
    let coreAnswered = 0;
    let requests = 0;
    await fc.assert(
      fc.asyncProperty(connection, async (input) => {
        const peers = [new Peer(), new Peer()] as const;
        await Promise.all([peers[0].open(core, false), peers[1].open(sdk, true)]);
        const envelope = { ...MODERN_META, 'io.modelcontextprotocol/clientCapabilities': input.declared };
        const opening: Message[] =
          input.era === 'legacy'
            ? [
                {
                  jsonrpc: '2.0',
                  id: 'open',
                  method: 'initialize',
                  params: {
                    protocolVersion: '2025-11-25',
                    capabilities: input.declared,
                    clientInfo: { name: 'stdio-diff', version: '1.0.0' },
                  },
                },
                { jsonrpc: '2.0', method: 'notifications/initialized' },
              ]
            : input.probe
              ? [{ jsonrpc: '2.0', id: 'open', method: 'server/discover', params: { _meta: envelope } }]
              : [];
        try {
          for (const message of [...opening, ...input.messages]) {
            step += 1;
            // Unique ids, so each answer is waited for; ids of other types stay as generated.
            const unique =
              message === undefined
                ? undefined
                : typeof message.id === 'number'
                  ? { ...message, id: step }
                  : typeof message.id === 'string' && message.id !== 'open'
                    ? { ...message, id: `m-${String(step)}` }
                    : message;
            const line =
              unique === undefined
                ? '{"jsonrpc": "2.0", "id": 1, "method": "ping"'
                : JSON.stringify(input.era === 'modern' ? withEnvelope(unique, envelope) : unique);
            // A request of the connection's era after each line: its answer closes the step. Its
            // unknown _meta key makes the core hand it on, so the core's count is of the corpus.
            const sentinel = `sentinel-${String(step)}`;
            const closing = JSON.stringify({
              jsonrpc: '2.0',
              id: sentinel,
              method: input.era === 'legacy' ? 'ping' : 'prompts/list',
              params: { _meta: { ...(input.era === 'modern' && envelope), [SENTINEL]: true } },
            });
            const answered = awaitsAnswer(line);
            if (answered) requests += 1;
            const ids = answered ? [JSON.parse(line).id as unknown, sentinel] : [sentinel];
            for (const peer of peers) {
              peer.write(line);
              peer.write(closing);
            }
            await Promise.all(
              peers.map((peer, at) => peer.settled(ids, `${at === 0 ? 'core' : 'sdk'}: ${line}`)),
            );
            const [fromCore, fromSdk] = peers.map((peer) => peer.take().sort());
            expect(fromCore, line.slice(0, 600)).toEqual(fromSdk);
          }
          coreAnswered += peers[0].coreAnswered();
          expect(peers[1].coreAnswered()).toBe(0);
        } finally {
          await Promise.all(peers.map((peer) => peer.close()));
        }
      }),
      { seed: SEED, numRuns: RUNS, endOnFailure: true, examples: EXAMPLES.map((example) => [example]) },
    );
    // Worth something only if the core answered a good share of the requests it was sent.
    expect(coreAnswered).toBeGreaterThan(requests / 2);
  }, 300_000);
});
