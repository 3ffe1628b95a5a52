import { type ChildProcess, spawn } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';

const CONFIG = path.resolve(import.meta.dirname, '../../../deploy/haproxy.cfg');

export interface Balancer {
  readonly url: string;
  /** HAProxy's process id (bench/cluster.ts reads its CPU time from /proc). */
  readonly pid: number | undefined;
  /** `UP`, `DOWN`, `MAINT`… per server name (instance1…instance3), from the runtime API. */
  status(): Promise<Record<string, string>>;
  /** Runs one runtime API command, e.g. `disable server instances/instance2`. */
  command(line: string): Promise<string>;
  stop(): Promise<void>;
}

/** Debian's HAProxy running deploy/haproxy.cfg in the foreground, in front of `instances`. */
export async function startBalancer(options: {
  port: number;
  instances: readonly string[];
  dir: string;
}): Promise<Balancer> {
  const socket = path.join(options.dir, 'haproxy.sock');
  const child: ChildProcess = spawn('haproxy', ['-f', CONFIG, '-db'], {
    env: {
      PATH: process.env.PATH ?? '/usr/sbin:/usr/bin',
      HAPROXY_BIND: `127.0.0.1:${options.port}`,
      HAPROXY_ADMIN_SOCKET: socket,
      ...Object.fromEntries(options.instances.map((address, i) => [`INSTANCE_${i + 1}`, address])),
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<void>((resolve) =>
    child.once('exit', () => {
      resolve();
    }),
  );
  const command = (line: string) =>
    new Promise<string>((resolve, reject) => {
      const connection = net.connect(socket);
      let answer = '';
      connection.on('data', (chunk) => (answer += chunk.toString()));
      connection.on('end', () => {
        resolve(answer);
      });
      connection.on('error', reject);
      connection.end(`${line}\n`);
    });
  const status = async () => {
    const csv = await command('show stat');
    const rows = csv.split('\n').map((line) => line.split(','));
    const header = rows[0] ?? [];
    const at = (name: string) => header.indexOf(name === 'pxname' ? '# pxname' : name);
    return Object.fromEntries(
      rows
        .filter((row) => row[at('pxname')] === 'instances' && row[at('svname')]?.startsWith('instance'))
        .map((row) => [row[at('svname')] ?? '', row[at('status')] ?? '']),
    );
  };
  for (let i = 0; ; i += 1) {
    if (child.exitCode !== null) throw new Error(`haproxy exited: ${stderr}`);
    try {
      await status();
      break;
    } catch (error) {
      if (i > 100) {
        child.kill('SIGKILL'); // a balancer that never answered is not left running
        await exited;
        throw error;
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  return {
    url: `http://127.0.0.1:${options.port}`,
    pid: child.pid,
    status,
    command,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}
