import type { Transport } from '@modelcontextprotocol/server';
import { apiEndpoint } from './api-endpoint.js';
import { MCP_RESOURCE_PATHS } from './oauth/resources.js';
import { createApp } from './http/app.js';
import { readiness as newReadiness, type Readiness } from './lifecycle/graceful-shutdown.js';
import { listen } from './http/serve.js';
import { fixedPrincipal } from './mcp/authenticate.js';
import { createMcpEndpoint } from './mcp/mcp-handler.js';
import { coreEndpoint } from './mcp/node-endpoint.js';
import { guardsPass } from './http/request-guards.js';
import type { AuthorizationServerOptions } from './oauth/authorization-server.js';
import { buildServerFor, coreDispatchFor, localPrincipal, type Runtime } from './runtime.js';
import { serveStdioRuntime } from './serve-stdio.js';
// Loaded with this module, not on first use in OAuth mode: the authorization server's routes answer
// with @hono/node-server's RESPONSE_ALREADY_SENT, which that adapter honours only when it was built
// before its first listener replaced the global Response. Imported later (an OAuth server started
// after another server in the same process), every oidc-provider answer went out empty.
import { type OAuthMode, oauthMode } from './serve-oauth.js';

export interface Serving {
  readonly url?: string;
  /** Resolves when the transport ends by itself: on stdio, when the client closes stdin. */
  readonly ended?: Promise<void>;
  /** How many McpServer instances the HTTP pool has ever built (reported by the benchmark). */
  readonly mcpServersBuilt?: () => number;
  /** How many MCP requests the core has answered itself, on node:http or stdio (tests). */
  readonly coreAnswered?: () => number;
  /** HTTP only: flips `/readyz` to 503 for a graceful shutdown. */
  readonly readiness?: Readiness;
  stop(): Promise<void>;
}

export interface ServeOptions {
  /** Test-only seams of the authorization server (never set in production). */
  readonly oauth?: AuthorizationServerOptions;
  /**
   * Test-only: every MCP request takes the SDK path (on HTTP the Hono app and the SDK's handler,
   * on stdio the SDK's instance), never the core. The differential tests
   * (test/mcp/core-differential.test.ts, stdio-differential.test.ts) answer the same requests
   * both ways and compare.
   */
  readonly sdkPathOnly?: boolean;
  /**
   * Test-only: the stdio connection's transport (default: this process's stdin and stdout), so
   * a test serves several connections in one process (test/mcp/stdio-differential.test.ts).
   */
  readonly stdioTransport?: Transport;
}

/** Starts the configured transport over an already started runtime. */
export async function serveRuntime(runtime: Runtime, options: ServeOptions = {}): Promise<Serving> {
  const { config, logger } = runtime;
  if (config.transport === 'stdio') return serveStdioRuntime(runtime, options);

  const {
    authenticate: check,
    mount,
    close: closeOAuth,
    scopeChallenge,
  } = await authenticatorFor(runtime, options);
  const { metrics } = runtime;
  const authenticate: typeof check =
    metrics === undefined || config.auth === 'none'
      ? check
      : async (authorization, resource) => {
          const result = await check(authorization, resource);
          metrics.observeTokenCheck(result.ok);
          return result;
        };
  const mcp = createMcpEndpoint(() => buildServerFor(runtime), {
    maxBodyBytes: config.http.maxBodyBytes,
    // The SDK reports rejected client requests here too; those are the client's fault, not ours.
    onerror: (error) => {
      logger.debug({ err: error }, 'mcp request rejected');
    },
  });
  const readiness = newReadiness();
  const app = createApp({
    config,
    mcp,
    authenticate,
    ping: () => runtime.store.ping(),
    backend: runtime.env,
    readiness,
    metrics,
    tracing: runtime.tracing,
    reportInternal: runtime.reportInternal,
    mountFirst: mount,
    scopeChallenge,
    api: apiEndpoint(runtime),
  });
  let coreAnswered = 0;
  const core = coreEndpoint({
    dispatch: coreDispatchFor(runtime),
    tracing: runtime.tracing,
    authenticate,
    guardsPass: guardsPass(config),
    maxBodyBytes: config.http.maxBodyBytes,
    scopeChallenge,
    issuer: config.oauth.issuer,
    observe: (path, method, tool, status, seconds) => {
      coreAnswered += 1;
      if (metrics === undefined) return;
      metrics.observeMcp(method, tool, status, seconds);
      // The route series exists only where /metrics is served (as app.ts mounts it).
      if (config.metricsToken !== undefined) metrics.observeHttp(path, status, seconds);
    },
  });
  // The MCP paths go to the core on node:http first; everything else (and every request the core
  // hands on) to the Hono app. Tracing does not change the path: the core makes the same spans.
  const server = await listen(
    app,
    config.http.host,
    config.http.port,
    options.sdkPathOnly === true
      ? undefined
      : (request, response, next) => {
          const path = pathOf(request.url ?? '');
          if (path !== '/mcp' && path !== '/api/mcp') {
            next();
            return;
          }
          core(request, response, path, next);
        },
  );
  logger.info(
    { url: server.url, mcp: MCP_RESOURCE_PATHS.map((path) => `${server.url}${path}`), auth: config.auth },
    'serving MCP over HTTP',
  );
  if (config.env === 'development') process.stderr.write(developmentBanner(server.url, config));
  return {
    url: server.url,
    mcpServersBuilt: () => mcp.pool.created,
    coreAnswered: () => coreAnswered,
    readiness,
    stop: async () => {
      await server.close();
      await mcp.handler.close();
      closeOAuth?.();
    },
  };
}

/** A request target's path: up to its query, without splitting it into a new array each request. */
function pathOf(url: string): string {
  const query = url.indexOf('?');
  return query === -1 ? url : url.slice(0, query);
}

async function authenticatorFor(
  runtime: Runtime,
  options: ServeOptions,
): Promise<Partial<OAuthMode> & Pick<OAuthMode, 'authenticate'>> {
  if (runtime.config.auth === 'none') return { authenticate: fixedPrincipal(await localPrincipal(runtime)) };
  return oauthMode(runtime, options.oauth);
}

/** A plain-text pointer for a person running `npm start`; the JSON log lines are for machines. */
function developmentBanner(url: string, config: Runtime['config']): string {
  const lines = [
    '',
    `  workonward-mcp is up (development). MCP endpoint: ${url}/mcp  (also ${url}/api/mcp)`,
    config.auth === 'oauth'
      ? `  Sign in at ${url}/ as alex@summitridge.example or sam@harborline.example;` +
        (config.mail.smtpUrl === undefined ? ` codes arrive in ${url}/dev/mailbox.` : ' codes are emailed.')
      : `  No sign-in: every request is tenant ${config.tenant ?? '(the only tenant)'}.`,
    `  Connected apps: ${url}/settings/developer/connected-apps`,
    '',
  ];
  return `${lines.join('\n')}\n`;
}
