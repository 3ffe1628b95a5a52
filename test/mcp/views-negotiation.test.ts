import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/server.js';
import { cliTransport, demoDatabase } from '../support/stdio-cli.js';
import type { TestDatabase } from '../support/stores.js';
import { modernHeaders, post } from './raw-http.js';

/**
 * MCP Apps capability negotiation (src/mcp/views-negotiation.ts) with real SDK clients: the
 * server advertises `io.modelcontextprotocol/ui`; a client that declares it gets the tools linked
 * to their views, one that does not gets no link — except 2025-era HTTP, which is stateless and
 * always links (the documented rule) — and every client can read the views and use every tool.
 */
const EXTENSION = 'io.modelcontextprotocol/ui';
const APPS = { extensions: { [EXTENSION]: { mimeTypes: ['text/html;profile=mcp-app'] } } };
const MODERN = { versionNegotiation: { mode: { pin: '2026-07-28' as const } } };
const LINKS = {
  'projects.list': 'ui://workonward/project-brief.html',
  'bids.list': 'ui://workonward/bid-pipeline.html',
  'bids.get': 'ui://workonward/bid-detail.html',
  preview_send: 'ui://workonward/send-preview.html',
};

/** Each tool's view link as the two keys hosts read (`ui.resourceUri`, ChatGPT's alias). */
async function links(client: Client) {
  const { tools } = await client.listTools();
  const by = (read: (meta: Record<string, unknown>) => unknown) =>
    Object.fromEntries(
      tools.flatMap((tool) => {
        const uri = read(tool._meta ?? {});
        return typeof uri === 'string' ? [[tool.name, uri]] : [];
      }),
    );
  return {
    count: tools.length,
    ui: by((meta) => (meta.ui as { resourceUri?: unknown } | undefined)?.resourceUri),
    openai: by((meta) => meta['openai/outputTemplate']),
  };
}

/** What every client gets regardless of views: the view's HTML and a tool's complete text. */
async function expectUsableWithoutViews(client: Client) {
  const read = await client.readResource({ uri: LINKS['projects.list'] });
  expect(read.contents[0]).toMatchObject({ mimeType: 'text/html;profile=mcp-app' });
  expect((read.contents[0] as { text: string }).text).toContain('<!doctype html>');
  const listed = (await client.callTool({ name: 'projects.list', arguments: { status: 'active' } })) as {
    isError?: boolean;
    content: { text: string }[];
  };
  expect(listed.isError).toBeFalsy();
  expect(listed.content[0]?.text).toContain('Clearwater Plaza Lofts');
}

const CASES = [
  { name: '2025-11-25 over HTTP, declared', modern: false, declared: true, linked: true },
  {
    name: '2025-11-25 over HTTP, not declared (stateless: always linked)',
    modern: false,
    declared: false,
    linked: true,
  },
  { name: '2026-07-28 over HTTP, declared', modern: true, declared: true, linked: true },
  { name: '2026-07-28 over HTTP, not declared', modern: true, declared: false, linked: false },
];

describe('MCP Apps negotiation over HTTP', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.stop());

  it.each(CASES)('$name', async ({ modern, declared, linked }) => {
    const client = new Client(
      { name: 'views-negotiation', version: '1.0.0' },
      { ...(modern ? MODERN : {}), capabilities: declared ? APPS : {} },
    );
    await client.connect(new StreamableHTTPClientTransport(new URL('/mcp', server.url)));
    try {
      // Advertised by initialize (2025) and server/discover (2026-07-28) alike.
      expect(client.getServerCapabilities()?.extensions?.[EXTENSION]).toEqual({});
      const seen = await links(client);
      expect(seen.ui).toEqual(linked ? LINKS : {});
      expect(seen.openai).toEqual(linked ? LINKS : {});
      await expectUsableWithoutViews(client);
    } finally {
      await client.close();
    }
  });

  it('answers a ChatGPT-shaped 2026-07-28 tools/list (extension + experimental) on the core, linked', async () => {
    const built = server.sdkServersBuilt();
    const capabilities = { ...APPS, experimental: { 'openai/visibility': {} } };
    const answer = await post(
      `${server.url}/mcp`,
      JSON.stringify({
        jsonrpc: '2.0',
        id: 7,
        method: 'tools/list',
        params: {
          _meta: {
            'io.modelcontextprotocol/protocolVersion': '2026-07-28',
            'io.modelcontextprotocol/clientCapabilities': capabilities,
            'io.modelcontextprotocol/clientInfo': { name: 'openai-mcp', version: '1.0.0' },
          },
        },
      }),
      modernHeaders('tools/list'),
    );
    const tools = (answer.body?.result?.tools ?? []) as { name: string; _meta?: { ui?: unknown } }[];
    expect(tools.find((tool) => tool.name === 'bids.list')?._meta?.ui).toEqual({
      resourceUri: LINKS['bids.list'],
    });
    expect(server.sdkServersBuilt()).toBe(built);
  });

  it('does not link for a declaration without the mcp-app MIME type or of another extension', async () => {
    const declarations: { extensions: Record<string, Record<string, string[]>> }[] = [
      { extensions: { [EXTENSION]: { mimeTypes: ['text/html'] } } },
      { extensions: { [EXTENSION]: {} } },
      { extensions: { 'com.example/other': { mimeTypes: ['text/html;profile=mcp-app'] } } },
    ];
    for (const capabilities of declarations) {
      const client = new Client({ name: 'views-negotiation', version: '1.0.0' }, { ...MODERN, capabilities });
      await client.connect(new StreamableHTTPClientTransport(new URL('/mcp', server.url)));
      try {
        expect((await links(client)).ui, JSON.stringify(capabilities)).toEqual({});
      } finally {
        await client.close();
      }
    }
  });
});

describe('MCP Apps negotiation over stdio (the CLI)', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await demoDatabase('sqlite');
  });
  afterAll(() => database.dispose());

  // The not-declared cases of both eras are in stdio.test.ts (no links there).
  it.each([
    { era: '2025-11-25 (declared at initialize)', options: {} },
    { era: '2026-07-28 (declared per request)', options: MODERN },
  ])(
    'links the views for a client that declares MCP Apps: $era',
    async ({ options }) => {
      const client = new Client(
        { name: 'views-stdio', version: '1.0.0' },
        { ...options, capabilities: APPS },
      );
      await client.connect(cliTransport(database.url), { timeout: 120_000 });
      try {
        expect(client.getServerCapabilities()?.extensions?.[EXTENSION]).toEqual({});
        const seen = await links(client);
        expect(seen.ui).toEqual(LINKS);
        expect(seen.openai).toEqual(LINKS);
        await expectUsableWithoutViews(client);
      } finally {
        await client.close();
      }
    },
    180_000,
  );
});
