import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config/load.js';

const production = {
  WORKONWARD_ENV: 'production',
  WORKONWARD_MCP_TRANSPORT: 'http',
  WORKONWARD_MCP_AUTH: 'oauth',
  WORKONWARD_MCP_OAUTH_ISSUER: 'https://mcp.example.com',
  WORKONWARD_SMTP_URL: 'smtps://user:password@smtp.example.com:465',
};

describe('the OAuth signing key outside development', () => {
  it.each([
    ['missing', undefined],
    ['all zeros', '00'.repeat(32)],
    ['a repeated pattern', 'ab'.repeat(32)],
    ['a counting pattern', '0123456789'.repeat(7)],
    ['a repeated hex alphabet', '0123456789abcdef'.repeat(4)],
  ])('refuses to start when it is %s, saying how to make one', (_label, key) => {
    const load = () =>
      loadConfig({ ...production, ...(key !== undefined && { WORKONWARD_MCP_OAUTH_SIGNING_KEY: key }) });
    expect(load).toThrow(ConfigError);
    expect(load).toThrow(/openssl rand -hex 32/);
  });

  it('starts with a random one', () => {
    const key = Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString('hex');
    expect(loadConfig({ ...production, WORKONWARD_MCP_OAUTH_SIGNING_KEY: key }).oauth.signingKey).toBe(key);
  });
});
