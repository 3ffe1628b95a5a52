import type { ApiKeyVerifier } from '../domain/api-keys/verify-api-key.js';
import type { Principal } from '../domain/principal.js';
import type { AccountPort } from '../ports/account-port.js';
import type { ToolContext } from '../tools/tool-context.js';
import { identifyCaller, Unauthorized } from './api-caller.js';
import { compileOperation, readInput } from './api-input.js';
import type { ApiOperation } from './api-operation.js';
import { assertAllowed } from './api-permission.js';
import { refuse, renderError, reply } from './api-reply.js';
import { findRoute, type Route } from './api-routing.js';
import { problem, type Problem } from './problem.js';

/** One request as the HTTP edge hands it over: no framework types, the body already read (bounded). */
export interface ApiRequest {
  readonly method: string;
  /** The path below `/api/v1`, e.g. `/projects/9f…`. */
  readonly path: string;
  readonly query: URLSearchParams;
  /** A request header by lower-case name. */
  header(name: string): string | undefined;
  readonly body: string | undefined;
}

export interface ApiResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

export interface ApiAuditEntry {
  readonly action: string;
  readonly decision: string;
  readonly reason: string | null;
  readonly details: Record<string, unknown>;
}

export interface ApiDependencies {
  readonly operations: readonly ApiOperation[];
  readonly verifyKey: ApiKeyVerifier;
  /** The tools' context for a principal; `dryRun` forces dry-run email for this one call. */
  readonly contextFor: (principal: Principal, options: { dryRun: boolean }) => ToolContext;
  readonly accountFor: (principal: Principal) => AccountPort;
  readonly batchEnabled: boolean;
  /** Records one call in the tenant's audit log. */
  readonly audit: (principal: Principal, entry: ApiAuditEntry) => Promise<void>;
  /** Counts one call against the key's rate limit; a refusal is thrown (`rate_limited`, with its Retry-After). */
  readonly rateLimit?: (principal: Principal) => Promise<void>;
  readonly reportInternal: (error: unknown) => string;
  /** The OpenAPI document, serialised once. */
  readonly openapi: string;
}

/**
 * The `/api/v1` dispatcher: route → API key (401) → rate limit (429) → On-Behalf-Of and scope
 * narrowing → the operation's scopes (403) → input (400) → the use-case → JSON, or RFC 9457
 * problem+json with the tools' codes and hints. Every authenticated call is audited with its key
 * and the person acted for. Framework-free: any HTTP edge can call it.
 */
export function createApiHandler(deps: ApiDependencies): (request: ApiRequest) => Promise<ApiResponse> {
  const compiled = deps.operations.map(compileOperation);
  const render = (error: unknown) => renderError(error, deps.reportInternal);

  return async (request) => {
    if (request.path === '/openapi.json' && request.method === 'GET')
      return {
        status: 200,
        headers: { 'content-type': 'application/json', 'cache-control': 'public, max-age=300' },
        body: deps.openapi,
      };
    const found = findRoute(compiled, request);
    if ('refusal' in found) return found.refusal;
    let principal: Principal;
    try {
      principal = await identifyCaller(request.header.bind(request), deps.verifyKey);
    } catch (error) {
      return error instanceof Unauthorized ? refuseUnauthorized(error) : render(error);
    }
    return runAudited(found.route, principal, request);
  };

  /** An identified call: every outcome from here on, success or refusal, is audited. */
  async function runAudited(route: Route, principal: Principal, request: ApiRequest): Promise<ApiResponse> {
    const operation = route.compiled.operation;
    try {
      await deps.rateLimit?.(principal);
      assertAllowed(operation, principal);
      const input = readInput(route.compiled, route.params, request);
      const dryRun = (input.body as { dry_run?: unknown } | undefined)?.dry_run === true;
      const output = await operation.run(input, {
        principal,
        tools: deps.contextFor(principal, { dryRun: false }),
        dryRunMail: () => deps.contextFor(principal, { dryRun: true }).mail,
        account: deps.accountFor(principal),
        batchEnabled: deps.batchEnabled,
      });
      await audit(principal, operation, 200, dryRun ? 'dry_run_requested' : null);
      return reply(200, output);
    } catch (error) {
      const response = render(error);
      await audit(principal, operation, response.status, (JSON.parse(response.body) as Problem).code).catch(
        (auditError: unknown) => deps.reportInternal(auditError),
      );
      return response;
    }
  }

  function audit(principal: Principal, operation: ApiOperation, status: number, reason: string | null) {
    return deps.audit(principal, {
      action: `api.${operation.operationId}`,
      decision: status < 400 ? 'ok' : 'refused',
      reason,
      details: {
        method: operation.method,
        path: operation.path,
        status,
        key: principal.apiKey?.prefix ?? null,
        on_behalf_of: principal.apiKey?.onBehalfOf ?? null,
      },
    });
  }
}

/** 401 with the `WWW-Authenticate` challenge, naming the token error when there is one. */
function refuseUnauthorized(error: Unauthorized): ApiResponse {
  return refuse(
    problem(
      'unauthorized',
      error.message,
      'Create a key with `npx workonward-mcp api-key create --tenant SLUG` or at Settings → API keys.',
    ),
    {
      'www-authenticate': `Bearer realm="workonward-api"${error.tokenError === undefined ? '' : `, error="${error.tokenError}"`}`,
    },
  );
}
