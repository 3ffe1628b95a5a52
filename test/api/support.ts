import { createApiKey } from '../../src/domain/api-keys/api-keys.js';
import type { Runtime } from '../../src/runtime.js';
import { startTestServer, type TestServer } from '../support/server.js';

export type ApiInstance = TestServer;

/** One server instance over `databaseUrl` (several may share one database), demo data loaded. */
export function startApiInstance(
  databaseUrl: string,
  env: Record<string, string> = {},
): Promise<ApiInstance> {
  return startTestServer({
    databaseUrl,
    env: { WORKONWARD_MAIL_WORKER: '0', WORKONWARD_MCP_RECIPIENT_ALLOWLIST: '@gitdate\\.ink$', ...env },
  });
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
