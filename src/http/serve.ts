import { type ServerType, serve } from '@hono/node-server';
import type { Hono } from 'hono';

export interface RunningServer {
  readonly url: string;
  /** Stops accepting connections, lets in-flight requests finish (up to `graceMs`), then resolves. */
  close(graceMs?: number): Promise<void>;
}

/**
 * Slow-client bounds (Node's defaults are 60 s for headers and 5 minutes for a request): a client
 * gets 10 s to send its headers and 30 s to send its whole request; the check runs every second so
 * the bounds hold to within a second. Responses (SSE streams included) are not bounded by these.
 */
export const HTTP_TIMEOUTS = {
  headersTimeout: 10_000,
  requestTimeout: 30_000,
  connectionsCheckingInterval: 1_000,
} as const;

export function listen(app: Hono, host: string, port: number): Promise<RunningServer> {
  return new Promise((resolve, reject) => {
    const server: ServerType = serve(
      { fetch: app.fetch, hostname: host, port, serverOptions: HTTP_TIMEOUTS },
      (info) => {
        const shownHost = info.family === 'IPv6' ? `[${info.address}]` : info.address;
        resolve({
          url: `http://${shownHost}:${info.port}`,
          close: (graceMs = 10_000) =>
            new Promise<void>((done) => {
              const force = setTimeout(() => {
                if ('closeAllConnections' in server) server.closeAllConnections();
              }, graceMs);
              force.unref();
              // Idle keep-alive sockets would hold close() open; in-flight ones are left to finish and
              // closed as soon as their response is done, not after the keep-alive timeout.
              const sweep = setInterval(() => {
                if ('closeIdleConnections' in server) server.closeIdleConnections();
              }, 50);
              sweep.unref();
              server.close(() => {
                clearTimeout(force);
                clearInterval(sweep);
                done();
              });
              if ('closeIdleConnections' in server) server.closeIdleConnections();
            }),
        });
      },
    );
    server.once('error', reject);
  });
}
