import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stableId } from '../../src/domain/demo/seeded.js';
import { connectedClient, mcpRequest, toolCall, TOOLS_LIST } from '../oauth/support/flow.js';
import { startOAuthServer, type OAuthTestServer } from '../oauth/support/oauth-server.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { availableDialects } from '../support/stores.js';

/**
 * The write tools of issue 11 through real SDK clients over HTTP, on both databases: nothing
 * changes before the person confirms, by the way each client supports — a change_id for 2025-era
 * HTTP clients and clients without elicitation, `input_required` for 2026-07-28 clients that
 * declare elicitation — and every key makes its change at most once.
 */
const dialects = await availableDialects();

interface Result {
  isError?: boolean;
  content: { type: string; text?: string }[];
  structuredContent?: Record<string, unknown>;
}
type Answer = { action: 'accept'; content: { confirm: boolean } } | { action: 'decline' | 'cancel' };

const MODERN = { versionNegotiation: { mode: { pin: '2026-07-28' as const } } };

async function connect(url: string, options: { modern?: boolean; answer?: () => Answer } = {}) {
  const client = new Client(
    { name: 'write-tools', version: '1.0.0' },
    {
      ...(options.modern === true ? MODERN : {}),
      capabilities: options.answer === undefined ? {} : { elicitation: { form: {} } },
    },
  );
  const seen: string[] = [];
  if (options.answer !== undefined) {
    const answer = options.answer;
    client.setRequestHandler('elicitation/create', (request) => {
      seen.push(request.params.message);
      return Promise.resolve(answer());
    });
  }
  await client.connect(new StreamableHTTPClientTransport(new URL('/mcp', url)));
  await client.listTools();
  return { client, seen };
}

const call = (client: Client, name: string, args: Record<string, unknown>) =>
  client.callTool({ name, arguments: args }) as Promise<Result>;

function ok(result: Result): Record<string, unknown> {
  expect(result.isError, JSON.stringify(result.content)).toBeFalsy();
  return result.structuredContent ?? {};
}
function refusal(result: Result): string {
  expect(result.isError, JSON.stringify(result.structuredContent)).toBe(true);
  return result.content.map((c) => c.text ?? '').join('\n');
}

describe.each(dialects)('write tools on %s', (dialect) => {
  let server: TestServer;
  let reader: Client;
  beforeAll(async () => {
    server = await startTestServer({ dialect });
    reader = (await connect(server.url)).client;
  });
  afterAll(async () => {
    await reader.close();
    await server.stop();
  });

  const bid = async (label: string) =>
    ok(await call(reader, 'bids.get', { bid: label })) as {
      status: string;
      history: { to: string; reason: string | null }[];
      notes: { body: string }[];
    };
  const audit = (action: string) =>
    server.runtime.store.db
      .selectFrom('audit_log')
      .select(['decision', 'reason', 'details'])
      .where('action', '=', action)
      .orderBy('at')
      .execute();

  it('shows the change with a change_id and changes nothing until the change_id comes back (2025 HTTP)', async () => {
    const { client } = await connect(server.url);
    const args = { bid: '#123', status: 'won', reason: 'Signed contract', idempotency_key: 'k-123-won' };
    const shown = ok(await call(client, 'bids.update_status', args));
    expect(shown).toMatchObject({
      outcome: 'confirmation_required',
      change: { kind: 'bid_status', from: 'negotiation', to: 'won', reason: 'Signed contract' },
      replayed: false,
      applied_at: null,
    });
    expect((shown.change as { summary: string }).summary).toContain('#123');
    expect((await bid('#123')).status).toBe('negotiation');

    const applied = ok(await call(client, 'bids.update_status', { ...args, change_id: shown.change_id }));
    expect(applied).toMatchObject({ outcome: 'applied', confirmed_via: 'change_id', replayed: false });
    const after = await bid('#123');
    expect(after.status).toBe('won');
    expect(after.history.at(-1)).toMatchObject({ to: 'won', reason: 'Signed contract' });

    // The same key and arguments again: the first result, nothing new (one history entry).
    const again = ok(await call(client, 'bids.update_status', args));
    expect(again).toMatchObject({ outcome: 'applied', replayed: true, applied_at: applied.applied_at });
    expect((await bid('#123')).history.filter((h) => h.reason === 'Signed contract')).toHaveLength(1);

    // Another change under the same key is refused.
    const reused = refusal(
      await call(client, 'bids.update_status', { ...args, status: 'lost', reason: 'Changed my mind' }),
    );
    expect(reused).toContain('idempotency_key_reused');
    expect((await bid('#123')).status).toBe('won');

    const decisions = (await audit('crm.bids.update_status')).map((row) => row.decision);
    expect(decisions).toEqual(['proposed', 'applied', 'replayed', 'refused']);
  });

  it('refuses a change_id issued for another change, a made-up one, and a change that changes nothing', async () => {
    const { client } = await connect(server.url);
    const args = {
      bid: '#124',
      status: 'lost',
      reason: 'Went with another bidder',
      idempotency_key: 'k-124',
    };
    const shown = ok(await call(client, 'bids.update_status', args));
    const other = refusal(
      await call(client, 'bids.update_status', { ...args, status: 'won', change_id: shown.change_id }),
    );
    expect(other).toContain('change_mismatch');
    const otherKey = refusal(
      await call(client, 'bids.update_status', {
        ...args,
        idempotency_key: 'k-124-b',
        change_id: shown.change_id,
      }),
    );
    expect(otherKey).toContain('change_mismatch');
    expect(
      refusal(await call(client, 'bids.update_status', { ...args, change_id: 'chg_zz.forged' })),
    ).toContain('change_mismatch');
    expect((await bid('#124')).status).toBe('negotiation');
    expect(
      refusal(
        await call(client, 'bids.update_status', {
          ...args,
          status: 'negotiation',
          idempotency_key: 'k-noop',
        }),
      ),
    ).toContain('already negotiation');
  });

  it('asks through input_required when a 2026-07-28 client declares elicitation: yes makes the change', async () => {
    const { client, seen } = await connect(server.url, {
      modern: true,
      answer: () => ({ action: 'accept', content: { confirm: true } }),
    });
    const note = { bid: '#125', body: 'Called Jane; follow-up sent.', idempotency_key: 'k-125-note' };
    const applied = ok(await call(client, 'bids.add_note', note));
    expect(applied).toMatchObject({ outcome: 'applied', confirmed_via: 'input_required', change_id: null });
    expect(seen).toHaveLength(1);
    expect(seen[0]).toContain('Called Jane; follow-up sent.');
    expect((await bid('#125')).notes.map((n) => n.body)).toContain('Called Jane; follow-up sent.');
    // A retry with the same key does not ask again and adds no second note.
    expect(ok(await call(client, 'bids.add_note', note))).toMatchObject({ replayed: true });
    expect(seen).toHaveLength(1);
    expect((await bid('#125')).notes.filter((n) => n.body === note.body)).toHaveLength(1);
    const [row] = await audit('crm.bids.add_note');
    expect(JSON.parse(row?.details ?? '{}')).not.toHaveProperty('note'); // text only as a hash
  });

  it('changes nothing when the person declines or cancels (input_required)', async () => {
    for (const action of ['decline', 'cancel'] as const) {
      const { client } = await connect(server.url, { modern: true, answer: () => ({ action }) });
      const out = ok(
        await call(client, 'projects.update_status', {
          project: stableId('summit-ridge', 'project', 'rmob'),
          status: 'on_hold',
          idempotency_key: `k-rmob-${action}`,
        }),
      );
      expect(out).toMatchObject({ outcome: 'declined', applied_at: null });
    }
    const { client } = await connect(server.url, {
      modern: true,
      answer: () => ({ action: 'accept', content: { confirm: false } }),
    });
    const no = ok(
      await call(client, 'projects.update_status', {
        project: stableId('summit-ridge', 'project', 'rmob'),
        status: 'on_hold',
        idempotency_key: 'k-rmob-no',
      }),
    );
    expect(no.outcome).toBe('declined');
    const project = ok(
      await call(reader, 'projects.get', { id: stableId('summit-ridge', 'project', 'rmob') }),
    );
    expect(project.status).toBe('active');
    // Each answer was asked for (the change shown) and then declined; nothing was applied.
    expect((await audit('crm.projects.update_status')).map((r) => r.decision)).toEqual([
      'proposed',
      'declined',
      'proposed',
      'declined',
      'proposed',
      'declined',
    ]);
  });

  it('uses the change_id way for a 2026-07-28 client that declares no elicitation', async () => {
    const { client } = await connect(server.url, { modern: true });
    const args = { bid: '#126', body: 'Site visit booked.', idempotency_key: 'k-126' };
    const shown = ok(await call(client, 'bids.add_note', args));
    expect(shown.outcome).toBe('confirmation_required');
    expect(shown.change_id).toMatch(/^chg_/);
    expect(ok(await call(client, 'bids.add_note', { ...args, change_id: shown.change_id }))).toMatchObject({
      outcome: 'applied',
      confirmed_via: 'change_id',
    });
  });

  it('cannot see or change another tenant’s bid or project', async () => {
    const { client } = await connect(server.url);
    const harborBid = stableId('harbor-line', 'bid', '201');
    expect(
      refusal(
        await call(client, 'bids.update_status', {
          bid: harborBid,
          status: 'won',
          reason: 'x',
          idempotency_key: 'k-other-tenant',
        }),
      ),
    ).toContain('not found');
    expect(
      refusal(
        await call(client, 'bids.add_note', { bid: harborBid, body: 'x', idempotency_key: 'k-other-2' }),
      ),
    ).toContain('not found');
    const rows = await server.runtime.store.db
      .selectFrom('bid_notes')
      .select('id')
      .where('bid_id', '=', harborBid)
      .where('body', '=', 'x')
      .execute();
    expect(rows).toHaveLength(0);
  });
});

describe('the bids:write scope', () => {
  let server: OAuthTestServer;
  beforeAll(async () => {
    server = await startOAuthServer({ oauth: { registrationsPerMinute: 1000 } });
  });
  afterAll(() => server.stop());

  it('hides the write tools without bids:write and refuses a call with 403 insufficient_scope', async () => {
    const { tokens } = await connectedClient(server, { scopes: ['projects:read', 'bids:read'] });
    const token = tokens.body.access_token!;
    const raw = await (await mcpRequest(server, token, TOOLS_LIST)).text();
    // JSON or one SSE event, whichever the endpoint chose.
    const listed = JSON.parse(raw.startsWith('{') ? raw : (/^data: (.*)$/m.exec(raw)?.[1] ?? '{}')) as {
      result: { tools: { name: string }[] };
    };
    const names = listed.result.tools.map((t) => t.name);
    expect(names).toContain('bids.get');
    expect(names).not.toContain('bids.update_status');
    const refused = await mcpRequest(
      server,
      token,
      toolCall('bids.update_status', { bid: '#123', status: 'won', reason: 'x', idempotency_key: 'k' }),
    );
    expect(refused.status).toBe(403);
    expect(refused.headers.get('www-authenticate')).toContain('error="insufficient_scope"');
    expect(refused.headers.get('www-authenticate')).toContain('bids:write');
  });

  it('lists and runs the write tools once granted (still asking first)', async () => {
    const { tokens } = await connectedClient(server, {
      scopes: ['projects:read', 'bids:read', 'bids:write'],
    });
    const response = await mcpRequest(
      server,
      tokens.body.access_token,
      toolCall('bids.add_note', { bid: '#123', body: 'Hello', idempotency_key: 'k-oauth' }),
    );
    expect(response.status).toBe(200);
    const text = await response.text();
    expect(text).toContain('confirmation_required');
  });
});
