import { type ChildProcess, spawn } from 'node:child_process';

export interface HaproxyProcess {
  readonly pid: number | undefined;
  /** Stops it (SIGTERM) and waits for it to exit. */
  stop(): Promise<void>;
}

/**
 * Debian's HAProxy on `config` in the foreground, with `env` as its only environment (and PATH):
 * the deploy/ files read their addresses from it. Resolves once `ready` says it serves (polled,
 * a separate process); if it exits first or never gets ready, it is not left running and the
 * error carries what it printed.
 */
export async function startHaproxy(
  config: string,
  env: Record<string, string>,
  ready: () => Promise<boolean>,
): Promise<HaproxyProcess> {
  const child: ChildProcess = spawn('haproxy', ['-f', config, '-db'], {
    env: { PATH: process.env.PATH ?? '/usr/sbin:/usr/bin', ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<void>((resolve) =>
    child.once('exit', () => {
      resolve();
    }),
  );
  const stop = async () => {
    if (child.exitCode === null) child.kill('SIGTERM');
    await exited;
  };
  for (let i = 0; ; i += 1) {
    if (child.exitCode !== null) throw new Error(`haproxy exited: ${stderr}`);
    if (await ready()) return { pid: child.pid, stop };
    if (i > 100) {
      child.kill('SIGKILL');
      await exited;
      throw new Error(`haproxy did not get ready: ${stderr}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
