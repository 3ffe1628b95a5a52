import { Client } from '@modelcontextprotocol/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliTransport, demoDatabase } from '../support/stdio-cli.js';
import type { TestDatabase } from '../support/stores.js';

/**
 * On stdio one connection carries a server-to-client request and its answer, so a 2025-era client
 * that declares form elicitation is asked during the call (`elicitation/create`), not with a
 * change_id. The CLI runs as `npx workonward-mcp` runs it.
 */

describe('write tools over stdio with a 2025-era client that declares elicitation', () => {
  let database: TestDatabase;
  let client: Client;
  const asked: string[] = [];
  let answer: 'accept' | 'decline' = 'accept';
  beforeAll(async () => {
    database = await demoDatabase('sqlite');
    client = new Client({ name: 'stdio-writes', version: '1.0.0' }, { capabilities: { elicitation: {} } });
    client.setRequestHandler('elicitation/create', (request) => {
      asked.push(request.params.message);
      return Promise.resolve(
        answer === 'accept' ? { action: 'accept', content: { confirm: true } } : { action: 'decline' },
      );
    });
    await client.connect(cliTransport(database.url), { timeout: 120_000 });
  }, 150_000);
  afterAll(async () => {
    await client.close();
    await database.dispose();
  }, 30_000);

  it('asks during the call and makes the change only on yes', async () => {
    answer = 'decline';
    const declined = await client.callTool({
      name: 'bids.add_note',
      arguments: { bid: '#123', body: 'Left a voicemail.', idempotency_key: 'stdio-1' },
    });
    expect(declined.structuredContent).toMatchObject({ outcome: 'declined' });
    answer = 'accept';
    const applied = await client.callTool({
      name: 'bids.add_note',
      arguments: { bid: '#123', body: 'Left a voicemail.', idempotency_key: 'stdio-2' },
    });
    expect(applied.structuredContent).toMatchObject({ outcome: 'applied', confirmed_via: 'elicitation' });
    expect(asked).toHaveLength(2);
    expect(asked[0]).toContain('Left a voicemail.');
    const bid = await client.callTool({ name: 'bids.get', arguments: { bid: '#123' } });
    const notes = (bid.structuredContent as { notes: { body: string }[] }).notes;
    expect(notes.filter((n) => n.body === 'Left a voicemail.')).toHaveLength(1);
  });
});
