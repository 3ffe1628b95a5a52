import { Hono } from 'hono';
import { secureHeaders } from 'hono/secure-headers';
import type { Config } from '../config/config.js';
import type { Readiness } from '../lifecycle/graceful-shutdown.js';
import type { Authenticate, ScopeChallenge } from '../mcp/authenticate.js';
import type { McpEndpoint } from '../mcp/mcp-handler.js';
import { MCP_RESOURCE_PATHS } from '../oauth/resources.js';
import type { Metrics } from '../observability/metrics.js';
import { NO_TRACING, type Tracing } from '../observability/tracing.js';
import type { ApiRequest, ApiResponse } from '../api/api-handler.js';
import { DomainError } from '../domain/errors.js';
import type { Backend } from '../ports/ports.js';
import { FORWARDED_VIEW_PATH, forwardedView } from '../lib/forwarded-view.js';
import { mountApi } from './api-route.js';
import { readJsonBody } from './json-body.js';
import { mountMetrics } from './metrics-routes.js';
import { requestGuards } from './request-guards.js';
import { traceRequests } from './trace-requests.js';

export interface AppDependencies {
  readonly config: Config;
  readonly mcp: McpEndpoint;
  readonly authenticate: Authenticate;
  /** Throws unless the store answers. */
  readonly ping: () => Promise<void>;
  /** Where the tools are served from; `/readyz` names it and says when it cannot serve. */
  readonly backend?: Pick<Backend, 'kind' | 'origin' | 'ready'>;
  /** Draining instances answer 503 on /readyz so the balancer stops routing to them. */
  readonly readiness?: Pick<Readiness, 'draining'>;
  /** Request metrics and `GET /metrics` (its bearer token in `config.metricsToken`). */
  readonly metrics?: Metrics | undefined;
  /** Logs an internal fault, returns the reference to show. */
  readonly reportInternal: (error: unknown) => string;
  /** Routes with their own headers (authorization server, pages), mounted before the generic middleware. */
  readonly mountFirst?: (app: Hono) => void;
  /** Refuses a request its token's scopes do not cover (403), on the parsed body. */
  readonly scopeChallenge?: ScopeChallenge | undefined;
  /** A span per request and per MCP method, when tracing is configured. */
  readonly tracing?: Tracing;
  /** The Workonward HTTP API at /api/v1. */
  readonly api?: (request: ApiRequest) => Promise<ApiResponse>;
}

export function createApp(deps: AppDependencies): Hono {
  const { config, mcp, authenticate } = deps;
  const guard = requestGuards(config);
  const app = new Hono();
  const { metrics } = deps;
  const tracing = deps.tracing ?? NO_TRACING;
  if (tracing.enabled) traceRequests(app, tracing);
  if (metrics !== undefined && config.metricsToken !== undefined)
    mountMetrics(app, metrics, config.metricsToken);
  deps.mountFirst?.(app);

  app.use(
    secureHeaders({
      contentSecurityPolicy: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] },
      xFrameOptions: 'DENY',
      referrerPolicy: 'no-referrer',
    }),
  );

  app.get('/healthz', (c) => c.json({ status: 'ok' }));
  app.get(FORWARDED_VIEW_PATH, (c) =>
    c.json(forwardedView(c.req.raw.headers, config.http.behindProxy), 200, { 'Cache-Control': 'no-store' }),
  );
  app.get('/readyz', async (c) => {
    if (deps.readiness?.draining === true)
      return c.json({ status: 'draining', reason: 'shutting down' }, 503, { 'Retry-After': '5' });
    const backend = {
      // Operators' words: an embedded store, or a remote backend at backend_url.
      backend: deps.backend?.kind === 'remote' ? 'remote' : 'embedded',
      ...(deps.backend?.origin !== undefined && { backend_url: deps.backend.origin }),
    };
    try {
      await deps.ping();
    } catch {
      return c.json({ status: 'unavailable', reason: 'store unreachable', ...backend }, 503, {
        'Retry-After': '5',
      });
    }
    try {
      await deps.backend?.ready();
    } catch (error) {
      // Only our own DomainError messages are shown: they name the backend and the failure, never a secret.
      const why = error instanceof DomainError ? error.message : 'the backend check failed';
      return c.json({ status: 'unavailable', reason: `backend: ${why}`, ...backend }, 503, {
        'Retry-After': '5',
      });
    }
    return c.json({ status: 'ready', ...backend });
  });

  if (deps.api !== undefined) mountApi(app, deps.api, { maxBodyBytes: config.http.maxBodyBytes, guard });

  for (const path of MCP_RESOURCE_PATHS) {
    const resource = `${config.oauth.issuer}${path}`;
    app.all(path, async (c) => {
      const started = metrics === undefined ? 0 : performance.now();
      const rejected = guard(c.req.raw);
      if (rejected !== undefined) return rejected;
      const auth = await authenticate(c.req.header('authorization'), resource);
      if (!auth.ok) return auth.response;
      const body = await readJsonBody(c.req.raw, config.http.maxBodyBytes);
      if (body?.ok === false) return body.response;
      const challenged =
        body === undefined ? undefined : deps.scopeChallenge?.(body.parsedBody, auth.authInfo, resource);
      if (challenged !== undefined) return challenged;
      const message = body?.parsedBody as { method?: unknown; params?: { name?: unknown } } | undefined;
      const method = typeof message?.method === 'string' ? message.method : 'batch';
      const response = await tracing.span(
        `mcp ${method}`,
        { 'rpc.system': 'jsonrpc', 'rpc.method': method },
        async (notes) => {
          if (method === 'tools/call' && typeof message?.params?.name === 'string')
            notes.set('mcp.tool.name', message.params.name);
          return mcp.handler.fetch(c.req.raw, {
            authInfo: auth.authInfo,
            ...(body !== undefined && { parsedBody: body.parsedBody }),
          });
        },
      );
      if (metrics !== undefined) {
        metrics.observeMcp(
          message?.method,
          message?.params?.name,
          response.status,
          (performance.now() - started) / 1000,
        );
      }
      return response;
    });
  }

  app.notFound((c) =>
    c.json({ error: 'not_found', message: `No route for ${c.req.method} ${c.req.path}` }, 404),
  );
  app.onError((error, c) => c.json({ error: 'internal_error', reference: deps.reportInternal(error) }, 500));
  return app;
}
