import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { revokeApiKey } from '../../src/domain/api-keys/api-keys.js';
import { availableDialects, createTestDatabase, type TestDatabase } from '../support/stores.js';
import { api, apiKey, type ApiInstance, startApiInstance } from './support.js';

const dialects = await availableDialects();
const MESSAGE = { to: ['person@gitdate.ink'], subject: 'Bid #123 follow-up', text: 'Hello from the API' };

describe.each(dialects)('/api/v1 on %s', (dialect) => {
  let database: TestDatabase;
  let first: ApiInstance;
  let second: ApiInstance;
  let full: string;
  beforeAll(async () => {
    database = await createTestDatabase(dialect);
    first = await startApiInstance(database.url);
    // A second instance of the same deployment (same database): revocation must hold on both.
    second = await startApiInstance(database.url);
    full = await apiKey(first.runtime, 'summit-ridge');
  });
  afterAll(async () => {
    await second.stop();
    await first.stop();
    await database.dispose();
  });
  const call = (key: string | undefined, method: string, route: string, options = {}) =>
    api(first.url, key, method, route, options);

  it('serves the OpenAPI 3.1 document it was generated from, without a key', async () => {
    const answer = await call(undefined, 'GET', '/openapi.json');
    expect(answer.status).toBe(200);
    expect(answer.body.openapi).toBe('3.1.0');
    const committed = readFileSync(path.resolve(import.meta.dirname, '../../docs/openapi.json'), 'utf8');
    expect(answer.body).toEqual(JSON.parse(committed));
    expect(Object.keys(answer.body.paths as object)).toContain('/api/v1/mail/send');
  });

  it('refuses a missing, malformed or unknown key with 401 problem+json and a Bearer challenge', async () => {
    const none = await call(undefined, 'GET', '/projects');
    expect(none.status).toBe(401);
    expect(none.headers.get('content-type')).toBe('application/problem+json');
    expect(none.headers.get('www-authenticate')).toBe('Bearer realm="workonward-api"');
    expect(none.body).toMatchObject({
      status: 401,
      code: 'unauthorized',
      type: 'urn:workonward:problem:unauthorized',
    });
    for (const bad of ['nope', `wk_live_${'0'.repeat(64)}`]) {
      const answer = await call(bad, 'GET', '/projects');
      expect(answer.status).toBe(401);
      expect(answer.headers.get('www-authenticate')).toContain('error="invalid_token"');
    }
  });

  it('answers CRM reads of the key’s tenant only, with the tools’ shapes', async () => {
    const projects = await call(full, 'GET', '/projects?status=active&limit=2');
    expect(projects.status).toBe(200);
    expect(projects.body.projects).toHaveLength(2);
    expect(projects.body.next_cursor).toEqual(expect.any(String));
    const next = await call(
      full,
      'GET',
      `/projects?status=active&limit=2&cursor=${encodeURIComponent(String(projects.body.next_cursor))}`,
    );
    expect(next.status).toBe(200);
    const project = await call(full, 'GET', `/projects/${projects.body.projects[0].id}`);
    expect(project.body.id).toBe(projects.body.projects[0].id);
    const bid = await call(full, 'GET', '/bids/123');
    expect(bid.body).toMatchObject({ number: 123, label: '#123' });
    expect(bid.body.history.length).toBeGreaterThan(0);
    const contacts = await call(full, 'GET', '/contacts?company=Acme');
    expect(contacts.status).toBe(200);
    const search = await call(full, 'GET', '/search?query=%23123');
    expect(search.body.results[0]).toMatchObject({ id: 'bid:123' });
    const harbor = await apiKey(first.runtime, 'harbor-line');
    expect((await call(harbor, 'GET', `/projects/${projects.body.projects[0].id}`)).status).toBe(404);
  });

  it('refuses what the key may not do with 403 and the missing scope', async () => {
    const projectsOnly = await apiKey(first.runtime, 'summit-ridge', { scopes: ['projects:read'] });
    const answer = await call(projectsOnly, 'GET', '/bids');
    expect(answer.status).toBe(403);
    expect(answer.body).toMatchObject({ code: 'forbidden', detail: expect.stringContaining('bids:read') });
    expect(
      (await call(projectsOnly, 'POST', '/mail/validate', { body: { recipients: ['a@gitdate.ink'] } }))
        .status,
    ).toBe(403);
  });

  it('answers bad input with 400 problem+json naming the field, and unknown routes with 404/405', async () => {
    const cases = [
      await call(full, 'GET', '/projects?limit=abc'),
      await call(full, 'GET', '/projects?limit=500'),
      await call(full, 'GET', '/projects?bogus=1'),
      await call(full, 'GET', '/projects?status=active&status=bidding'),
      await call(full, 'POST', '/mail/validate', { rawBody: '{"recipients":' }),
      await call(full, 'POST', '/mail/validate', { body: { recipients: [] } }),
      await call(full, 'POST', '/mail/send', {
        body: { ...MESSAGE, bcc: ['x@gitdate.ink'] },
        headers: { 'idempotency-key': 'k-bcc' },
      }),
    ];
    for (const answer of cases) {
      expect(answer.status).toBe(400);
      expect(answer.body).toMatchObject({ code: 'invalid_input', hint: expect.any(String) });
    }
    expect(cases[6]?.body.detail).toContain('bcc');
    expect((await call(full, 'GET', '/nowhere')).status).toBe(404);
    const wrongMethod = await call(full, 'DELETE', '/projects');
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.get('allow')).toBe('GET');
    expect((await call(full, 'GET', '/projects/nope')).body).toMatchObject({
      code: 'not_found',
      hint: expect.stringContaining('projects.list'),
    });
    const textBody = await fetch(`${first.url}/api/v1/mail/validate`, {
      method: 'POST',
      headers: { authorization: `Bearer ${full}`, 'content-type': 'text/plain' },
      body: '{}',
    });
    expect(textBody.status).toBe(415);
  });

  it('validates, previews and sends with Idempotency-Key semantics identical to the tools', async () => {
    const validated = await call(full, 'POST', '/mail/validate', {
      body: { recipients: ['person@gitdate.ink', 'blocked@example.com'] },
    });
    expect((validated.body.recipients as { allowed: boolean }[]).map((r) => r.allowed)).toEqual([
      true,
      false,
    ]);
    const preview = await call(full, 'POST', '/mail/preview', { body: MESSAGE });
    expect(preview.body).toMatchObject({ sendable: true, preview_id: expect.stringMatching(/^pv_/) });

    const missing = await call(full, 'POST', '/mail/send', { body: MESSAGE });
    expect(missing.status).toBe(400);
    expect(missing.body.detail).toContain('Idempotency-Key');
    const send = (body: unknown, key = 'api-smoke-001') =>
      call(full, 'POST', '/mail/send', { body, headers: { 'idempotency-key': key } });
    const sent = await send({ ...MESSAGE, preview_id: preview.body.preview_id });
    expect(sent.status).toBe(200);
    expect(sent.body).toMatchObject({ dry_run: false, replayed: false, queued_count: 1 });
    const again = await send({ ...MESSAGE, preview_id: preview.body.preview_id });
    expect(again.body).toMatchObject({ replayed: true, results: sent.body.results });
    const reused = await send({ ...MESSAGE, text: 'Something else' });
    expect(reused.status).toBe(409);
    expect(reused.body).toMatchObject({
      code: 'conflict',
      detail: expect.stringContaining('idempotency_key_reused'),
    });
    const status = await call(full, 'GET', '/mail/status?idempotency_key=api-smoke-001');
    expect(status.body.messages).toHaveLength(1);
    expect(status.body.messages[0]).toMatchObject({ status: 'queued', recipients: ['person@gitdate.ink'] });

    const dry = await send({ ...MESSAGE, subject: 'Dry', dry_run: true }, 'api-dry-001');
    expect(dry.body).toMatchObject({ dry_run: true, queued_count: 0 });
    const queued = await first.runtime.store.db
      .selectFrom('mail_outbox')
      .select(['status'])
      .where('idempotency_key', '=', 'api-dry-001')
      .execute();
    expect(queued.map((r) => r.status)).toEqual(['dry_run']);
    const batch = await call(full, 'POST', '/mail/batch', {
      body: { messages: [MESSAGE] },
      headers: { 'idempotency-key': 'b-1' },
    });
    expect(batch.status).toBe(403);
    expect(batch.body.hint).toContain('WORKONWARD_MCP_BATCH_SEND');
  });

  it('trusts On-Behalf-Of only from a front key, narrows to Workonward-Scopes, and audits both', async () => {
    expect(
      (await call(full, 'GET', '/account', { headers: { 'on-behalf-of': 'you@gitdate.ink' } })).status,
    ).toBe(403);
    const front = await apiKey(first.runtime, 'summit-ridge', { onBehalfOf: true });
    const account = await call(front, 'GET', '/account', { headers: { 'on-behalf-of': 'You@Gitdate.ink' } });
    expect(account.status).toBe(200);
    expect(account.body).toMatchObject({
      tenant: { slug: 'summit-ridge', name: 'Summit Ridge Builders' },
      mail: { recipient_allowlist: '@gitdate\\.ink$', dry_run: false, batch_send: false },
      key: { prefix: front.slice(0, 16), on_behalf_of: true },
    });
    const narrowed = { 'workonward-scopes': 'projects:read email:preview' };
    expect((await call(front, 'GET', '/bids', { headers: narrowed })).status).toBe(403);
    expect((await call(front, 'GET', '/projects', { headers: narrowed })).status).toBe(200);
    expect(
      (await call(front, 'GET', '/projects', { headers: { 'workonward-scopes': 'admin' } })).status,
    ).toBe(400);
    const validated = await call(front, 'POST', '/mail/validate', {
      body: { recipients: ['person@gitdate.ink'] },
      headers: { 'on-behalf-of': 'you@gitdate.ink' },
    });
    expect(validated.status).toBe(200);
    const rows = await first.runtime.store.db
      .selectFrom('audit_log')
      .select(['action', 'decision', 'details'])
      .execute();
    const entries = rows.map((r) => ({ ...r, details: JSON.parse(r.details) as Record<string, unknown> }));
    expect(entries).toContainEqual(
      expect.objectContaining({
        action: 'api.getAccount',
        details: expect.objectContaining({ key: front.slice(0, 16), on_behalf_of: 'you@gitdate.ink' }),
      }),
    );
    expect(entries).toContainEqual(
      expect.objectContaining({
        action: 'email.validate_recipients',
        details: expect.objectContaining({ api_key: front.slice(0, 16), on_behalf_of: 'you@gitdate.ink' }),
      }),
    );
    expect(entries).toContainEqual(expect.objectContaining({ action: 'api.listBids', decision: 'refused' }));
  });

  it('refuses a revoked key on the very next request, on every instance', async () => {
    const key = await apiKey(first.runtime, 'summit-ridge');
    expect((await api(second.url, key, 'GET', '/account')).status).toBe(200);
    await revokeApiKey(first.runtime.store.db, first.runtime.clock, key.slice(0, 16), { label: 'test' });
    expect((await api(second.url, key, 'GET', '/account')).status).toBe(401);
    expect((await api(first.url, key, 'GET', '/account')).status).toBe(401);
  });
});

describe.each(dialects)('/api/v1 rate limit per key on %s', (dialect) => {
  let database: TestDatabase;
  let one: ApiInstance;
  let two: ApiInstance;
  beforeAll(async () => {
    database = await createTestDatabase(dialect);
    one = await startApiInstance(database.url, { WORKONWARD_API_RATE_PER_MINUTE: '3' });
    two = await startApiInstance(database.url, { WORKONWARD_API_RATE_PER_MINUTE: '3' });
  });
  afterAll(async () => {
    await two.stop();
    await one.stop();
    await database.dispose();
  });

  it('answers 429 with Retry-After past the limit, counted across instances, per key', async () => {
    const key = await apiKey(one.runtime, 'summit-ridge');
    const other = await apiKey(one.runtime, 'summit-ridge');
    expect((await api(one.url, key, 'GET', '/account')).status).toBe(200);
    expect((await api(two.url, key, 'GET', '/account')).status).toBe(200);
    expect((await api(one.url, key, 'GET', '/account')).status).toBe(200);
    const refused = await api(two.url, key, 'GET', '/account');
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(refused.body).toMatchObject({
      code: 'rate_limited',
      hint: expect.stringContaining('Retry-After'),
    });
    expect((await api(one.url, other, 'GET', '/account')).status).toBe(200);
  });
});
