import { expect, it } from 'vitest';
import { startTestServer } from '../support/server.js';
import { startOAuthServer } from './support/oauth-server.js';

/**
 * The authorization server's answers (oidc-provider, handed the raw response) in a process where a
 * server without sign-in already ran: @hono/node-server's RESPONSE_ALREADY_SENT must still be
 * honoured (src/serve.ts says why the import order matters).
 */
it('answers its metadata when an OAuth server starts after a server without sign-in', async () => {
  const withoutSignIn = await startTestServer({ dialect: 'sqlite' });
  await withoutSignIn.stop();
  const server = await startOAuthServer();
  try {
    const response = await fetch(`${server.url}/.well-known/oauth-authorization-server`);
    expect(response.status).toBe(200);
    expect(response.headers.get('x-hono-already-sent')).toBeNull();
    expect(((await response.json()) as { issuer: string }).issuer).toBe(server.url);
  } finally {
    await server.stop();
  }
});
