import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALEX, register, signIn } from './support/flow.js';
import { freePort, startOAuthServer, type OAuthTestServer } from './support/oauth-server.js';
import { formField, UserAgent } from './support/user-agent.js';

/** Same pinned suite as scripts/conformance.ts (it needs Node 22, fetched by npx). */
const SUITE = '@modelcontextprotocol/conformance@0.2.0-alpha.12';

let server: OAuthTestServer;
beforeAll(async () => {
  server = await startOAuthServer();
});
afterAll(() => server.stop());

describe('the official conformance suite, authorization-server scenarios', () => {
  it(
    'passes authorization-server-metadata-endpoint and authorization-code-grant',
    { timeout: 180_000 },
    async () => {
      const port = await freePort();
      const { body } = await register(server, {
        client_name: 'MCP conformance',
        redirect_uris: [`http://127.0.0.1:${port}/callback`],
        token_endpoint_auth_method: 'none',
      });
      const ua = new UserAgent(server.url);
      await signIn(server, ua, ALEX);
      const out = mkdtempSync(path.join(tmpdir(), 'workonward-conformance-'));
      const child = spawn(
        'npx',
        [
          '--yes',
          '-p',
          'node@22',
          '-p',
          SUITE,
          'conformance',
          'authorization',
          '--url',
          server.url,
          '--client-id',
          body.client_id,
          '--resource',
          `${server.url}/mcp`,
          '-p',
          String(port),
          '-o',
          out,
        ],
        { stdio: ['ignore', 'pipe', 'pipe'] },
      );
      let output = '';
      child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
      const driven: Promise<void>[] = [];
      createInterface({ input: child.stdout }).on('line', (line) => {
        output += `${line}\n`;
        if (!line.startsWith(`${server.url}/oauth/authorize?`)) return;
        // The suite waits for a person to sign in and consent; the test is that person.
        driven.push(
          (async () => {
            const { response, url } = await ua.follow(await ua.get(line.trim()));
            const html = await response.text();
            const tenant = /name="tenant" value="([^"]+)"/.exec(html)?.[1] ?? '';
            const back = await ua.follow(
              await ua.post(new URL(url).pathname, {
                csrf: formField(html, 'csrf'),
                tenant,
                scope: 'projects:read',
                decision: 'allow',
              }),
            );
            await fetch(back.url);
          })(),
        );
      });
      const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
      await Promise.all(driven);
      rmSync(out, { recursive: true, force: true });
      expect(output, output).toMatch(/✓ authorization-server-metadata-endpoint: \d+ passed, 0 failed/);
      expect(output, output).toMatch(/✓ authorization-code-grant: \d+ passed, 0 failed/);
      expect(output, output).toMatch(/Total: \d+ passed, 0 failed/);
      expect(code).toBe(0);
    },
  );
});
