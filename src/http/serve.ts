import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { getRequestListener } from '@hono/node-server';
import type { Hono } from 'hono';

/**
 * Takes a request before the Hono app does (the MCP core on node:http); `next` hands it to the
 * app, with the body when it has already been read.
 */
export type Intercept = (
  request: IncomingMessage,
  response: ServerResponse,
  next: (body?: Buffer) => void,
) => void;

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

export function listen(app: Hono, host: string, port: number, intercept?: Intercept): Promise<RunningServer> {
  return new Promise((resolve, reject) => {
    const toApp = getRequestListener(app.fetch, { hostname: host });
    const server = createServer(
      HTTP_TIMEOUTS,
      intercept === undefined
        ? toApp
        : (request, response) => {
            intercept(request, response, (body) => {
              // @hono/node-server reads a body already taken off the socket from `rawBody`.
              if (body !== undefined) Object.assign(request, { rawBody: body });
              // The listener answers its own errors; a rejection past it means the socket is unusable.
              toApp(request, response).catch(() => response.destroy());
            });
          },
    );
    server.listen(port, host, () => {
      const info = server.address() as AddressInfo;
      const shownHost = info.family === 'IPv6' ? `[${info.address}]` : info.address;
      resolve({
        url: `http://${shownHost}:${info.port}`,
        close: (graceMs = 10_000) =>
          new Promise<void>((done) => {
            const force = setTimeout(() => {
              server.closeAllConnections();
            }, graceMs);
            force.unref();
            // Idle keep-alive sockets would hold close() open; in-flight ones are left to finish and
            // closed as soon as their response is done, not after the keep-alive timeout.
            const sweep = setInterval(() => {
              server.closeIdleConnections();
            }, 50);
            sweep.unref();
            server.close(() => {
              clearTimeout(force);
              clearInterval(sweep);
              done();
            });
            server.closeIdleConnections();
          }),
      });
    });
    server.once('error', reject);
  });
}
