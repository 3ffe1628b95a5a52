import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** A throwaway self-signed certificate for `localhost` / 127.0.0.1 (tests only). */
export function selfSignedCertificate(): { key: string; cert: string } {
  const dir = mkdtempSync(path.join(tmpdir(), 'workonward-cert-'));
  try {
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:P-256',
        '-nodes',
        '-keyout',
        path.join(dir, 'key.pem'),
        '-out',
        path.join(dir, 'cert.pem'),
        '-days',
        '1',
        '-subj',
        '/CN=localhost',
        '-addext',
        'subjectAltName=DNS:localhost,IP:127.0.0.1',
      ],
      { stdio: 'ignore' },
    );
    return {
      key: readFileSync(path.join(dir, 'key.pem'), 'utf8'),
      cert: readFileSync(path.join(dir, 'cert.pem'), 'utf8'),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export interface HttpsFixture {
  readonly origin: string;
  readonly cert: string;
  /** Number of requests received (0 proves no connection was made). */
  readonly hits: () => number;
  route(path: string, handler: (res: import('node:http').ServerResponse) => void): void;
  close(): Promise<void>;
}

/** An https server on 127.0.0.1 serving whatever routes a test installs. */
export async function startHttpsFixture(): Promise<HttpsFixture> {
  const { key, cert } = selfSignedCertificate();
  const routes = new Map<string, (res: import('node:http').ServerResponse) => void>();
  let hits = 0;
  const server: Server = createServer({ key, cert }, (req, res) => {
    hits += 1;
    const handler = routes.get(new URL(req.url ?? '/', 'https://localhost').pathname);
    if (handler === undefined) res.writeHead(404).end();
    else handler(res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `https://localhost:${port}`,
    cert,
    hits: () => hits,
    route: (p, handler) => routes.set(p, handler),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          resolve();
        });
      }),
  };
}
