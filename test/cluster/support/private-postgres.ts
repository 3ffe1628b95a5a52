import { execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort } from '../../oauth/support/oauth-server.js';

/**
 * A PostgreSQL cluster of this test's own (Debian's initdb and pg_ctl, a temp dir, a free port),
 * so restarting it under load harms nobody else's tests on the shared server. PostgreSQL refuses
 * to run as root, so as root (CI) its commands run as the `postgres` user.
 */
export interface PrivatePostgres {
  readonly url: string;
  stop(): void;
  start(): void;
  dispose(): void;
}

const asRoot = process.getuid?.() === 0;

/** Debian keeps initdb and pg_ctl out of PATH, under /usr/lib/postgresql/<version>/bin. */
function binary(name: string): string {
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root) ? readdirSync(root).sort((a, b) => Number(b) - Number(a)) : [];
  const found = versions.map((v) => path.join(root, v, 'bin', name)).find((file) => existsSync(file));
  return found ?? name;
}

function run(command: string, args: string[]): void {
  const program = binary(command);
  const [file, argv] = asRoot ? ['runuser', ['-u', 'postgres', '--', program, ...args]] : [program, args];
  execFileSync(file, argv, { stdio: ['ignore', 'ignore', 'pipe'], timeout: 60_000 });
}

export async function startPrivatePostgres(): Promise<PrivatePostgres> {
  const dir = mkdtempSync(path.join(tmpdir(), 'workonward-pg-'));
  if (asRoot) {
    const { uid, gid } = JSON.parse(
      execFileSync('sh', [
        '-c',
        'printf \'{"uid":%s,"gid":%s}\' "$(id -u postgres)" "$(id -g postgres)"',
      ]).toString(),
    ) as { uid: number; gid: number };
    chownSync(dir, uid, gid);
  }
  const data = path.join(dir, 'data');
  const port = await freePort();
  run('initdb', ['-D', data, '-U', 'postgres', '--auth=trust', '--no-sync', '-E', 'UTF8']);
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c max_connections=100`;
  const start = () => {
    run('pg_ctl', ['-D', data, '-o', options, '-l', path.join(dir, 'log'), '-w', 'start']);
  };
  start();
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    stop: () => {
      run('pg_ctl', ['-D', data, '-m', 'fast', '-w', 'stop']);
    },
    start,
    dispose: () => {
      try {
        run('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
      } catch {
        // Already stopped.
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
