import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_OPERATIONS } from '../../src/api/operations.js';
import { availableDialects, createTestDatabase, type TestDatabase } from '../support/stores.js';
import { apiKey, type ApiInstance, startApiInstance } from './support.js';

const dialects = await availableDialects();
/** Generated inputs per property: enough to reach every operation many times in well under a minute. */
const RUNS = 150;

/** A path of an operation with its parameters filled by `fill`. */
const routeOf = (path: string, fill: string) => path.replace(/\{[^}]+\}/g, fill);

/**
 * The hostile-input suite against `/api/v1`: random and adversarial paths, query strings, bodies
 * and headers on every operation. Every answer is a 2xx or a precise 4xx problem — never a 5xx —
 * and the server keeps answering.
 */
describe.each(dialects)('/api/v1 under hostile input on %s', (dialect) => {
  let database: TestDatabase;
  let server: ApiInstance;
  let key: string;
  beforeAll(async () => {
    database = await createTestDatabase(dialect);
    server = await startApiInstance(database.url, { WORKONWARD_MCP_BATCH_SEND: '1' });
    key = await apiKey(server.runtime, 'summit-ridge', { onBehalfOf: true });
  });
  afterAll(async () => {
    await server.stop();
    await database.dispose();
  });

  const send = async (
    method: string,
    target: string,
    body?: string,
    headers: Record<string, string> = {},
  ) => {
    const response = await fetch(`${server.url}/api/v1${target}`, {
      method,
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', ...headers },
      ...(body !== undefined && { body }),
    });
    const text = await response.text();
    if (response.status >= 500) throw new Error(`${method} ${target} → ${response.status} ${text}`);
    if (response.status >= 400)
      expect(JSON.parse(text)).toMatchObject({ code: expect.any(String), status: response.status });
    return response.status;
  };
  const text = fc.string({ unit: 'binary', maxLength: 40 });

  it('answers random path parameters and query strings with no 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...API_OPERATIONS.filter((o) => o.method === 'GET')),
        text,
        fc.dictionary(
          fc.constantFrom(
            'limit',
            'cursor',
            'status',
            'query',
            'email',
            'name',
            'company',
            'min_days_in_status',
            'message_id',
            'idempotency_key',
            'x',
          ),
          text,
        ),
        async (operation, param, query) => {
          const qs = new URLSearchParams(query).toString();
          await send(
            'GET',
            `${routeOf(operation.path, encodeURIComponent(param) || '%00')}${qs === '' ? '' : `?${qs}`}`,
          );
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('answers random JSON bodies and headers on every POST with no 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...API_OPERATIONS.filter((o) => o.method === 'POST')),
        fc.oneof(
          fc.jsonValue({ maxDepth: 4 }),
          fc.record({
            to: fc.array(fc.oneof(text, fc.jsonValue({ maxDepth: 2 })), { maxLength: 3 }),
            subject: text,
            text,
          }),
          fc.record({
            recipients: fc.array(fc.oneof(text, fc.record({ name: text, address: text })), { maxLength: 4 }),
          }),
        ),
        fc.option(fc.string({ minLength: 1, maxLength: 300 }), { nil: undefined }),
        fc.option(fc.constantFrom('you@gitdate.ink', 'not an email', 'a@b', ''), { nil: undefined }),
        async (operation, body, idempotencyKey, onBehalfOf) => {
          const headers: Record<string, string> = {};
          if (idempotencyKey !== undefined)
            headers['idempotency-key'] = idempotencyKey.replace(/[\r\n\0]/g, ' ');
          if (onBehalfOf !== undefined) headers['on-behalf-of'] = onBehalfOf;
          await send('POST', operation.path, JSON.stringify(body), headers);
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('refuses malformed, deep, prototype-polluting and oversized bodies precisely', async () => {
    expect(await send('POST', '/mail/validate', '{"recipients":[')).toBe(400);
    expect(
      await send('POST', '/mail/validate', Buffer.from([0x7b, 0xff, 0xfe, 0x7d]).toString('latin1')),
    ).toBe(400);
    expect(await send('POST', '/mail/validate', `${'['.repeat(100_000)}${']'.repeat(100_000)}`)).toBe(400);
    expect(
      await send(
        'POST',
        '/mail/preview',
        '{"__proto__":{"polluted":true},"to":["a@gitdate.ink"],"subject":"s","text":"t"}',
      ),
    ).toBe(400);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(
      await send('POST', '/mail/validate', JSON.stringify({ recipients: ['a\u0000@gitdate.ink'] })),
    ).toBe(400);
    expect(await send('GET', '/projects/%00')).toBe(400);
    expect(await send('POST', '/mail/validate', 'x'.repeat(2 * 1024 * 1024))).toBe(413);
    expect(await send('GET', '/account')).toBe(200);
  });
});
