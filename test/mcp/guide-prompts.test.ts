import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectedClient } from '../oauth/support/flow.js';
import { startOAuthServer, type OAuthTestServer } from '../oauth/support/oauth-server.js';

/**
 * The guide's prompts use the App (issue 11 item 4), through a real SDK client with a real
 * token: `draft_bid_followup` ends by offering to log the follow-up on the bid with
 * `bids.add_note` — which asks first — when the grant has bids:write, and says what is missing
 * when it has not; `summarize_open_projects` points at `projects.list`, whose view is the brief.
 */
interface Result {
  isError?: boolean;
  structuredContent?: Record<string, unknown>;
  content: { text?: string }[];
}

async function clientWith(server: OAuthTestServer, scopes: string[]): Promise<Client> {
  const { tokens } = await connectedClient(server, { scopes });
  const client = new Client({ name: 'guide-prompts', version: '1.0.0' });
  await client.connect(
    new StreamableHTTPClientTransport(new URL('/mcp', server.url), {
      requestInit: { headers: { authorization: `Bearer ${tokens.body.access_token}` } },
    }),
  );
  return client;
}

async function promptText(client: Client, name: string, args: Record<string, string> = {}) {
  const prompt = await client.getPrompt({ name, arguments: args });
  return prompt.messages.map((m) => (m.content as { text: string }).text).join('\n');
}

describe('the guide’s prompts and the App', () => {
  let server: OAuthTestServer;
  let writer: Client;
  let reader: Client;
  beforeAll(async () => {
    server = await startOAuthServer({ oauth: { registrationsPerMinute: 1000 } });
    writer = await clientWith(server, ['projects:read', 'contacts:read', 'bids:read', 'bids:write']);
    reader = await clientWith(server, ['projects:read', 'contacts:read', 'bids:read']);
  }, 120_000);
  afterAll(async () => {
    await writer.close();
    await reader.close();
    await server.stop();
  });

  it('draft_bid_followup ends with “log this follow-up on bid #123”, a note made only after the person confirms', async () => {
    const text = await promptText(writer, 'draft_bid_followup', { bid: '#123' });
    expect(text).toContain('log this follow-up on bid #123');
    // The call the prompt proposes, as the model would make it (its note filled in).
    const proposed = /call `bids\.add_note` with (\{.*?\}) \(fill in the note\)/.exec(text)?.[1];
    expect(proposed).toBeDefined();
    const args: Record<string, string> = {
      ...(JSON.parse(proposed ?? '{}') as Record<string, string>),
      body: 'Follow-up email: Switchgear option and next step, sent today to Jane Cooper.',
    };
    expect(args).toMatchObject({
      bid: '#123',
      idempotency_key: expect.stringMatching(/^followup-123-note-\d+$/),
    });

    const shown = (await writer.callTool({ name: 'bids.add_note', arguments: args })) as Result;
    expect(shown.structuredContent).toMatchObject({ outcome: 'confirmation_required' });
    const notesOf = async () =>
      ((await writer.callTool({ name: 'bids.get', arguments: { bid: '#123' } })) as Result).structuredContent
        ?.notes as { body: string }[];
    expect((await notesOf()).map((n) => n.body)).not.toContain(args.body);

    const applied = (await writer.callTool({
      name: 'bids.add_note',
      arguments: { ...args, change_id: shown.structuredContent?.change_id },
    })) as Result;
    expect(applied.structuredContent).toMatchObject({ outcome: 'applied', confirmed_via: 'change_id' });
    expect((await notesOf()).map((n) => n.body)).toContain(args.body);

    // The next follow-up on the same bid gets a key of its own (the note count moved on).
    const next = await promptText(writer, 'draft_bid_followup', { bid: '#123' });
    const nextKey = /"idempotency_key":"([^"]+)"/.exec(next)?.[1];
    expect(nextKey).toMatch(/^followup-123-note-\d+$/);
    expect(nextKey).not.toBe(args.idempotency_key);
  });

  it('draft_bid_followup without bids:write says logging needs that scope, and proposes no call', async () => {
    const text = await promptText(reader, 'draft_bid_followup', { bid: '#123' });
    expect(text).toContain('Logging this follow-up on bid #123 needs the bids:write scope');
    expect(text).not.toContain('bids.add_note');
    const { tools } = await reader.listTools();
    expect(tools.map((t) => t.name)).not.toContain('bids.add_note');
  });

  it('summarize_open_projects points at projects.list, which is linked to the Project brief view', async () => {
    const text = await promptText(reader, 'summarize_open_projects');
    expect(text).toContain('call `projects.list` with {"limit": 100}');
    expect(text).toContain('Project brief view (ui://workonward/project-brief.html');
    const { tools } = await reader.listTools();
    const linked = tools.find((t) => t.name === 'projects.list')?._meta?.ui as { resourceUri: string };
    expect(linked.resourceUri).toBe('ui://workonward/project-brief.html');
    const listed = (await reader.callTool({ name: 'projects.list', arguments: { limit: 100 } })) as Result;
    expect(listed.isError).toBeFalsy();
    expect(listed.structuredContent?.projects).toEqual(
      expect.arrayContaining([expect.objectContaining({ name: 'Clearwater Plaza Lofts' })]),
    );
  });
});
