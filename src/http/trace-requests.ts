import { SpanKind } from '@opentelemetry/api';
import type { Hono } from 'hono';
import { routePath } from 'hono/route';
import type { Tracing } from '../observability/tracing.js';

/**
 * A server span per HTTP request, registered before every route so the authorization server and
 * the pages are traced too; a caller's `traceparent` continues its trace. Named by route pattern,
 * never by the raw path (ids in paths would make every name unique).
 */
export function traceRequests(app: Hono, tracing: Tracing): void {
  app.use((c, next) =>
    tracing.span(
      `HTTP ${c.req.method}`,
      { 'http.request.method': c.req.method, 'url.path': c.req.path },
      async (notes) => {
        await next();
        const route = routePath(c, -1);
        notes.set('http.route', route);
        notes.set('http.response.status_code', c.res.status);
      },
      { kind: SpanKind.SERVER, parent: c.req.raw.headers },
    ),
  );
}
