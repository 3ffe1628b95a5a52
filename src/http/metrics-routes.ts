import type { Hono } from 'hono';
import { routePath } from 'hono/route';
import { safeEqual } from '../lib/secrets.js';
import type { Metrics } from '../observability/metrics.js';

/**
 * Times every request by its route pattern (registered before any route, so the authorization
 * server and the pages are measured too) and serves `GET /metrics` to holders of its own bearer
 * token, compared in constant time; anyone else gets 401, and the endpoint leaks nothing.
 */
export function mountMetrics(app: Hono, metrics: Metrics, token: string): void {
  app.use(async (c, next) => {
    const started = performance.now();
    await next();
    metrics.observeHttp(routePath(c, -1), c.res.status, (performance.now() - started) / 1000);
  });
  app.get('/metrics', async (c) => {
    const given = /^Bearer (.+)$/.exec(c.req.header('authorization') ?? '')?.[1] ?? '';
    if (!safeEqual(given, token))
      return c.json(
        { error: 'unauthorized', message: 'Send Authorization: Bearer <WORKONWARD_METRICS_TOKEN>.' },
        401,
        {
          'WWW-Authenticate': 'Bearer realm="metrics"',
        },
      );
    const { contentType, body } = await metrics.scrape();
    return c.body(body, 200, { 'content-type': contentType, 'cache-control': 'no-store' });
  });
}
