import type { ApiRequest, ApiResponse } from './api-handler.js';
import type { CompiledOperation } from './api-input.js';
import { refuse } from './api-reply.js';
import { problem } from './problem.js';

/** The operation a request's path and method name, with its path parameters. */
export interface Route {
  readonly compiled: CompiledOperation;
  readonly params: Record<string, string>;
}

/**
 * The route for the request, or its refusal: 405 with `Allow` when the path exists under other
 * methods, 404 when no operation has that path.
 */
export function findRoute(
  compiled: readonly CompiledOperation[],
  request: ApiRequest,
): { route: Route } | { refusal: ApiResponse } {
  const matches = compiled.flatMap((c) => {
    const params = c.match(request.path);
    return params === undefined ? [] : [{ compiled: c, params }];
  });
  const found = matches.find((m) => m.compiled.operation.method === request.method);
  if (found !== undefined) return { route: found };
  if (matches.length > 0)
    return {
      refusal: refuse(
        problem(
          'method_not_allowed',
          `${request.method} is not allowed on ${request.path}.`,
          `Use ${matches.map((m) => m.compiled.operation.method).join(' or ')}.`,
        ),
        { allow: matches.map((m) => m.compiled.operation.method).join(', ') },
      ),
    };
  return {
    refusal: refuse(
      problem('route_not_found', `No API route ${request.path}.`, 'See /api/v1/openapi.json for the routes.'),
    ),
  };
}
