import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isPublicAddress, metadataFetch } from '../../src/oauth/metadata-fetch.js';
import { authorizeUrl, pkce } from './support/flow.js';
import { startHttpsFixture, type HttpsFixture } from './support/https-fixture.js';
import { startOAuthServer, type OAuthTestServer } from './support/oauth-server.js';

let sentinel: HttpsFixture;
beforeAll(async () => {
  sentinel = await startHttpsFixture();
  sentinel.route('/client.json', (res) =>
    res.writeHead(200, { 'content-type': 'application/json' }).end('{}'),
  );
});
afterAll(() => sentinel.close());

function vectors(port: number): string[] {
  const hosts = [
    '127.0.0.1',
    'localhost',
    'LOCALHOST',
    'localhost.',
    '127.0.0.1.',
    '127.1',
    '127.0.1',
    '0x7f.0.0.1',
    '0x7f000001',
    '2130706433',
    '017700000001',
    '0177.0.0.1',
    '0',
    '0.0.0.0',
    '[::1]',
    '[::]',
    '[0:0:0:0:0:0:0:1]',
    '[::ffff:127.0.0.1]',
    '[::ffff:7f00:1]',
    '[0:0:0:0:0:ffff:127.0.0.1]',
    '[::ffff:10.0.0.1]',
    '[::ffff:169.254.169.254]',
    '10.0.0.1',
    '10.255.255.255',
    '172.16.0.1',
    '172.31.255.254',
    '192.168.0.1',
    '192.168.1.1',
    '169.254.169.254',
    '169.254.0.1',
    '100.64.0.1',
    '100.127.255.254',
    '198.18.0.1',
    '198.19.255.254',
    '192.0.0.1',
    '192.0.2.1',
    '198.51.100.1',
    '203.0.113.1',
    '224.0.0.1',
    '239.255.255.250',
    '255.255.255.255',
    '240.0.0.1',
    '[fd00::1]',
    '[fc00::1]',
    '[fe80::1]',
    '[febf::1]',
    '[ff02::1]',
    '[2001:db8::1]',
    '[64:ff9b::7f00:1]',
    '[2002:7f00:1::1]',
    '[2001::1]',
    '[100::1]',
    '[::127.0.0.1]',
    '[fec0::1]',
  ];
  const urls = hosts.map((h) => `https://${h}:${port}/client.json`);
  urls.push(
    `https://user@127.0.0.1:${port}/client.json`,
    `https://evil.example@127.0.0.1:${port}/client.json`,
    `https://127.0.0.1:${port}@evil.example/client.json`,
    `http://127.0.0.1:${port}/client.json`,
    `http://localhost:${port}/client.json`,
    `ftp://127.0.0.1:${port}/client.json`,
  );
  return urls;
}

describe('metadata document fetches are SSRF-hardened', () => {
  it('classifies addresses with ipaddr.js ranges', () => {
    expect(isPublicAddress('93.184.216.34')).toBe(true);
    expect(isPublicAddress('2606:4700::1111')).toBe(true);
    for (const ip of [
      '127.0.0.1',
      '::1',
      '10.1.2.3',
      '169.254.169.254',
      '100.64.0.1',
      'fd12::1',
      '::ffff:127.0.0.1',
      'nonsense',
    ])
      expect(isPublicAddress(ip), ip).toBe(false);
  });

  it('makes 0 connections for ≥ 60 loopback, private, link-local, CGNAT, reserved and mapped vectors', async () => {
    const port = Number(new URL(sentinel.origin).port);
    const fetcher = metadataFetch({ ca: sentinel.cert });
    const list = vectors(port);
    expect(list.length).toBeGreaterThanOrEqual(60);
    const reached: string[] = [];
    for (const url of list) {
      const outcome = await fetcher(url).then(
        (r) => `status ${r.status}`,
        () => 'refused',
      );
      if (outcome !== 'refused') reached.push(`${url} → ${outcome}`);
    }
    expect(reached).toEqual([]);
    expect(sentinel.hits()).toBe(0);
  });

  it('follows no redirects, stops at 16 KB and at the time limit', async () => {
    const fixture = await startHttpsFixture();
    try {
      fixture.route('/moved', (res) => res.writeHead(302, { location: '/target' }).end());
      fixture.route('/target', (res) => res.writeHead(200).end('{}'));
      fixture.route('/big', (res) => res.writeHead(200).end('x'.repeat(20 * 1024)));
      fixture.route('/slow', () => undefined);
      const fetcher = metadataFetch({ allowAddress: () => true, ca: fixture.cert, timeoutMs: 300 });
      const moved = await fetcher(`${fixture.origin}/moved`);
      expect(moved.status).toBe(302);
      expect(fixture.hits()).toBe(1);
      await expect(fetcher(`${fixture.origin}/big`)).rejects.toThrow(/too large/);
      await expect(fetcher(`${fixture.origin}/slow`)).rejects.toThrow(/timed out/);
    } finally {
      await fixture.close();
    }
  });
});

describe('Client ID Metadata Documents at the authorization endpoint', () => {
  let guarded: OAuthTestServer;
  let open: OAuthTestServer;
  let fixture: HttpsFixture;
  beforeAll(async () => {
    fixture = await startHttpsFixture();
    guarded = await startOAuthServer();
    open = await startOAuthServer({
      oauth: { metadataFetch: { allowAddress: () => true, ca: fixture.cert } },
    });
  });
  afterAll(async () => {
    await guarded.stop();
    await open.stop();
    await fixture.close();
  });

  const serve = (path: string, document: Record<string, unknown>) => {
    fixture.route(path, (res) =>
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(document)),
    );
    return `${fixture.origin}${path}`;
  };

  it('refuses a metadata document on a loopback host in production configuration (no connection made)', async () => {
    const clientId = serve('/guarded.json', {});
    const before = fixture.hits();
    const response = await fetch(
      authorizeUrl(guarded, {
        clientId,
        redirectUri: 'https://chatgpt.com/connector_platform_oauth_redirect',
        challenge: pkce().challenge,
      }),
      {
        redirect: 'manual',
      },
    );
    expect(response.status).toBe(400);
    expect(response.headers.get('location')).toBeNull();
    expect(fixture.hits()).toBe(before);
  });

  it("accepts ChatGPT's stable and per-connection redirect URIs from its document", async () => {
    const clientId = `${fixture.origin}/oauth/client.json`;
    serve('/oauth/client.json', {
      client_id: clientId,
      client_name: 'ChatGPT',
      redirect_uris: [
        'https://chatgpt.com/connector_platform_oauth_redirect',
        'https://chatgpt.com/connector/oauth/cb_123',
      ],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'none',
    });
    for (const redirectUri of [
      'https://chatgpt.com/connector_platform_oauth_redirect',
      'https://chatgpt.com/connector/oauth/cb_123',
    ]) {
      const response = await fetch(
        authorizeUrl(open, { clientId, redirectUri, challenge: pkce().challenge }),
        { redirect: 'manual' },
      );
      expect(response.status, redirectUri).toBe(303);
      expect(response.headers.get('location')).toContain('/oauth/interaction/');
    }
    const unlisted = await fetch(
      authorizeUrl(open, {
        clientId,
        redirectUri: 'https://chatgpt.com/connector/oauth/other',
        challenge: pkce().challenge,
      }),
      {
        redirect: 'manual',
      },
    );
    expect(unlisted.status).toBe(400);
  });

  it.each([
    [
      'a client_id that differs from the URL',
      (url: string) => ({
        client_id: `${url}x`,
        client_name: 'x',
        redirect_uris: ['https://app.example/cb'],
      }),
    ],
    [
      'a client secret',
      (url: string) => ({
        client_id: url,
        client_name: 'x',
        redirect_uris: ['https://app.example/cb'],
        client_secret: 's',
      }),
    ],
    [
      'shared-secret auth',
      (url: string) => ({
        client_id: url,
        client_name: 'x',
        redirect_uris: ['https://app.example/cb'],
        token_endpoint_auth_method: 'client_secret_post',
      }),
    ],
  ])('refuses a document with %s', async (label, make) => {
    const path = `/bad-${label.replace(/\W+/g, '-')}.json`;
    const clientId = `${fixture.origin}${path}`;
    serve(path, make(clientId));
    const response = await fetch(
      authorizeUrl(open, { clientId, redirectUri: 'https://app.example/cb', challenge: pkce().challenge }),
      {
        redirect: 'manual',
      },
    );
    expect(response.status).toBe(400);
    expect(response.headers.get('location')).toBeNull();
  });
});
