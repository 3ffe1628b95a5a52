import { createApiKey } from '../../src/domain/api-keys/api-keys.js';
import { loadConfig } from '../../src/config/load.js';
import { fixedClock } from '../../src/lib/clock.js';
import { createLogger } from '../../src/lib/logger.js';
import { startRuntime, type Runtime } from '../../src/runtime.js';
import { serveRuntime } from '../../src/serve.js';
import { TEST_NOW } from '../support/server.js';

export interface ApiInstance {
  readonly url: string;
  readonly runtime: Runtime;
  stop(): Promise<void>;
}

/** One server instance over `databaseUrl` (several may share one database), demo data loaded. */
export async function startApiInstance(
  databaseUrl: string,
  env: Record<string, string> = {},
): Promise<ApiInstance> {
  const config = loadConfig({
    WORKONWARD_ENV: 'development',
    WORKONWARD_MCP_TRANSPORT: 'http',
    WORKONWARD_MCP_AUTH: 'none',
    WORKONWARD_MCP_TENANT: 'summit-ridge',
    WORKONWARD_MCP_PORT: '0',
    WORKONWARD_DATABASE_URL: databaseUrl,
    WORKONWARD_LOG_LEVEL: 'silent',
    WORKONWARD_MAIL_WORKER: '0',
    WORKONWARD_MCP_RECIPIENT_ALLOWLIST: '@gitdate\\.ink$',
    ...env,
  });
  const runtime = await startRuntime(config, { clock: fixedClock(TEST_NOW), logger: createLogger('silent') });
  const serving = await serveRuntime(runtime);
  return {
    url: serving.url ?? '',
    runtime,
    async stop() {
      await serving.stop();
      await runtime.close();
    },
  };
}

export async function apiKey(
  runtime: Runtime,
  tenantSlug: string,
  options: { scopes?: string[]; onBehalfOf?: boolean } = {},
): Promise<string> {
  const { key } = await createApiKey(runtime.store.db, runtime.clock, {
    tenantSlug,
    scopes: options.scopes,
    onBehalfOf: options.onBehalfOf,
    createdBy: 'test',
  });
  return key;
}

export interface ApiAnswer {
  readonly status: number;
  readonly headers: Headers;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read the JSON freely
  readonly body: any;
}

/** One call of `/api/v1` with `key` (undefined: none). */
export async function api(
  base: string,
  key: string | undefined,
  method: string,
  path: string,
  options: { body?: unknown; rawBody?: string; headers?: Record<string, string> } = {},
): Promise<ApiAnswer> {
  const hasBody = options.body !== undefined || options.rawBody !== undefined;
  const response = await fetch(`${base}/api/v1${path}`, {
    method,
    headers: {
      ...(key !== undefined && { authorization: `Bearer ${key}` }),
      ...(hasBody && { 'content-type': 'application/json' }),
      ...options.headers,
    },
    ...(hasBody && { body: options.rawBody ?? JSON.stringify(options.body) }),
  });
  const text = await response.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON: left as text for the assertion to show
  }
  return { status: response.status, headers: response.headers, body };
}
