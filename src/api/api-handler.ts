import type { ApiKeyVerifier } from '../domain/api-keys/verify-api-key.js';
import { DomainError, invalidInput } from '../domain/errors.js';
import type { Principal } from '../domain/principal.js';
import type { AccountPort } from '../ports/account-port.js';
import type { ToolContext } from '../tools/tool-context.js';
import { identifyCaller, Unauthorized } from './api-caller.js';
import { compileOperation, parseInput } from './api-input.js';
import type { ApiOperation } from './api-operation.js';
import { problem, type Problem, type ProblemCode } from './problem.js';

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

const JSON_HEADERS = { 'content-type': 'application/json', 'cache-control': 'no-store' };

function reply(status: number, value: unknown, headers: Record<string, string> = {}): ApiResponse {
  return { status, headers: { ...JSON_HEADERS, ...headers }, body: JSON.stringify(value) };
}

function refuse(p: Problem, headers: Record<string, string> = {}): ApiResponse {
  return {
    status: p.status,
    headers: { ...JSON_HEADERS, 'content-type': 'application/problem+json', ...headers },
    body: JSON.stringify(p),
  };
}

const isJson = (contentType: string | undefined) =>
  contentType?.split(';')[0]?.trim().toLowerCase() === 'application/json';

function parseBody(request: ApiRequest): unknown {
  if (!isJson(request.header('content-type')))
    throw new EdgeRefusal(
      'unsupported_media_type',
      'Send the body as JSON.',
      'Set `Content-Type: application/json`.',
    );
  try {
    return JSON.parse(request.body ?? '');
  } catch {
    throw invalidInput('The request body is not valid JSON.', 'Send one JSON object.');
  }
}

/** A refusal of the edge itself (media type, method, route, rate limit), rendered like a domain one. */
class EdgeRefusal extends Error {
  constructor(
    readonly code: ProblemCode,
    message: string,
    readonly hint: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

/**
 * The `/api/v1` dispatcher: route → API key (401) → rate limit (429) → On-Behalf-Of and scope
 * narrowing → the operation's scopes (403) → input (400) → the use-case → JSON, or RFC 9457
 * problem+json with the tools' codes and hints. Every authenticated call is audited with its key
 * and the person acted for. Framework-free: any HTTP edge can call it.
 */
export function createApiHandler(deps: ApiDependencies): (request: ApiRequest) => Promise<ApiResponse> {
  const compiled = deps.operations.map(compileOperation);

  return async (request) => {
    if (request.path === '/openapi.json' && request.method === 'GET')
      return {
        status: 200,
        headers: { 'content-type': 'application/json', 'cache-control': 'public, max-age=300' },
        body: deps.openapi,
      };
    const matches = compiled.flatMap((c) => {
      const params = c.match(request.path);
      return params === undefined ? [] : [{ compiled: c, params }];
    });
    const found = matches.find((m) => m.compiled.operation.method === request.method);
    if (found === undefined) {
      if (matches.length > 0)
        return refuse(
          problem(
            'method_not_allowed',
            `${request.method} is not allowed on ${request.path}.`,
            `Use ${matches.map((m) => m.compiled.operation.method).join(' or ')}.`,
          ),
          { allow: matches.map((m) => m.compiled.operation.method).join(', ') },
        );
      return refuse(
        problem(
          'route_not_found',
          `No API route ${request.path}.`,
          'See /api/v1/openapi.json for the routes.',
        ),
      );
    }
    const operation = found.compiled.operation;

    let principal: Principal;
    try {
      principal = await identifyCaller(request.header.bind(request), deps.verifyKey);
    } catch (error) {
      if (error instanceof Unauthorized)
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
      return render(error);
    }

    const started = { principal, operation };
    try {
      await deps.rateLimit?.(principal);
      if (operation.frontOnly && principal.apiKey?.mayActForPeople !== true)
        throw new DomainError(
          'forbidden',
          `${operation.operationId} is for front deployments only.`,
          'Use a key created with --on-behalf-of.',
        );
      const missing = operation.scopes.filter((scope) => !principal.scopes.includes(scope));
      if (missing.length > 0)
        throw new DomainError(
          'forbidden',
          `${operation.operationId} needs the ${missing.join(', ')} scope${missing.length > 1 ? 's' : ''}, which this call does not hold.`,
          'Create a key with that scope (api-key create --scopes …), or, from a front, reconnect and grant it.',
        );
      const input = {
        params: parseInput(operation.params, found.params, 'path'),
        query: parseInput(operation.query, found.compiled.queryInput(request.query), 'query'),
        body:
          operation.body === undefined ? undefined : parseInput(operation.body, parseBody(request), 'body'),
        idempotencyKey: request.header('idempotency-key') ?? '',
      };
      if (operation.idempotencyKey && request.header('idempotency-key') === undefined)
        throw invalidInput(
          'The Idempotency-Key header is required for this call.',
          'Send one key per intended email (e.g. `Idempotency-Key: chatgpt-smoke-001`) and reuse it when retrying that email.',
        );
      const dryRun = (input.body as { dry_run?: unknown } | undefined)?.dry_run === true;
      const output = await operation.run(input, {
        principal,
        tools: deps.contextFor(principal, { dryRun: false }),
        dryRunMail: () => deps.contextFor(principal, { dryRun: true }).mail,
        account: deps.accountFor(principal),
        batchEnabled: deps.batchEnabled,
      });
      await audit(started, 200, dryRun ? 'dry_run_requested' : null);
      return reply(200, output);
    } catch (error) {
      const response = render(error);
      await audit(started, response.status, (JSON.parse(response.body) as Problem).code).catch(
        (auditError: unknown) => deps.reportInternal(auditError),
      );
      return response;
    }
  };

  function audit(
    call: { principal: Principal; operation: ApiOperation },
    status: number,
    reason: string | null,
  ) {
    return deps.audit(call.principal, {
      action: `api.${call.operation.operationId}`,
      decision: status < 400 ? 'ok' : 'refused',
      reason,
      details: {
        method: call.operation.method,
        path: call.operation.path,
        status,
        key: call.principal.apiKey?.prefix ?? null,
        on_behalf_of: call.principal.apiKey?.onBehalfOf ?? null,
      },
    });
  }

  function render(error: unknown): ApiResponse {
    if (error instanceof DomainError)
      return refuse(
        problem(error.code, error.message, error.hint),
        error.retryAfterSeconds === undefined ? {} : { 'retry-after': String(error.retryAfterSeconds) },
      );
    if (error instanceof EdgeRefusal)
      return refuse(problem(error.code, error.message, error.hint), error.headers);
    const reference = deps.reportInternal(error);
    return refuse(
      problem(
        'internal_error',
        `Internal error (reference ${reference}).`,
        'This is a server fault, not your input; try again shortly.',
        reference,
      ),
    );
  }
}
