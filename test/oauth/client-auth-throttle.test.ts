import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { register } from './support/flow.js';
import { startOAuthServer, type OAuthTestServer } from './support/oauth-server.js';

let server: OAuthTestServer;
beforeAll(async () => {
  server = await startOAuthServer({ oauth: { registrationsPerMinute: 1000 } });
});
afterAll(() => server.stop());

async function confidentialClient(name: string) {
  const { body } = await register(server, {
    client_name: name,
    redirect_uris: ['https://rs.example/cb'],
    token_endpoint_auth_method: 'client_secret_basic',
  });
  return { id: body.client_id, secret: String(body.client_secret) };
}

/** A token request authenticated with HTTP Basic (the grant itself is irrelevant: auth comes first). */
async function tokenWithSecret(path: string, clientId: string, secret: string) {
  const response = await fetch(`${server.url}${path}`, {
    method: 'POST',
    headers: {
      authorization: `Basic ${Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(secret)}`).toString('base64')}`,
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: 'x'.repeat(43), token: 'y' }),
  });
  return {
    status: response.status,
    retryAfter: response.headers.get('retry-after'),
    body: await response.json(),
  };
}

describe('failed client authentication', () => {
  it('10 failures in a minute lock that client out with 429 and Retry-After, right secret or not', async () => {
    const victim = await confidentialClient('victim');
    const bystander = await confidentialClient('bystander');
    // Spread over the three endpoints where clients authenticate: they share one counter.
    const paths = ['/oauth/token', '/oauth/introspect', '/oauth/revoke'];
    for (let i = 0; i < 10; i += 1) {
      const attempt = await tokenWithSecret(paths[i % 3] ?? '/oauth/token', victim.id, `wrong-${String(i)}`);
      expect(attempt.status, `attempt ${String(i + 1)}`).toBe(401);
    }
    const locked = await tokenWithSecret('/oauth/token', victim.id, victim.secret);
    expect(locked.status).toBe(429);
    expect(Number(locked.retryAfter)).toBeGreaterThan(0);
    expect(locked.body).toMatchObject({ error: 'invalid_client' });
    expect((await tokenWithSecret('/oauth/introspect', victim.id, victim.secret)).status).toBe(429);

    // Another client is unaffected: its right secret reaches the grant check (400, not 401/429).
    expect((await tokenWithSecret('/oauth/token', bystander.id, bystander.secret)).status).toBe(400);
  });

  it('made-up client ids are never counted, so they cannot flush or poison real counters', async () => {
    for (let i = 0; i < 30; i += 1)
      expect((await tokenWithSecret('/oauth/token', 'no-such-client', 'x')).status).toBe(401);
    const real = await confidentialClient('real');
    expect((await tokenWithSecret('/oauth/token', real.id, real.secret)).status).toBe(400);
  });
});

describe('a token request the throttle cannot read (issue 9, finding 5)', () => {
  /** client_secret_post: the client id is only in the body, after `padding` bytes of filler. */
  async function paddedTokenRequest(clientId: string, secret: string, padding: number) {
    const form = `pad=${'x'.repeat(padding)}&${new URLSearchParams({
      grant_type: 'refresh_token',
      refresh_token: 'x'.repeat(43),
      client_id: clientId,
      client_secret: secret,
    }).toString()}`;
    // A stream body is sent chunked: no Content-Length for the edge to refuse early.
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        const bytes = new TextEncoder().encode(form);
        for (let at = 0; at < bytes.length; at += 4096) controller.enqueue(bytes.slice(at, at + 4096));
        controller.close();
      },
    });
    const response = await fetch(`${server.url}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body,
      duplex: 'half',
    });
    return { status: response.status, body: (await response.json()) as { error?: string } };
  }

  it('refuses a body over the limit (413) instead of letting the engine read its tail', async () => {
    const { body } = await register(server, {
      client_name: 'padded',
      redirect_uris: ['https://rs.example/cb'],
      token_endpoint_auth_method: 'client_secret_post',
    });
    const [id, secret] = [body.client_id, String(body.client_secret)];
    for (let i = 0; i < 10; i += 1)
      expect((await paddedTokenRequest(id, `wrong-${String(i)}`, 10)).status).toBe(401);
    // Locked out: the right secret in a readable body is throttled...
    expect((await paddedTokenRequest(id, secret, 10)).status).toBe(429);
    // ...and so is it behind 60 KiB of padding: the body is refused, never half-read.
    const padded = await paddedTokenRequest(id, secret, 60 * 1024);
    expect(padded.status).toBe(413);
    expect(padded.body.error).toBe('invalid_request');
  });
});
