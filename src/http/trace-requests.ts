import { SpanKind } from '@opentelemetry/api';
import type { Hono } from 'hono';
import { routePath } from 'hono/route';
import type { SpanNotes, Tracing } from '../observability/tracing.js';

/**
 * A server span per HTTP request, registered before every route so the authorization server and
 * the pages are traced too; a caller's `traceparent` continues its trace. Named by route pattern,
 * never by the raw path (ids in paths would make every name unique).
 */
export function traceRequests(app: Hono, tracing: Tracing): void {
  app.use((c, next) => {
    const answered = async (notes: SpanNotes) => {
      await next();
      notes.set('http.route', routePath(c, -1));
      notes.set('http.response.status_code', c.res.status);
    };
    // A request the MCP core handed on is already in its server span (node-endpoint.ts).
    const opened = tracing.active();
    if (opened !== undefined) return answered(opened);
    return tracing.span(
      `HTTP ${c.req.method}`,
      { 'http.request.method': c.req.method, 'url.path': c.req.path },
      answered,
      { kind: SpanKind.SERVER, parent: (name) => c.req.header(name) },
    );
  });
}
