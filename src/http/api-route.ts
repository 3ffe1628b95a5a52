import type { Hono } from 'hono';
import type { ApiRequest, ApiResponse } from '../api/api-handler.js';
import { problem } from '../api/problem.js';
import { readBoundedText } from './bounded-body.js';

export const API_PREFIX = '/api/v1';

/**
 * Mounts the framework-free `/api/v1` handler on the Hono app: the Host guard, a bounded body
 * read (413 past the limit), then the handler. The handler sees only an `ApiRequest`, so it can
 * move onto a bare `node:http` edge unchanged.
 */
export function mountApi(
  app: Hono,
  handle: (request: ApiRequest) => Promise<ApiResponse>,
  options: { maxBodyBytes: number; guard: (request: Request) => Response | undefined },
): void {
  app.all(`${API_PREFIX}/*`, async (c) => {
    const rejected = options.guard(c.req.raw);
    if (rejected !== undefined) return rejected;
    const url = new URL(c.req.url);
    let body: string | undefined;
    if (c.req.method !== 'GET' && c.req.method !== 'HEAD') {
      const read = await readBoundedText(c.req.raw, options.maxBodyBytes);
      if (read.tooLarge) {
        const refused = problem(
          'payload_too_large',
          `The body is larger than ${options.maxBodyBytes} bytes.`,
          'Send less.',
        );
        return c.json(refused, 413, { 'content-type': 'application/problem+json' });
      }
      body = read.text;
    }
    const result = await handle({
      method: c.req.method,
      path: url.pathname.slice(API_PREFIX.length),
      query: url.searchParams,
      header: (name) => c.req.header(name),
      body,
    });
    return new Response(result.body, { status: result.status, headers: result.headers });
  });
}
