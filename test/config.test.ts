import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config/load.js';
import { isLoopbackHost } from '../src/config/loopback.js';

/** Configuration: defaults, every problem reported at once with its fix, and the unsafe ones refused. */
const ROOT = path.resolve(import.meta.dirname, '..');

function problemsOf(env: Record<string, string>): readonly string[] {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
  throw new Error(`expected ${JSON.stringify(env)} to be refused`);
}

describe('loadConfig', () => {
  it('applies the documented defaults to an empty environment', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      env: 'production',
      transport: 'stdio',
      auth: 'none',
      tenant: undefined,
      http: { host: '127.0.0.1', port: 8787, maxBodyBytes: 1024 * 1024, behindProxy: false },
      logLevel: 'info',
    });
    expect(config.store.dataDir).toBe(path.resolve('./data'));
    expect(config.store.url).toBe(`sqlite:${path.resolve('./data', 'workonward.sqlite')}`);
    expect(config.oauth.issuer).toBe('http://127.0.0.1:8787');
  });

  it('gives a front (remote backend mode) its own default SQLite file beside the embedded one', () => {
    const remote = { WORKONWARD_BASE_URL: 'https://mail.gitdate.ink', WORKONWARD_API_KEY: 'wk_live_x' };
    expect(loadConfig({ ...remote, WORKONWARD_DATA_DIR: '/srv/wk' }).store.url).toBe(
      `sqlite:${path.resolve('/srv/wk', 'front.sqlite')}`,
    );
    // An explicit store is used as given: sharing one is the operator's choice (ForeignTenants guards it).
    expect(
      loadConfig({ ...remote, WORKONWARD_DATABASE_URL: 'sqlite:/srv/wk/workonward.sqlite' }).store.url,
    ).toBe('sqlite:/srv/wk/workonward.sqlite');
  });

  it('defaults to OAuth on the http transport and to no auth on stdio', () => {
    expect(loadConfig({ WORKONWARD_ENV: 'development', WORKONWARD_MCP_TRANSPORT: 'http' }).auth).toBe(
      'oauth',
    );
    expect(loadConfig({ WORKONWARD_MCP_TRANSPORT: 'stdio' }).auth).toBe('none');
  });

  it('treats empty values as unset', () => {
    const config = loadConfig({
      WORKONWARD_MCP_PORT: '',
      WORKONWARD_MCP_HOST: '',
      WORKONWARD_DATABASE_URL: '',
    });
    expect(config.http).toMatchObject({ host: '127.0.0.1', port: 8787 });
    expect(config.store.url.startsWith('sqlite:')).toBe(true);
  });

  it('reads the values it is given', () => {
    const config = loadConfig({
      WORKONWARD_ENV: 'development',
      WORKONWARD_MCP_TRANSPORT: 'http',
      WORKONWARD_MCP_AUTH: 'none',
      WORKONWARD_MCP_TENANT: 'summit-ridge',
      WORKONWARD_MCP_PORT: '9999',
      WORKONWARD_MCP_MAX_BODY_BYTES: '4096',
      WORKONWARD_MCP_ALLOWED_HOSTS: 'mcp.example.com, localhost',
      WORKONWARD_DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/test',
      WORKONWARD_MCP_DRY_RUN: 'yes',
    });
    expect(config).toMatchObject({
      env: 'development',
      transport: 'http',
      auth: 'none',
      tenant: 'summit-ridge',
      http: { port: 9999, maxBodyBytes: 4096, allowedHosts: ['mcp.example.com', 'localhost'] },
      store: { url: 'postgres://postgres@127.0.0.1:5432/test' },
      mail: { dryRun: true },
    });
  });

  it('returns a frozen object', () => {
    const config = loadConfig({});
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('reports every invalid variable at once, each with its name and its fix', () => {
    const problems = problemsOf({
      WORKONWARD_MCP_TRANSPORT: 'ftp',
      WORKONWARD_MCP_PORT: 'eighty',
      WORKONWARD_MCP_MAX_BODY_BYTES: '10',
      WORKONWARD_LOG_LEVEL: 'loud',
      WORKONWARD_MCP_TENANT: 'Not A Slug',
      WORKONWARD_MCP_DRY_RUN: 'maybe',
    });
    const named = [
      'WORKONWARD_MCP_TRANSPORT',
      'WORKONWARD_MCP_PORT',
      'WORKONWARD_MCP_MAX_BODY_BYTES',
      'WORKONWARD_LOG_LEVEL',
      'WORKONWARD_MCP_TENANT',
      'WORKONWARD_MCP_DRY_RUN',
    ];
    expect(problems).toHaveLength(named.length);
    for (const name of named) {
      const problem = problems.find((p) => p.startsWith(`${name}:`));
      expect(problem, name).toBeDefined();
      expect(problem, name).toMatch(/Fix: \S/);
    }
    expect(problems.find((p) => p.startsWith('WORKONWARD_MCP_PORT'))).toContain('"eighty"');
  });

  it('puts every problem into one message', () => {
    try {
      loadConfig({ WORKONWARD_MCP_PORT: '-1', WORKONWARD_LOG_LEVEL: 'loud' });
      expect.unreachable();
    } catch (error) {
      const message = (error as Error).message;
      expect(message).toContain('Invalid configuration (2 problems)');
      expect(message).toContain('WORKONWARD_MCP_PORT');
      expect(message).toContain('WORKONWARD_LOG_LEVEL');
    }
  });

  it('never echoes a secret value back', () => {
    const secrets = {
      WORKONWARD_DATABASE_URL: 'mysql://admin:hunter2-secret@db.example/crm',
      WORKONWARD_MCP_OAUTH_SIGNING_KEY: 'not-hex-but-very-secret',
    };
    const problems = problemsOf(secrets);
    expect(problems).toHaveLength(2);
    const message = problems.join('\n');
    expect(message).not.toContain('hunter2');
    expect(message).not.toContain('very-secret');
    expect(message).toContain('WORKONWARD_DATABASE_URL');
    expect(message).toContain('WORKONWARD_MCP_OAUTH_SIGNING_KEY');
  });

  it('reports an invalid value and an unsafe combination together', () => {
    const problems = problemsOf({
      WORKONWARD_MCP_PORT: 'eighty',
      WORKONWARD_MCP_TRANSPORT: 'http',
      WORKONWARD_MCP_AUTH: 'none',
      WORKONWARD_MCP_HOST: '0.0.0.0',
    });
    expect(problems.map((p) => p.split(':')[0])).toEqual(['WORKONWARD_MCP_PORT', 'WORKONWARD_MCP_AUTH']);
  });

  it.each([
    '0.0.0.0',
    '::',
    '192.168.1.20',
    'mcp.example.com',
    '127.0.0.1.evil.com',
    'localhost.evil.com',
    '127.example',
  ])('refuses WORKONWARD_MCP_AUTH=none over http bound to %s, naming the fix', (host) => {
    const problems = problemsOf({
      WORKONWARD_MCP_TRANSPORT: 'http',
      WORKONWARD_MCP_AUTH: 'none',
      WORKONWARD_MCP_HOST: host,
    });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain('WORKONWARD_MCP_AUTH');
    expect(problems[0]).toContain(host);
    expect(problems[0]).toContain(
      'Fix: bind WORKONWARD_MCP_HOST=127.0.0.1, or set WORKONWARD_MCP_AUTH=oauth',
    );
  });

  it.each(['127.0.0.1', '127.0.0.2', '::1', 'localhost'])(
    'allows WORKONWARD_MCP_AUTH=none over http on loopback %s',
    (host) => {
      const config = loadConfig({
        WORKONWARD_MCP_TRANSPORT: 'http',
        WORKONWARD_MCP_AUTH: 'none',
        WORKONWARD_MCP_HOST: host,
      });
      expect(config.auth).toBe('none');
    },
  );

  it('allows WORKONWARD_MCP_AUTH=none on stdio whatever the host', () => {
    expect(loadConfig({ WORKONWARD_MCP_AUTH: 'none', WORKONWARD_MCP_HOST: '0.0.0.0' }).auth).toBe('none');
  });

  it.each(['bad host', 'http://127.0.0.1', '127.0.0.1:8787', 'exa_mple.com'])(
    'refuses WORKONWARD_MCP_HOST=%s as a configuration problem, not a crash',
    (host) => {
      const problems = problemsOf({
        WORKONWARD_ENV: 'development',
        WORKONWARD_MCP_TRANSPORT: 'http',
        WORKONWARD_MCP_HOST: host,
      });
      expect(problems).toHaveLength(1);
      expect(problems[0]).toMatch(/^WORKONWARD_MCP_HOST: .*Fix: /);
    },
  );

  it('refuses an issuer with a path', () => {
    const problems = problemsOf({ WORKONWARD_MCP_OAUTH_ISSUER: 'https://mcp.example.com/api' });
    expect(problems[0]).toMatch(/^WORKONWARD_MCP_OAUTH_ISSUER: must be an origin/);
  });

  it('requires a signing key and an https issuer for OAuth in production', () => {
    const problems = problemsOf({
      WORKONWARD_ENV: 'production',
      WORKONWARD_MCP_TRANSPORT: 'http',
      WORKONWARD_MCP_AUTH: 'oauth',
      WORKONWARD_MCP_OAUTH_ISSUER: 'http://mcp.example.com',
      WORKONWARD_SMTP_URL: 'smtps://user:password@smtp.example.com:465',
    });
    expect(problems.map((p) => p.split(':')[0]).sort()).toEqual([
      'WORKONWARD_MCP_OAUTH_ISSUER',
      'WORKONWARD_MCP_OAUTH_SIGNING_KEY',
    ]);
  });

  it('requires an SMTP server in production when sign-in codes or queued email must leave the machine', () => {
    const base = {
      WORKONWARD_ENV: 'production',
      WORKONWARD_MCP_TRANSPORT: 'http',
      WORKONWARD_MCP_OAUTH_ISSUER: 'https://mcp.gitdate.ink',
      WORKONWARD_MCP_OAUTH_SIGNING_KEY: '6f'.repeat(2) + '0123456789abcdef'.repeat(4).slice(4),
    };
    const smtpProblem = (env: Record<string, string>) => {
      try {
        loadConfig({ ...base, ...env });
        return [];
      } catch (error) {
        return (error as ConfigError).problems.filter((p) => p.startsWith('WORKONWARD_SMTP_URL'));
      }
    };
    expect(smtpProblem({ WORKONWARD_MCP_AUTH: 'oauth' })).toHaveLength(1);
    expect(smtpProblem({ WORKONWARD_MCP_AUTH: 'oauth' })[0]).toContain('sign-in codes are emailed');
    expect(
      smtpProblem({
        WORKONWARD_MCP_AUTH: 'none',
        WORKONWARD_MCP_HOST: '127.0.0.1',
        WORKONWARD_MCP_RECIPIENT_ALLOWLIST: '@gitdate\\.ink$',
      }),
    ).toHaveLength(1);
    // Dry-run queues nothing, so a loopback no-auth deployment in dry-run needs no SMTP.
    expect(
      smtpProblem({
        WORKONWARD_MCP_AUTH: 'none',
        WORKONWARD_MCP_HOST: '127.0.0.1',
        WORKONWARD_MCP_RECIPIENT_ALLOWLIST: '@gitdate\\.ink$',
        WORKONWARD_MCP_DRY_RUN: '1',
      }),
    ).toEqual([]);
    expect(
      smtpProblem({ WORKONWARD_MCP_AUTH: 'oauth', WORKONWARD_SMTP_URL: 'smtp://127.0.0.1:2525' }),
    ).toEqual([]);
  });
});

describe('isLoopbackHost', () => {
  it.each(['127.0.0.1', '127.1.2.3', '::1', '[::1]', 'localhost', 'LOCALHOST', '::ffff:127.0.0.1'])(
    '%s is loopback',
    (host) => {
      expect(isLoopbackHost(host)).toBe(true);
    },
  );

  it.each([
    '0.0.0.0',
    '::',
    '10.0.0.1',
    '127.0.0.1.evil.com',
    '127.evil',
    'localhost.evil.com',
    'evil-localhost',
    '',
  ])('%s is not loopback', (host) => {
    expect(isLoopbackHost(host)).toBe(false);
  });
});

describe('the CLI with an unsafe configuration', () => {
  const dirs: string[] = [];
  afterAll(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  async function freePort(): Promise<number> {
    const probe = net.createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const { port } = probe.address() as net.AddressInfo;
    await new Promise<void>((resolve) =>
      probe.close(() => {
        resolve();
      }),
    );
    return port;
  }

  function runCli(
    env: Record<string, string>,
  ): Promise<{ code: number | null; stdout: string; stderr: string }> {
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
        cwd: ROOT,
        env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
      child.on('error', reject);
      child.on('close', (code) => {
        clearTimeout(timer);
        resolve({ code, stdout, stderr });
      });
    });
  }

  it('exits non-zero with the problem and its fix before opening the store or listening', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'workonward-config-'));
    dirs.push(dir);
    const dataDir = path.join(dir, 'never-created');
    const port = await freePort();
    const result = await runCli({
      WORKONWARD_MCP_TRANSPORT: 'http',
      WORKONWARD_MCP_AUTH: 'none',
      WORKONWARD_MCP_HOST: '0.0.0.0',
      WORKONWARD_MCP_PORT: String(port),
      WORKONWARD_DATA_DIR: dataDir,
      WORKONWARD_ENV: 'development',
    });
    expect(result.code).not.toBe(0);
    expect(result.code).not.toBeNull();
    expect(result.stderr).toContain(
      'WORKONWARD_MCP_AUTH: `none` would serve tenant data without authentication on 0.0.0.0',
    );
    expect(result.stderr).toContain(
      'Fix: bind WORKONWARD_MCP_HOST=127.0.0.1, or set WORKONWARD_MCP_AUTH=oauth.',
    );
    expect(result.stderr).not.toContain('serving MCP');
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(result.stdout).toBe('');
    expect(existsSync(dataDir)).toBe(false);
  }, 90_000);

  it('lists every problem in one message', async () => {
    const result = await runCli({
      WORKONWARD_MCP_TRANSPORT: 'http',
      WORKONWARD_MCP_PORT: 'eighty',
      WORKONWARD_LOG_LEVEL: 'loud',
    });
    expect(result.code).not.toBe(0);
    // The two bad values, and what production OAuth on http still needs (a signing key, SMTP).
    expect(result.stderr).toContain('Invalid configuration (4 problems)');
    expect(result.stderr).toContain('- WORKONWARD_SMTP_URL: required in production');
    expect(result.stderr).toContain('- WORKONWARD_MCP_PORT:');
    expect(result.stderr).toContain('- WORKONWARD_LOG_LEVEL:');
    expect(result.stderr).toContain('- WORKONWARD_MCP_OAUTH_SIGNING_KEY: required in production');
  }, 90_000);
});
