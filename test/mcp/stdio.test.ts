import { Client } from '@modelcontextprotocol/client';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { TOOLS } from '../../src/tools/registry.js';
import { cliTransport, demoDatabase } from '../support/stdio-cli.js';
import { availableDialects, type TestDatabase } from '../support/stores.js';

/**
 * The real CLI (`node --import tsx src/main.ts`, as `npx workonward-mcp` runs it) spoken to over
 * stdio by an SDK client in both protocol eras, over a database prepared the way an operator would.
 */
const dialects = await availableDialects();

/** The read-only CRM tools of issue 2, in `tools/list` order (the email tools follow them). */
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

const ERAS = [
  { era: '2025-11-25 handshake', options: {} },
  { era: '2026-07-28 stateless', options: { versionNegotiation: { mode: { pin: '2026-07-28' as const } } } },
] as const;

interface Result {
  isError?: boolean;
  content: { type: string; text?: string }[];
  structuredContent?: unknown;
}

describe.each(dialects)('the CLI over stdio on %s', (dialect) => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await demoDatabase(dialect);
  });
  afterAll(() => database.dispose());

  describe.each(ERAS)('with an SDK client over $era', ({ options }) => {
    let client: Client;
    let stderr = '';
    beforeAll(async () => {
      const transport = cliTransport(database.url, { logLevel: 'info', stderr: 'pipe' });
      transport.stderr?.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
      });
      client = new Client({ name: 'stdio-test', version: '1.0.0' }, options);
      // The child compiles and starts in seconds, but far slower on a loaded machine: allow for it.
      await client.connect(transport, { timeout: 120_000 });
      await vi.waitFor(
        () => {
          expect(stderr).toContain('serving MCP on stdio');
        },
        { timeout: 120_000, interval: 100 },
      );
    }, 150_000);
    afterAll(() => client.close(), 30_000);

    it('serves the configured tenant, logging to stderr while stdout carries only protocol', async () => {
      expect(stderr).toContain('"tenant":"summit-ridge"');
      const { prompts } = await client.listPrompts();
      expect(prompts.map((p) => p.name).sort()).toEqual(['draft_bid_followup', 'summarize_open_projects']);
    });

    it('lists every CRM tool first, and only registered tools', async () => {
      const { tools } = await client.listTools();
      const names = tools.map((t) => t.name);
      expect(names.slice(0, CRM_TOOLS.length)).toEqual(CRM_TOOLS);
      const registered = TOOLS.map((t) => t.name);
      for (const name of names) expect(registered).toContain(name);
    });

    it('links no MCP Apps view for this client, which did not declare the extension, yet serves the views', async () => {
      expect(client.getServerCapabilities()?.extensions?.['io.modelcontextprotocol/ui']).toEqual({});
      const { tools } = await client.listTools();
      expect(tools.filter((t) => t._meta?.ui !== undefined || t._meta?.['openai/outputTemplate'])).toEqual(
        [],
      );
      const view = await client.readResource({ uri: 'ui://workonward/bid-pipeline.html' });
      expect(view.contents[0]).toMatchObject({ mimeType: 'text/html;profile=mcp-app' });
    });

    it('answers the seed’s example requests from the demo data', async () => {
      const projects = (await client.callTool({
        name: 'projects.list',
        arguments: { status: 'active' },
      })) as Result;
      expect(projects.isError).toBeFalsy();
      expect((projects.structuredContent as { projects: unknown[] }).projects).toHaveLength(4);

      const contacts = (await client.callTool({
        name: 'contacts.search',
        arguments: { company: 'Acme Construction', email: 'jane@example.com' },
      })) as Result;
      expect(
        (contacts.structuredContent as { contacts: { name: string }[] }).contacts.map((c) => c.name),
      ).toEqual(['Jane Cooper']);

      const bids = (await client.callTool({
        name: 'bids.list',
        arguments: { status: 'negotiation', min_days_in_status: 14 },
      })) as Result;
      expect((bids.structuredContent as { bids: { label: string }[] }).bids.map((b) => b.label)).toEqual([
        '#129',
        '#123',
        '#124',
      ]);

      const prompt = await client.getPrompt({ name: 'draft_bid_followup', arguments: { bid: '123' } });
      expect((prompt.messages[0]?.content as { text: string }).text).toContain(
        'Jane Cooper <jane@example.com>',
      );
    });

    it('calls every CRM tool without an error', async () => {
      const first = (await client.callTool({ name: 'projects.list', arguments: { limit: 1 } })) as Result;
      const projectId = (first.structuredContent as { projects: { id: string }[] }).projects[0]!.id;
      const companies = (await client.callTool({
        name: 'companies.list',
        arguments: { query: 'Acme' },
      })) as Result;
      const companyId = (companies.structuredContent as { companies: { id: string }[] }).companies[0]!.id;
      const contacts = (await client.callTool({
        name: 'contacts.search',
        arguments: { name: 'jane' },
      })) as Result;
      const contactId = (contacts.structuredContent as { contacts: { id: string }[] }).contacts[0]!.id;
      const calls: Record<string, Record<string, unknown>> = {
        'projects.list': {},
        'projects.get': { id: projectId },
        'companies.list': {},
        'companies.get': { id: companyId },
        'contacts.search': { email: 'jane@example.com' },
        'contacts.get': { id: contactId },
        'bids.list': {},
        'bids.get': { bid: '#123' },
        search: { query: 'Acme' },
        fetch: { id: 'bid:123' },
      };
      expect(Object.keys(calls)).toEqual(CRM_TOOLS);
      for (const [name, args] of Object.entries(calls)) {
        const result = (await client.callTool({ name, arguments: args })) as Result;
        expect(result.isError, `${name}: ${JSON.stringify(result.content)}`).toBeFalsy();
        expect(result.structuredContent, name).toBeDefined();
      }
    });

    it('answers an unknown id with a tool error that names the tool to use', async () => {
      const result = (await client.callTool({ name: 'bids.get', arguments: { bid: '#999' } })) as Result;
      expect(result.isError).toBe(true);
      expect(result.content[0]?.text).toContain('`bids.list`');
    });
  });
});
