import net from 'node:net';
import path from 'node:path';
import { startHaproxy } from '../../support/haproxy-process.js';

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
  // Ready once its runtime API answers.
  const haproxy = await startHaproxy(
    CONFIG,
    {
      HAPROXY_BIND: `127.0.0.1:${options.port}`,
      HAPROXY_ADMIN_SOCKET: socket,
      ...Object.fromEntries(options.instances.map((address, i) => [`INSTANCE_${i + 1}`, address])),
    },
    () =>
      status().then(
        () => true,
        () => false,
      ),
  );
  return {
    url: `http://127.0.0.1:${options.port}`,
    pid: haproxy.pid,
    status,
    command,
    stop: () => haproxy.stop(),
  };
}
