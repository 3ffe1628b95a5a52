import { z } from 'zod';
import { invalidInput } from '../domain/errors.js';
import { unfitInput } from '../lib/nul-text.js';
import type { ApiRequest } from './api-handler.js';
import type { ApiOperation, OperationInput } from './api-operation.js';
import { EdgeRefusal } from './api-reply.js';

/** How one operation's path matches and how its query string becomes typed input, compiled once. */
export interface CompiledOperation {
  readonly operation: ApiOperation;
  /** Path parameters by name, or undefined when the path does not match. */
  match(path: string): Record<string, string> | undefined;
  /** The query string as the query schema's input: known names only, each once, numbers as numbers. */
  queryInput(query: URLSearchParams): Record<string, unknown>;
}

type JsonType = 'string' | 'number' | 'integer' | 'boolean';

function fieldTypes(schema: z.ZodObject): Map<string, JsonType | undefined> {
  const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as {
    properties?: Record<string, { type?: JsonType }>;
  };
  return new Map(Object.entries(json.properties ?? {}).map(([name, spec]) => [name, spec.type]));
}

export function compileOperation(operation: ApiOperation): CompiledOperation {
  const segments = operation.path.split('/').slice(1);
  const types = fieldTypes(operation.query);
  const decode = (name: string, value: string) => {
    try {
      return decodeURIComponent(value);
    } catch {
      throw invalidInput(
        `The path segment for {${name}} is not valid percent-encoding.`,
        'Encode it with encodeURIComponent.',
      );
    }
  };
  return {
    operation,
    match(path) {
      const parts = path.split('/').slice(1);
      if (parts.length !== segments.length) return undefined;
      const params: Record<string, string> = {};
      for (const [index, segment] of segments.entries()) {
        const part = parts[index] ?? '';
        if (segment.startsWith('{')) {
          if (part === '') return undefined;
          params[segment.slice(1, -1)] = part;
        } else if (segment !== part) return undefined;
      }
      for (const [name, value] of Object.entries(params)) params[name] = decode(name, value);
      return params;
    },
    queryInput(query) {
      const input: Record<string, unknown> = {};
      for (const name of new Set(query.keys())) {
        if (!types.has(name))
          throw invalidInput(
            `Unknown query parameter ${JSON.stringify(name)}.`,
            types.size === 0
              ? 'This operation takes no query parameters.'
              : `Use only: ${[...types.keys()].join(', ')}.`,
          );
        const values = query.getAll(name);
        if (values.length > 1)
          throw invalidInput(`Query parameter ${name} was given ${values.length} times.`, 'Give it once.');
        const value = values[0] ?? '';
        const type = types.get(name);
        input[name] =
          (type === 'integer' || type === 'number') && /^-?\d+(\.\d+)?$/.test(value)
            ? Number(value)
            : type === 'boolean' && (value === 'true' || value === 'false')
              ? value === 'true'
              : value;
      }
      return input;
    },
  };
}

/** A zod failure as the one-line reason a caller can act on (`field: problem; …`). */
export function describeIssues(error: z.ZodError, where: string): string {
  return error.issues
    .slice(0, 10)
    .map((issue) => `${[where, ...issue.path.map(String)].join('.')}: ${issue.message}`)
    .join('; ');
}

/** Deeper than any operation's input goes: refused before anything walks it. */
const MAX_DEPTH = 32;

/** Parses `value` with `schema`, refusing with the issues as `invalid_input`. */
export function parseInput<T extends z.ZodType>(schema: T, value: unknown, where: string): z.output<T> {
  const problem = unfitInput(value, where, MAX_DEPTH);
  if (problem !== undefined)
    throw invalidInput(`${problem}.`, 'Send plain JSON of the documented shape, without control characters.');
  const parsed = schema.safeParse(value);
  if (!parsed.success)
    throw invalidInput(
      `Invalid ${where}: ${describeIssues(parsed.error, where)}.`,
      'See /api/v1/openapi.json for the exact schema.',
    );
  return parsed.data;
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

/**
 * The call's typed input: path parameters, query, JSON body (when the operation takes one) and
 * `Idempotency-Key`, refused as `invalid_input` (or 415 for a body that is not JSON) at the first
 * part that does not fit.
 */
export function readInput(
  compiled: CompiledOperation,
  params: Record<string, string>,
  request: ApiRequest,
): OperationInput<z.ZodObject, z.ZodObject, z.ZodType> {
  const { operation } = compiled;
  const input = {
    params: parseInput(operation.params, params, 'path'),
    query: parseInput(operation.query, compiled.queryInput(request.query), 'query'),
    body: operation.body === undefined ? undefined : parseInput(operation.body, parseBody(request), 'body'),
    idempotencyKey: request.header('idempotency-key') ?? '',
  };
  if (operation.idempotencyKey && request.header('idempotency-key') === undefined)
    throw invalidInput(
      'The Idempotency-Key header is required for this call.',
      'Send one key per intended email (e.g. `Idempotency-Key: chatgpt-smoke-001`) and reuse it when retrying that email.',
    );
  return input;
}
