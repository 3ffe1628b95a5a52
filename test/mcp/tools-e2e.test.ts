import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stableId } from '../../src/domain/demo/seeded.js';
import { TOOLS } from '../../src/tools/registry.js';
import type { TestServer } from '../support/server.js';
import { BACKENDS, startToolServer } from '../support/tool-server.js';
import { availableDialects } from '../support/stores.js';

/**
 * Every tool, resource and prompt through a real SDK client over HTTP, in both protocol eras and
 * at both endpoint paths, answering the seed document's example requests from the demo data —
 * on both adapters: this deployment's store, and a front serving another deployment's /api/v1.
 */
const dialects = await availableDialects();

const ERAS = [
  { era: '2025-11-25 handshake', options: {} },
  { era: '2026-07-28 stateless', options: { versionNegotiation: { mode: { pin: '2026-07-28' as const } } } },
] as const;

const summit = (kind: string, key: string | number) => stableId('summit-ridge', kind, String(key));
const IDS = {
  rmob: summit('project', 'rmob'),
  acme: summit('company', 'acme'),
  jane: summit('contact', 'jane'),
  bid123: summit('bid', 123),
};

interface Result {
  isError?: boolean;
  content: { type: string; text?: string }[];
  structuredContent?: unknown;
}

async function connect(url: string, path: string, options: (typeof ERAS)[number]['options']) {
  const client = new Client({ name: 'tools-e2e', version: '1.0.0' }, options);
  await client.connect(new StreamableHTTPClientTransport(new URL(path, url)));
  // Listing first lets the client validate every structuredContent against its outputSchema.
  await client.listTools();
  return client;
}

async function call(client: Client, name: string, args: Record<string, unknown>): Promise<Result> {
  return await client.callTool({ name, arguments: args });
}

function structured<T>(result: Result): T {
  expect(result.isError, JSON.stringify(result.content)).toBeFalsy();
  return result.structuredContent as T;
}

function errorText(result: Result): string {
  expect(result.isError).toBe(true);
  return result.content.map((c) => c.text ?? '').join('\n');
}

/**
 * The read-only CRM tools of issue 2, in `tools/list` order. The email tools that follow them
 * send mail and are covered by the mail suites; here they are only checked for explicit hints.
 */
const CRM_TOOLS = [
  'projects.list',
  'projects.get',
  'companies.list',
  'companies.get',
  'contacts.search',
  'contacts.get',
  'bids.list',
  'bids.get',
  'search',
  'fetch',
];

/** Arguments for one successful call of every CRM tool. */
const EVERY_CRM_CALL: Record<string, Record<string, unknown>> = {
  'projects.list': {},
  'projects.get': { id: IDS.rmob },
  'companies.list': {},
  'companies.get': { id: IDS.acme },
  'contacts.search': { name: 'jane' },
  'contacts.get': { id: IDS.jane },
  'bids.list': {},
  'bids.get': { bid: '#123' },
  search: { query: 'Acme' },
  fetch: { id: 'bid:123' },
};

const ACTIVE_PROJECTS = [
  'Clearwater Plaza Lofts',
  'Clearwater Retail Pad B',
  'Longmont High School Gym Renovation',
  'Riverside Medical Office Building',
];

/** Every dialect, with the tools on this deployment's store (local) and through a front (remote). */
const SETUPS = dialects.flatMap((dialect) => BACKENDS.map((backend) => [dialect, backend] as const));

describe.each(SETUPS)('on %s, %s backend', (dialect, backend) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startToolServer({ dialect, backend });
  });
  afterAll(() => server.stop());

  describe.each(ERAS)('an SDK client over $era', ({ options }) => {
    describe.each(['/mcp', '/api/mcp'])('at %s', (path) => {
      let client: Client;
      beforeAll(async () => {
        client = await connect(server.url, path, options);
      });
      afterAll(() => client.close());

      it('lists every CRM tool, and every listed tool has a title, schemas and every hint set explicitly', async () => {
        const { tools } = await client.listTools();
        const names = tools.map((t) => t.name);
        expect(names.slice(0, CRM_TOOLS.length)).toEqual(CRM_TOOLS);
        const registered = TOOLS.map((t) => t.name);
        for (const tool of tools) {
          expect(registered, tool.name).toContain(tool.name);
          expect(tool.title, tool.name).toBeTruthy();
          expect(tool.description?.length, tool.name).toBeGreaterThan(40);
          expect(tool.inputSchema.type, tool.name).toBe('object');
          expect(tool.outputSchema?.type, tool.name).toBe('object');
          for (const hint of ['readOnlyHint', 'destructiveHint', 'idempotentHint', 'openWorldHint'] as const)
            expect(typeof tool.annotations?.[hint], `${tool.name} ${hint}`).toBe('boolean');
        }
        for (const tool of tools.filter((t) => CRM_TOOLS.includes(t.name))) {
          expect(tool.annotations, tool.name).toMatchObject({
            readOnlyHint: true,
            destructiveHint: false,
            openWorldHint: false,
          });
        }
      });

      it('calls every CRM tool and gets structured content matching its schema plus a text block', async () => {
        expect(Object.keys(EVERY_CRM_CALL)).toEqual(CRM_TOOLS);
        for (const name of CRM_TOOLS) {
          const tool = TOOLS.find((t) => t.name === name)!;
          const result = await call(client, name, EVERY_CRM_CALL[name]!);
          const output = structured<unknown>(result);
          expect(tool.output.safeParse(output).success, name).toBe(true);
          expect(result.content[0]?.type, name).toBe('text');
          expect(result.content[0]?.text?.length, name).toBeGreaterThan(10);
        }
      });

      it('answers "Summarize my active projects" with projects.list status active', async () => {
        const out = structured<{
          projects: { name: string; status: string; client: { name: string } | null }[];
        }>(await call(client, 'projects.list', { status: 'active' }));
        expect(out.projects.map((p) => p.name)).toEqual(ACTIVE_PROJECTS);
        expect(out.projects.every((p) => p.status === 'active')).toBe(true);
        expect(out.projects.find((p) => p.name === 'Clearwater Plaza Lofts')?.client?.name).toBe(
          'Clearwater Property Group',
        );
      });

      it('finds the contact at Acme Construction whose email is jane@example.com', async () => {
        const out = structured<{
          contacts: { id: string; name: string; email: string; title: string; company: { name: string } }[];
        }>(
          await call(client, 'contacts.search', { company: 'Acme Construction', email: 'jane@example.com' }),
        );
        expect(out.contacts).toHaveLength(1);
        expect(out.contacts[0]).toMatchObject({
          id: IDS.jane,
          name: 'Jane Cooper',
          email: 'jane@example.com',
          title: 'Senior Estimator',
          company: { id: IDS.acme, name: 'Acme Construction' },
        });
        const upper = structured<{ contacts: unknown[] }>(
          await call(client, 'contacts.search', { email: 'JANE@EXAMPLE.COM' }),
        );
        expect(upper.contacts).toHaveLength(1);
      });

      it('lists bids in negotiation for more than 14 days, longest waiting first', async () => {
        const out = structured<{ bids: { label: string; status: string; days_in_status: number }[] }>(
          await call(client, 'bids.list', { status: 'negotiation', min_days_in_status: 14 }),
        );
        expect(out.bids.map((b) => [b.label, b.days_in_status])).toEqual([
          ['#129', 30],
          ['#123', 21],
          ['#124', 17],
        ]);
        const labels = out.bids.map((b) => b.label);
        expect(labels).not.toContain('#119');
        expect(labels).not.toContain('#127');
      });

      it('filters bids by project and by company', async () => {
        const byProject = structured<{ bids: { label: string }[] }>(
          await call(client, 'bids.list', { project_id: IDS.rmob }),
        );
        expect(byProject.bids.map((b) => b.label).sort()).toEqual(['#118', '#124', '#129']);
        const byCompany = structured<{ bids: { label: string }[] }>(
          await call(client, 'bids.list', { company_id: IDS.acme }),
        );
        expect(byCompany.bids.map((b) => b.label).sort()).toEqual(['#122', '#123', '#128']);
      });

      it('bids.get accepts "123", "#123" and the bid id', async () => {
        const answers = await Promise.all(
          ['123', '#123', IDS.bid123].map(async (bid) =>
            structured<{ id: string; label: string; notes: unknown[] }>(
              await call(client, 'bids.get', { bid }),
            ),
          ),
        );
        expect(answers[0]).toMatchObject({ id: IDS.bid123, label: '#123' });
        expect(answers[0]?.notes).toHaveLength(2);
        expect(answers[1]).toEqual(answers[0]);
        expect(answers[2]).toEqual(answers[0]);
      });

      it.each([
        ['projects.get', { id: 'no-such-project' }, '`projects.list`'],
        ['companies.get', { id: 'no-such-company' }, '`companies.list`'],
        ['contacts.get', { id: 'no-such-contact' }, '`contacts.search`'],
        ['bids.get', { bid: '#999' }, '`bids.list`'],
        ['bids.get', { bid: 'no-such-bid' }, '`bids.list`'],
        ['fetch', { id: 'bid:999' }, '`bids.list`'],
        ['fetch', { id: 'project:nope' }, '`projects.list`'],
        ['fetch', { id: 'nonsense' }, '`search`'],
      ])('%s with an unknown id %j is a tool error whose hint names %s', async (name, args, tool) => {
        const text = errorText(await call(client, name, args));
        expect(text).toMatch(/not found|not a search result id/);
        expect(text).toContain('Hint:');
        expect(text).toContain(tool);
      });

      it('search returns exactly one text item holding {"results":[{id,title,url}]}', async () => {
        const result = await call(client, 'search', { query: 'Acme' });
        const out = structured<{ results: Record<string, string>[] }>(result);
        expect(result.content).toHaveLength(1);
        expect(result.content[0]?.type).toBe('text');
        expect(JSON.parse(result.content[0]!.text!)).toEqual(out);
        expect(Object.keys(out)).toEqual(['results']);
        expect(out.results.length).toBeGreaterThan(0);
        for (const item of out.results) {
          expect(Object.keys(item).sort()).toEqual(['id', 'title', 'url']);
          expect(typeof item.id).toBe('string');
        }
        const ids = out.results.map((r) => r.id);
        expect(ids).toContain(`company:${IDS.acme}`);
        expect(ids).toContain(`project:${summit('project', 'acme-wh')}`);
        const byNumber = structured<{ results: { id: string }[] }>(
          await call(client, 'search', { query: '#123' }),
        );
        expect(byNumber.results.map((r) => r.id)).toContain('bid:123');
      });

      it('fetch returns exactly one text item holding {id,title,text,url,metadata} for a search result', async () => {
        const found = structured<{ results: { id: string }[] }>(
          await call(client, 'search', { query: 'Jane' }),
        );
        const contactId = found.results.find((r) => r.id.startsWith('contact:'))?.id;
        expect(contactId).toBe(`contact:${IDS.jane}`);
        for (const id of ['bid:123', contactId!, `company:${IDS.acme}`, `project:${IDS.rmob}`]) {
          const result = await call(client, 'fetch', { id });
          const doc = structured<{ id: string; title: string; text: string; url: string; metadata: unknown }>(
            result,
          );
          expect(result.content).toHaveLength(1);
          expect(result.content[0]?.type).toBe('text');
          expect(JSON.parse(result.content[0]!.text!)).toEqual(doc);
          expect(Object.keys(doc).sort()).toEqual(['id', 'metadata', 'text', 'title', 'url']);
          expect(doc.id).toBe(id);
        }
        const bid = structured<{ title: string; text: string; url: string }>(
          await call(client, 'fetch', { id: 'bid:123' }),
        );
        expect(bid.title).toBe('Bid #123: Electrical and low-voltage package');
        expect(bid.url).toBe('buildworkpro://bids/123');
        expect(JSON.parse(bid.text)).toMatchObject({ label: '#123', contact: { email: 'jane@example.com' } });
      });

      it('pages through projects with next_cursor without gaps, and refuses a tampered cursor', async () => {
        const seen: string[] = [];
        let cursor: string | undefined;
        for (let guard = 0; guard < 10; guard += 1) {
          const out = structured<{ projects: { id: string }[]; next_cursor: string | null }>(
            await call(client, 'projects.list', { limit: 3, ...(cursor !== undefined && { cursor }) }),
          );
          seen.push(...out.projects.map((p) => p.id));
          if (out.next_cursor === null) break;
          cursor = out.next_cursor;
        }
        expect(seen).toHaveLength(8);
        expect(new Set(seen).size).toBe(8);
        const first = structured<{ next_cursor: string }>(await call(client, 'projects.list', { limit: 3 }));
        const tampered = `${first.next_cursor.slice(0, -2)}xx`;
        const text = errorText(await call(client, 'projects.list', { limit: 3, cursor: tampered }));
        expect(text).toContain('cursor');
        const otherFilter = errorText(
          await call(client, 'projects.list', { limit: 3, status: 'active', cursor: first.next_cursor }),
        );
        expect(otherFilter).toContain('not valid for this list');
      });

      it('lists resources and resource templates', async () => {
        const { resources } = await client.listResources();
        const uris = resources.map((r) => r.uri);
        expect(uris).toContain(`buildworkpro://projects/${IDS.rmob}`);
        expect(uris).toContain('buildworkpro://bids/123');
        // Lists are bounded to what is current: active projects and bids in negotiation.
        expect(uris).not.toContain('buildworkpro://bids/118');
        expect(uris).not.toContain(`buildworkpro://projects/${summit('project', 'frsd-el')}`);
        const { resourceTemplates } = await client.listResourceTemplates();
        expect(resourceTemplates.map((t) => t.uriTemplate).sort()).toEqual([
          'buildworkpro://bids/{number}',
          'buildworkpro://contacts/{id}',
          'buildworkpro://projects/{id}',
        ]);
      });

      it('reads a project, a bid and a contact resource as JSON', async () => {
        const bid = await client.readResource({ uri: 'buildworkpro://bids/123' });
        expect(bid.contents[0]).toMatchObject({
          uri: 'buildworkpro://bids/123',
          mimeType: 'application/json',
        });
        expect(JSON.parse((bid.contents[0] as { text: string }).text)).toMatchObject({
          label: '#123',
          status: 'negotiation',
        });
        const project = await client.readResource({ uri: `buildworkpro://projects/${IDS.rmob}` });
        expect(JSON.parse((project.contents[0] as { text: string }).text)).toMatchObject({
          name: 'Riverside Medical Office Building',
        });
        const contact = await client.readResource({ uri: `buildworkpro://contacts/${IDS.jane}` });
        expect(JSON.parse((contact.contents[0] as { text: string }).text)).toMatchObject({
          email: 'jane@example.com',
        });
      });

      it('reading an unknown resource is -32602 with a hint', async () => {
        await expect(client.readResource({ uri: 'buildworkpro://bids/999' })).rejects.toMatchObject({
          code: -32602,
          message: expect.stringContaining('bids.list'),
        });
      });

      it('lists both prompts', async () => {
        const { prompts } = await client.listPrompts();
        expect(prompts.map((p) => p.name).sort()).toEqual(['draft_bid_followup', 'summarize_open_projects']);
      });

      it('summarize_open_projects embeds the open projects and the bids in negotiation', async () => {
        const prompt = await client.getPrompt({
          name: 'summarize_open_projects',
          arguments: { audience: 'the leadership Slack channel' },
        });
        const text = (prompt.messages[0]?.content as { text: string }).text;
        expect(text).toContain('Summit Ridge Builders');
        expect(text).toContain('the leadership Slack channel');
        for (const name of [
          ...ACTIVE_PROJECTS,
          'Acme Distribution Warehouse',
          'Mesa Studio Headquarters Fit-out',
        ])
          expect(text).toContain(name);
        expect(text).not.toContain('Front Range Elementary Addition');
        expect(text).toContain('Bids in negotiation (5)');
        expect(text).toContain('Bid #123 Electrical and low-voltage package [negotiation for 21 days]');
      });

      it('draft_bid_followup for bid "#123" embeds the bid, its contact and its notes', async () => {
        const prompt = await client.getPrompt({ name: 'draft_bid_followup', arguments: { bid: '#123' } });
        const text = (prompt.messages[0]?.content as { text: string }).text;
        expect(text).toContain('To: Jane Cooper <jane@example.com>');
        expect(text).toContain('Company: Acme Construction');
        expect(text).toContain('Project: Acme Distribution Warehouse');
        expect(text).toContain('#123 — Electrical and low-voltage package — $1,640,000');
        expect(text).toContain('Status: negotiation for 21 days');
        expect(text).toContain('value-engineering option on the switchgear');
        expect(text).toContain('LED fixture allowance');
      });

      it('draft_bid_followup for an unknown bid is -32602 naming bids.list', async () => {
        await expect(
          client.getPrompt({ name: 'draft_bid_followup', arguments: { bid: '#999' } }),
        ).rejects.toMatchObject({ code: -32602, message: expect.stringContaining('bids.list') });
      });

      it('wrong argument types are a tool error the model can correct, not a protocol error', async () => {
        const text = errorText(await call(client, 'bids.list', { min_days_in_status: 'fourteen' }));
        expect(text).toContain('min_days_in_status');
      });
    });
  });

  describe('another tenant on the same kind of server', () => {
    let harbor: TestServer;
    let client: Client;
    let summitClient: Client;
    beforeAll(async () => {
      harbor = await startToolServer({ dialect, backend, env: { WORKONWARD_MCP_TENANT: 'harbor-line' } });
      client = await connect(harbor.url, '/mcp', {});
      summitClient = await connect(server.url, '/mcp', {});
    });
    afterAll(async () => {
      await client.close();
      await summitClient.close();
      await harbor.stop();
    });

    it('sees only its own data', async () => {
      const projects = structured<{ projects: { name: string }[] }>(await call(client, 'projects.list', {}));
      expect(projects.projects.map((p) => p.name)).toEqual([
        'Ferry Terminal Canopy',
        'Olympic Waterfront Hotel',
        'Pier 7 Wharf Rehabilitation',
      ]);
      const bids = structured<{ bids: { label: string }[] }>(
        await call(client, 'bids.list', { status: 'negotiation', min_days_in_status: 14 }),
      );
      expect(bids.bids.map((b) => b.label)).toEqual(['#202']);
    });

    it('cannot read the other tenant’s rows by id, number, email or search', async () => {
      errorText(await call(client, 'projects.get', { id: IDS.rmob }));
      errorText(await call(client, 'companies.get', { id: IDS.acme }));
      errorText(await call(client, 'contacts.get', { id: IDS.jane }));
      errorText(await call(client, 'bids.get', { bid: '#123' }));
      errorText(await call(client, 'bids.get', { bid: IDS.bid123 }));
      errorText(await call(client, 'fetch', { id: 'bid:123' }));
      const contacts = structured<{ contacts: unknown[] }>(
        await call(client, 'contacts.search', { email: 'jane@example.com' }),
      );
      expect(contacts.contacts).toEqual([]);
      const found = structured<{ results: unknown[] }>(await call(client, 'search', { query: 'Acme' }));
      expect(found.results).toEqual([]);
      await expect(client.readResource({ uri: 'buildworkpro://bids/123' })).rejects.toMatchObject({
        code: -32602,
      });
      await expect(
        client.getPrompt({ name: 'draft_bid_followup', arguments: { bid: '#123' } }),
      ).rejects.toMatchObject({ code: -32602 });
    });

    it('refuses a pagination cursor issued to the other tenant', async () => {
      const page = structured<{ next_cursor: string }>(
        await call(summitClient, 'projects.list', { limit: 1 }),
      );
      const text = errorText(await call(client, 'projects.list', { limit: 1, cursor: page.next_cursor }));
      expect(text).toContain('cursor is not valid');
    });
  });
});
