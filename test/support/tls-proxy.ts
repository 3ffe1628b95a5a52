import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { selfSignedCertificate } from '../oauth/support/https-fixture.js';
import { startHaproxy } from './haproxy-process.js';

const CONFIG = path.resolve(import.meta.dirname, '../../deploy/haproxy-tls.cfg');

export interface TlsProxy {
  /** `https://localhost:PORT`, the public origin (the issuer). */
  readonly url: string;
  /** The self-signed certificate (PEM) a client must trust, as it would trust a real CA. */
  readonly ca: string;
  /** The same certificate as a file, for `curl --cacert`. */
  readonly caFile: string;
  stop(): Promise<void>;
}

/**
 * Debian's HAProxy running deploy/haproxy-tls.cfg: TLS with a throwaway certificate for
 * localhost, terminated in front of `upstream` (host:port), as production does in front of a
 * server with WORKONWARD_MCP_BEHIND_PROXY=1. `edit` changes the file's text first, to run a
 * proxy misconfigured in one known way.
 */
export async function startTlsProxy(options: {
  port: number;
  upstream: string;
  edit?: (config: string) => string;
}): Promise<TlsProxy> {
  const dir = mkdtempSync(path.join(tmpdir(), 'wk-tls-'));
  const { key, cert } = selfSignedCertificate();
  const pem = path.join(dir, 'site.pem');
  const caFile = path.join(dir, 'ca.pem');
  writeFileSync(pem, `${cert}${key}`, { mode: 0o600 });
  writeFileSync(caFile, cert);
  let config = CONFIG;
  if (options.edit !== undefined) {
    config = path.join(dir, 'haproxy.cfg');
    const text = readFileSync(CONFIG, 'utf8');
    const edited = options.edit(text);
    if (edited === text) throw new Error('the edit changed nothing in deploy/haproxy-tls.cfg');
    writeFileSync(config, edited);
  }
  // Listening once a TCP connection is accepted.
  const haproxy = await startHaproxy(
    config,
    { HAPROXY_BIND: `127.0.0.1:${options.port}`, HAPROXY_PEM: pem, UPSTREAM: options.upstream },
    () =>
      new Promise<boolean>((resolve) => {
        const socket = net.connect(options.port, '127.0.0.1');
        socket.once('connect', () => {
          socket.destroy();
          resolve(true);
        });
        socket.once('error', () => {
          resolve(false);
        });
      }),
  );
  return {
    url: `https://localhost:${options.port}`,
    ca: cert,
    caFile,
    async stop() {
      await haproxy.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
