import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/server.js';
import { LEGACY, legacy, post, rawPost } from './raw-http.js';

/** DNS-rebinding and cross-origin guards of the MCP endpoint (security-targets §2). */
let server: TestServer;
let endpoint: string;
beforeAll(async () => {
  server = await startTestServer();
  endpoint = `${server.url}/mcp`;
});
afterAll(() => server.stop());

describe('Origin and Host validation (DNS rebinding)', () => {
  it.each([
    'http://evil.com',
    'null',
    'http://127.0.0.1.evil.com',
    'http://localhost.evil.com',
    'https://evil-localhost.com',
    'http://localhost.',
    'http://xn--lcalhost-r4a.com',
    'file://',
    'not a url',
    'http://[::ffff:7f00:1].evil.com',
  ])('refuses Origin %s with 403 and an id-less error', async (origin) => {
    const answer = await post(endpoint, legacy('ping'), { ...LEGACY, origin });
    expect(answer.status).toBe(403);
    expect(answer.body?.id ?? null).toBeNull();
    expect(answer.body?.result).toBeUndefined();
  });

  it.each(['http://localhost:6274', 'http://127.0.0.1:3000', 'http://[::1]:8080'])(
    'accepts the loopback Origin %s',
    async (origin) => {
      const answer = await post(endpoint, legacy('ping'), { ...LEGACY, origin });
      expect(answer.status).toBe(200);
    },
  );

  it('refuses a foreign Origin on /api/mcp too', async () => {
    const answer = await post(`${server.url}/api/mcp`, legacy('ping'), {
      ...LEGACY,
      origin: 'https://attacker.example',
    });
    expect(answer.status).toBe(403);
  });

  it.each(['evil.com', 'localhost.evil.com', '127.0.0.1.evil.com', 'evil.com:80', '10.0.0.1', 'localhost.'])(
    'refuses Host %s with 403',
    async (host) => {
      const answer = await rawPost(endpoint, { ...LEGACY, host }, legacy('ping'));
      expect(answer.status).toBe(403);
      expect(answer.body?.result).toBeUndefined();
    },
  );

  it.each(['localhost', '127.0.0.1', '[::1]'])('accepts Host %s on any port', async (host) => {
    const port = new URL(server.url).port;
    const answer = await rawPost(endpoint, { ...LEGACY, host: `${host}:${port}` }, legacy('ping'));
    expect(answer.status).toBe(200);
  });
});

describe('Origin × Host matrix', () => {
  // [label, Origin header or undefined, allowed?]
  const origins: [string, string | undefined, boolean][] = [
    ['no Origin', undefined, true],
    ['this server', 'http://localhost:PORT', true],
    ['loopback, other port', 'http://127.0.0.1:1', true],
    ['upper-case loopback', 'HTTP://LOCALHOST:3000', true],
    ['null', 'null', false],
    ['look-alike suffix', 'http://localhost.evil.com', false],
    ['look-alike prefix', 'http://evillocalhost', false],
    ['IP look-alike', 'http://127.0.0.1.nip.io', false],
    ['trailing dot', 'http://localhost.:3000', false],
    // Browsers send the A-label form of a Cyrillic-о “localhost”.
    ['IDN homograph', new URL('http://lоcalhost').origin, false],
    ['file scheme', 'file://', false],
    ['unparseable', 'http://[', false],
    ['foreign https', 'https://chatgpt.com', false],
  ];
  // [label, Host header, allowed?]
  const hosts: [string, string, boolean][] = [
    ['allowed 127.0.0.1', '127.0.0.1:PORT', true],
    ['allowed localhost', 'localhost:PORT', true],
    ['foreign name', 'evil.com', false],
    ['raw non-loopback IP', '10.0.0.1:PORT', false],
  ];
  const cases = origins.flatMap(([originLabel, origin, originOk]) =>
    hosts.map(
      ([hostLabel, host, hostOk]) =>
        [`${originLabel} with ${hostLabel}`, origin, host, originOk && hostOk] as const,
    ),
  );

  it.each(cases)('%s → %s', async (_label, origin, host, allowed) => {
    const port = new URL(server.url).port;
    const headers: Record<string, string> = { ...LEGACY, host: host.replace('PORT', port) };
    if (origin !== undefined) headers.origin = origin.replace('PORT', port);
    const answer = await rawPost(endpoint, headers, legacy('ping'));
    expect(answer.status, answer.text).toBe(allowed ? 200 : 403);
    if (!allowed) {
      expect(answer.body?.result).toBeUndefined();
      expect(answer.body?.id ?? null).toBeNull();
    }
  });
});

describe('Origin compared as scheme, host and port (issue 9, finding 13)', () => {
  let configured: TestServer;
  beforeAll(async () => {
    configured = await startTestServer({
      env: {
        WORKONWARD_MCP_OAUTH_ISSUER: 'https://mcp.example.com',
        WORKONWARD_MCP_ALLOWED_ORIGINS: 'https://app.example.com',
      },
    });
  });
  afterAll(() => configured.stop());

  it.each([
    ['https://app.example.com', 200],
    ['https://mcp.example.com', 200],
    ['https://app.example.com:443', 200],
    ['http://app.example.com', 403],
    ['https://app.example.com:8443', 403],
    ['http://mcp.example.com', 403],
    ['https://mcp.example.com:444', 403],
    ['wss://app.example.com', 403],
  ])('Origin %s → %i', async (origin, status) => {
    const answer = await rawPost(
      `${configured.url}/mcp`,
      { ...LEGACY, host: 'mcp.example.com', origin },
      legacy('ping'),
    );
    expect(answer.status, answer.text).toBe(status);
  });
});
