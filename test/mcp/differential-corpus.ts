import fc from 'fast-check';
import { stableId } from '../../src/domain/demo/seeded.js';
import { TOOLS } from '../../src/tools/registry.js';
import { MODERN_META } from './raw-http.js';

/**
 * The differential test's corpus (test/mcp/core-differential.test.ts): MCP requests over HTTP,
 * from valid to hostile — every method, ids of every JSON type, params of the right and wrong
 * shapes, both eras' headers, Accept and Content-Type variants, notifications, batches,
 * oversized and chunked bodies, bodies that are not JSON, unknown tools, bad cursors.
 */
/** Small, so oversized bodies are cheap to send; still far above every valid request here. */
export const MAX_BODY = 16_384;

const summit = (kind: string, key: string | number) => stableId('summit-ridge', kind, String(key));
const TOOL_NAMES = TOOLS.map((tool) => tool.name);
/** MCP Apps (views-negotiation.ts): the extension and the MIME type a host declares. */
const APPS = 'io.modelcontextprotocol/ui';
const APP_MIME = 'text/html;profile=mcp-app';
/** Arguments the tools accept (so the core answers them), beside the hostile ones generated below. */
const VALID_ARGUMENTS: Record<string, readonly Record<string, unknown>[]> = {
  'projects.list': [{}, { status: 'active' }, { limit: 2 }, { query: 'Clear', limit: 1 }],
  'projects.get': [{ id: summit('project', 'rmob') }, { id: 'no-such-project' }],
  'companies.list': [{}, { query: 'Acme' }],
  'companies.get': [{ id: summit('company', 'acme') }],
  'contacts.search': [{ name: 'jane' }, { email: 'nobody@example.com' }],
  'contacts.get': [{ id: summit('contact', 'jane') }],
  'bids.list': [{}, { status: 'negotiation', min_days_in_status: 14 }, { limit: 1 }],
  'bids.get': [{ bid: '#123' }, { bid: '999999' }],
  search: [{ query: 'Acme' }],
  fetch: [{ id: 'bid:123' }, { id: 'nope:1' }],
  validate_recipients: [{ recipients: ['person@gitdate.ink', 'bad address'] }],
  preview_send: [{ to: ['person@gitdate.ink'], subject: 'Hi', text: 'Hello' }],
  get_send_status: [{ idempotency_key: 'never-used' }],
  'bids.update_status': [{ bid: '#123', status: 'won', reason: 'Signed', idempotency_key: 'diff-1' }],
  'bids.add_note': [{ bid: '#123', body: 'Called them', idempotency_key: 'diff-2' }],
  'projects.update_status': [
    { project: summit('project', 'rmob'), status: 'on_hold', idempotency_key: 'diff-3' },
  ],
};

export type Era = 'legacy' | 'modern';
/** The methods the core answers itself, per era (src/mcp/fast-envelope.ts). */
const SURFACE_METHODS = [
  'tools/list',
  'tools/call',
  'prompts/list',
  'prompts/get',
  'resources/list',
  'resources/templates/list',
  'resources/read',
];
const CORE_METHODS: Record<Era, readonly string[]> = {
  legacy: ['initialize', 'ping', 'notifications/initialized', ...SURFACE_METHODS],
  modern: ['server/discover', ...SURFACE_METHODS],
};
const OTHER_METHODS = [
  'logging/setLevel',
  'completion/complete',
  'notifications/cancelled',
  'notifications/progress',
  'subscriptions/listen',
  'crm/delete_everything',
  '',
  'TOOLS/LIST',
];
const VERSIONS = ['2025-06-18', '2025-11-25', '2026-07-28', '2024-11-05', '2099-01-01', 'garbage'];

/** `arbitrary` once in `odds + 1` cases, undefined otherwise. */
const rarely = <T>(arbitrary: fc.Arbitrary<T>, odds: number) =>
  fc.oneof({ weight: odds, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary });

export interface Message {
  jsonrpc?: unknown;
  id?: unknown;
  method?: unknown;
  params?: unknown;
  [key: string]: unknown;
}

export interface Case {
  readonly body: string | Uint8Array;
  readonly chunked: boolean;
  readonly headers: Record<string, string>;
}

const ACCEPTS = [
  'application/json, text/event-stream',
  'text/event-stream, application/json',
  'application/json',
  'text/event-stream',
  '*/*',
  'application/json;q=0.9, text/event-stream;q=0.1',
  'text/html',
];
const CONTENT_TYPES = [
  'application/json',
  'application/json; charset=utf-8',
  'APPLICATION/JSON',
  'text/plain',
  'application/json-seq',
  'application/x-www-form-urlencoded',
];

/**
 * JSON-RPC messages of an era at one level of hostility: each way a message can be wrong is
 * `calm` times rarer than at calm = 1, where it usually has two or three things wrong at once.
 * Shared by the HTTP corpus below and the stdio differential test (one message a line).
 */
export function messagesAt(calm: number): (era: Era) => fc.Arbitrary<Message> {
  const jsonId = fc.oneof(
    { weight: 6 * calm, arbitrary: fc.integer({ min: -1000, max: 1_000_000 }) },
    { weight: 4 * calm, arbitrary: fc.string({ maxLength: 12 }) },
    {
      weight: 3,
      arbitrary: fc.constantFrom<unknown>(
        null,
        0,
        '',
        1.5,
        -0,
        true,
        false,
        2 ** 53,
        -(2 ** 53) - 2,
        1e300,
        [],
        [1],
        {},
        { a: 1 },
        '0',
        'id with spaces',
        '\u00e9\u{1f600}',
      ),
    },
  );
  const hostileValue = fc.oneof(
    fc.jsonValue({ maxDepth: 2 }),
    fc.constantFrom<unknown>(null, [], 'x', 5, { __proto__: 1 }, { constructor: 'x' }),
  );

  const toolArguments = (name: unknown) =>
    fc.oneof(
      {
        weight: 6 * calm,
        arbitrary:
          typeof name === 'string' && VALID_ARGUMENTS[name] !== undefined
            ? fc.constantFrom(...(VALID_ARGUMENTS[name] ?? []))
            : fc.constant({}),
      },
      { weight: 1, arbitrary: fc.constant(undefined) },
      {
        weight: 2,
        arbitrary: fc.record(
          {
            limit: fc.oneof(fc.integer({ min: -5, max: 500 }), fc.double(), fc.string({ maxLength: 3 })),
            cursor: fc.oneof(
              fc.string({ maxLength: 20 }),
              fc.constantFrom('eyJ4IjoxfQ', '!!!', 'a'.repeat(3000)),
            ),
            status: fc.oneof(fc.constantFrom('won', 'active', 'bogus'), hostileValue),
            id: fc.oneof(fc.string({ maxLength: 10 }), hostileValue),
            extra: hostileValue,
          },
          { requiredKeys: [] },
        ),
      },
      { weight: 1, arbitrary: hostileValue },
    );

  const meta = fc.oneof(
    { weight: 8 * calm, arbitrary: fc.constant(undefined) },
    {
      weight: 2,
      arbitrary: fc.record({ progressToken: fc.oneof(fc.integer(), fc.string({ maxLength: 5 })) }),
    },
    { weight: 1, arbitrary: hostileValue },
  );

  /** The params of a method: mostly right for it, sometimes wrong in one way or another. */
  const paramsFor = (method: string) => {
    const right = (() => {
      switch (method) {
        case 'initialize':
          return fc.record({
            protocolVersion: fc.oneof(
              { weight: 4 * calm, arbitrary: fc.constantFrom('2025-06-18', '2025-11-25') },
              { weight: 1, arbitrary: fc.constantFrom<unknown>(...VERSIONS, 2025, null) },
            ),
            capabilities: fc.oneof(
              {
                weight: 3 * calm,
                arbitrary: fc.constantFrom(
                  {},
                  { elicitation: {} },
                  { roots: { listChanged: true } },
                  { extensions: { [APPS]: { mimeTypes: [APP_MIME] } } },
                ),
              },
              { weight: 1, arbitrary: hostileValue },
            ),
            clientInfo: fc.oneof(
              {
                weight: 3 * calm,
                arbitrary: fc.constantFrom(
                  { name: 'diff', version: '1.0.0' },
                  { name: 'diff', version: '1.0.0', title: 'Diff' },
                ),
              },
              {
                weight: 1,
                arbitrary: fc.constantFrom<unknown>({ name: 'diff' }, { name: 'diff', version: 1 }),
              },
              { weight: 1, arbitrary: hostileValue },
            ),
          });
        case 'tools/call':
          return fc
            .oneof(
              { weight: 8 * calm, arbitrary: fc.constantFrom<unknown>(...TOOL_NAMES) },
              {
                weight: 1,
                arbitrary: fc.constantFrom<unknown>('no.such.tool', 'send_batch_email', '', 5, null),
              },
            )
            .chain((name) =>
              fc.record(
                { name: fc.constant(name), arguments: toolArguments(name) },
                { requiredKeys: ['name'] },
              ),
            );
        case 'tools/list':
        case 'prompts/list':
        case 'resources/templates/list':
        case 'resources/list':
          return fc.oneof(
            { weight: 5 * calm, arbitrary: fc.constant({}) },
            {
              weight: 1,
              arbitrary: fc.record({
                cursor: fc.oneof(
                  fc.string({ maxLength: 16 }),
                  fc.constantFrom<unknown>(5, null, 'eyJvZmZzZXQiOjF9'),
                ),
              }),
            },
          );
        case 'resources/read':
          return fc.record({
            uri: fc.oneof(
              {
                weight: 4 * calm,
                arbitrary: fc.constantFrom(
                  'buildworkpro://bids/123',
                  'buildworkpro://bids/999999',
                  `buildworkpro://projects/${summit('project', 'rmob')}`,
                  `buildworkpro://contacts/${summit('contact', 'jane')}`,
                  'ui://workonward/bid-detail.html',
                  'ui://workonward/send-preview.html',
                ),
              },
              {
                weight: 1,
                arbitrary: fc.constantFrom<unknown>(
                  'buildworkpro://bids/%E0%A4',
                  'buildworkpro://nothing/1',
                  'ui://workonward/nope.html',
                  'x',
                  '',
                  5,
                  null,
                  ['buildworkpro://bids/123'],
                ),
              },
            ),
          });
        case 'prompts/get':
          return fc.record(
            {
              name: fc.oneof(
                {
                  weight: 4 * calm,
                  arbitrary: fc.constantFrom('draft_bid_followup', 'summarize_open_projects'),
                },
                { weight: 1, arbitrary: fc.constantFrom<unknown>('nope', 5, ['draft_bid_followup']) },
              ),
              arguments: fc.oneof(
                { weight: 4 * calm, arbitrary: fc.constantFrom<unknown>({ bid: '#123' }, {}) },
                {
                  weight: 1,
                  arbitrary: fc.constantFrom<unknown>(
                    { bid: '#999' },
                    { bid: 123 },
                    { audience: 'board' },
                    'x',
                  ),
                },
              ),
            },
            { requiredKeys: ['name'] },
          );
        case 'logging/setLevel':
          return fc.record({ level: fc.constantFrom('debug', 'info', 'shout') });
        default:
          return fc.constant({});
      }
    })();
    return fc
      .tuple(
        fc.oneof(
          { weight: 12 * calm, arbitrary: right },
          { weight: 1, arbitrary: fc.constant(undefined) },
          { weight: 1, arbitrary: hostileValue },
        ),
        meta,
        rarely(fc.constantFrom('extra', 'task', 'cursor'), 8 * calm),
      )
      .map(([params, metaValue, extraKey]) => {
        if (params === null || typeof params !== 'object' || Array.isArray(params)) return params;
        const out: Record<string, unknown> = { ...(params as Record<string, unknown>) };
        if (metaValue !== undefined) out._meta = metaValue;
        if (extraKey !== undefined) out[extraKey] = extraKey === 'task' ? { ttl: 1000 } : 'x';
        return out;
      });
  };

  /** A message of the era: the era's own methods usually, any method sometimes; notifications without an id. */
  const messageOf = (era: Era): fc.Arbitrary<Message> =>
    fc
      .tuple(
        fc.oneof(
          { weight: 6 * calm, arbitrary: fc.constantFrom(...CORE_METHODS[era]) },
          // tools/call keeps the share it had before prompts/get and resources/* joined the core.
          { weight: 2 * calm, arbitrary: fc.constant('tools/call') },
          { weight: 3, arbitrary: fc.constantFrom(...OTHER_METHODS) },
          { weight: 1, arbitrary: fc.constantFrom(...CORE_METHODS.legacy, ...CORE_METHODS.modern) },
        ),
        fc.oneof(
          { weight: 12 * calm, arbitrary: jsonId.map((id) => ({ id })) },
          { weight: 2, arbitrary: fc.constant({}) },
        ),
        fc.oneof(
          { weight: 20 * calm, arbitrary: fc.constant<unknown>('2.0') },
          { weight: 1, arbitrary: hostileValue },
        ),
        rarely(fc.constantFrom('result', 'error', 'extra'), 30 * calm),
        rarely(fc.constant(true), 6 * calm),
      )
      .chain(([method, idPart, jsonrpc, stray, idOnNotification]) =>
        paramsFor(method).map((params) => {
          const notification = method.startsWith('notifications/') && idOnNotification === undefined;
          const built: Message = { jsonrpc, ...(notification ? {} : idPart), method };
          if (params !== undefined) built.params = params;
          if (stray !== undefined) built[stray] = stray === 'extra' ? 1 : {};
          return built;
        }),
      );
  return messageOf;
}

/** Puts the 2026-07-28 envelope `meta` into a message's params (when they are an object). */
export function withEnvelope(message: Message, meta: Record<string, unknown>): Message {
  if (message.params === null || typeof message.params !== 'object' || Array.isArray(message.params))
    return message;
  return { ...message, params: { ...(message.params as Record<string, unknown>), _meta: meta } };
}

/**
 * The HTTP corpus at one level of hostility (see messagesAt): the messages, and headers, bodies
 * and batches wrong in the same proportion.
 */
export function requestsAt(calm: number): fc.Arbitrary<Case> {
  const messageOf = messagesAt(calm);
  return fc
    .constantFrom<Era | 'legacy-no-header'>('legacy', 'modern', 'legacy-no-header')
    .chain((era) => {
      const message = messageOf(era === 'modern' ? 'modern' : 'legacy');
      return fc.record({
        era: fc.constant(era),
        messages: fc.oneof(
          { weight: 30 * calm, arbitrary: message.map((m) => [m]) },
          { weight: 1, arbitrary: fc.array(message, { minLength: 0, maxLength: 3 }) },
        ),
        batch: rarely(fc.constant(true), 30 * calm),
        dropMetaKey: rarely(fc.constantFrom(...Object.keys(MODERN_META)), 10 * calm),
        declareCapabilities: rarely(
          fc.constantFrom(
            { elicitation: { form: {} } },
            { roots: {} },
            // MCP Apps as ChatGPT declares it (answered by the core), with elicitation (the SDK's),
            // and malformed (the SDK's refusal).
            { extensions: { [APPS]: { mimeTypes: [APP_MIME] } }, experimental: { 'openai/visibility': {} } },
            { extensions: { [APPS]: { mimeTypes: [APP_MIME] } }, elicitation: { form: {} } },
            { extensions: { [APPS]: true } },
            { extensions: { [APPS]: {} } },
          ),
          10 * calm,
        ),
        accept: fc.oneof(
          { weight: 10 * calm, arbitrary: fc.constant(ACCEPTS[0] ?? '') },
          { weight: 2, arbitrary: fc.constantFrom(...ACCEPTS) },
          { weight: 1, arbitrary: fc.constant(undefined) },
        ),
        contentType: fc.oneof(
          { weight: 12 * calm, arbitrary: fc.constant('application/json') },
          { weight: 2, arbitrary: fc.constantFrom(...CONTENT_TYPES) },
          { weight: 1, arbitrary: fc.constant(undefined) },
        ),
        versionHeader: rarely(fc.constantFrom(...VERSIONS), 10 * calm),
        methodHeader: rarely(fc.constantFrom('tools/list', 'tools/call', 'ping', 'x'), 10 * calm),
        nameHeader: rarely(
          fc.constantFrom('projects.list', 'bids.list', '=?base64?cHJvamVjdHMubGlzdA==?=', ''),
          10 * calm,
        ),
        sessionId: rarely(fc.constant('a-session'), 25 * calm),
        body: fc.oneof(
          { weight: 40 * calm, arbitrary: fc.constant('message' as const) },
          { weight: 1, arbitrary: fc.constant('oversized' as const) },
          { weight: 1, arbitrary: fc.constant('chunked' as const) },
          { weight: 1, arbitrary: fc.constant('chunked-oversized' as const) },
          {
            weight: 1,
            arbitrary: fc.constantFrom(
              'not json' as const,
              'empty' as const,
              'bom' as const,
              'bad utf-8' as const,
            ),
          },
        ),
      });
    })
    .map((input): Case => {
      const modern = input.era === 'modern';
      const metaValue = Object.fromEntries(
        Object.entries({
          ...MODERN_META,
          ...(input.declareCapabilities !== undefined && {
            'io.modelcontextprotocol/clientCapabilities': input.declareCapabilities,
          }),
        }).filter(([key]) => key !== input.dropMetaKey),
      );
      const withMeta = modern ? input.messages.map((m) => withEnvelope(m, metaValue)) : input.messages;
      const first = withMeta[0];
      const headers: Record<string, string> = {};
      if (input.accept !== undefined) headers.accept = input.accept;
      if (input.contentType !== undefined) headers['content-type'] = input.contentType;
      if (modern) {
        headers['mcp-protocol-version'] = input.versionHeader ?? '2026-07-28';
        const method = input.methodHeader ?? (typeof first?.method === 'string' ? first.method : undefined);
        // Header values must be visible ASCII for fetch to send them.
        if (method !== undefined && /^[\x20-\x7e]+$/.test(method)) headers['mcp-method'] = method;
        // Mcp-Name repeats tools/call's and prompts/get's `name`, resources/read's `uri`.
        const params = first?.params as { name?: unknown; uri?: unknown } | undefined;
        const named = first?.method === 'resources/read' ? params?.uri : params?.name;
        const name = input.nameHeader ?? (typeof named === 'string' ? named : undefined);
        if (name !== undefined && /^[\x20-\x7e]+$/.test(name)) headers['mcp-name'] = name;
      } else {
        if (input.era === 'legacy') headers['mcp-protocol-version'] = input.versionHeader ?? '2025-11-25';
        if (input.methodHeader !== undefined) headers['mcp-method'] = input.methodHeader;
        if (input.nameHeader !== undefined && input.nameHeader !== '') headers['mcp-name'] = input.nameHeader;
      }
      if (input.sessionId !== undefined) headers['mcp-session-id'] = input.sessionId;
      const json = JSON.stringify(input.batch || withMeta.length !== 1 ? withMeta : first);
      switch (input.body) {
        case 'oversized':
          return { headers, chunked: false, body: json.padEnd(MAX_BODY + 10, ' ') };
        case 'chunked':
          return { headers, chunked: true, body: json };
        case 'chunked-oversized':
          return { headers, chunked: true, body: json.padEnd(MAX_BODY * 3, ' ') };
        case 'not json':
          return { headers, chunked: false, body: json.slice(0, -1) };
        case 'empty':
          return { headers, chunked: false, body: '' };
        case 'bom':
          return { headers, chunked: false, body: `\ufeff${json}` };
        case 'bad utf-8':
          return { headers, chunked: false, body: new Uint8Array([0x7b, 0xff, 0xfe, 0x7d]) };
        default:
          return { headers, chunked: false, body: json };
      }
    });
}

/** Mostly near-valid requests (the core answers most of them), a third fully hostile. */
export const requestCase = fc.oneof(
  { weight: 2, arbitrary: requestsAt(12) },
  { weight: 1, arbitrary: requestsAt(1) },
);
