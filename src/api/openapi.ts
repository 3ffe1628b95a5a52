import { z } from 'zod';
import type { ApiOperation } from './api-operation.js';

type Json = Record<string, unknown>;

/** JSON Schema 2020-12 (what OpenAPI 3.1 uses) of a zod schema, without the `$schema` line. */
function schemaOf(schema: z.ZodType, io: 'input' | 'output'): Json {
  const json = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as Json;
  delete json.$schema;
  return json;
}

function parametersOf(operation: ApiOperation): Json[] {
  const fields = (schema: z.ZodObject, where: 'path' | 'query') => {
    const json = schemaOf(schema, 'input') as { properties?: Record<string, Json>; required?: string[] };
    return Object.entries(json.properties ?? {}).map(([name, spec]) => ({
      name,
      in: where,
      required: where === 'path' || (json.required ?? []).includes(name),
      ...(typeof spec.description === 'string' && { description: spec.description }),
      schema: spec,
    }));
  };
  return [
    ...fields(operation.params, 'path'),
    ...fields(operation.query, 'query'),
    ...(operation.idempotencyKey ? [{ $ref: '#/components/parameters/IdempotencyKey' }] : []),
    { $ref: '#/components/parameters/OnBehalfOf' },
    { $ref: '#/components/parameters/NarrowScopes' },
  ];
}

const problemResponse = (description: string) => ({
  description,
  content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
});

function operationObject(operation: ApiOperation): Json {
  const scopes = operation.scopes.length === 0 ? 'none' : operation.scopes.map((s) => `\`${s}\``).join(', ');
  return {
    operationId: operation.operationId,
    summary: operation.summary,
    description: `${operation.description}\n\nScopes: ${scopes}.${operation.frontOnly ? ' Keys made for a front (`--on-behalf-of`) only.' : ''}`,
    tags: [operation.tag],
    'x-workonward-scopes': [...operation.scopes],
    parameters: parametersOf(operation),
    ...(operation.body !== undefined && {
      requestBody: {
        required: true,
        content: { 'application/json': { schema: schemaOf(operation.body, 'input') } },
      },
    }),
    responses: {
      '200': {
        description: 'OK',
        content: { 'application/json': { schema: schemaOf(operation.response, 'output') } },
      },
      '400': problemResponse('Invalid input (`invalid_input`), with the field and a hint.'),
      '401': problemResponse('No API key, or a malformed, unknown or revoked one (`unauthorized`).'),
      '403': problemResponse('The key lacks a scope, or may not do this (`forbidden`).'),
      '404': problemResponse('Not found in this tenant (`not_found`).'),
      '409': problemResponse('Conflict, e.g. `idempotency_key_reused` or `idempotency_in_progress`.'),
      '429': problemResponse('Too many calls with this key (`rate_limited`); see `Retry-After`.'),
      '503': problemResponse('A dependency of the server is down (`unavailable`); see `Retry-After`.'),
    },
  };
}

const PROBLEM = {
  type: 'object',
  description: 'RFC 9457 problem details; `code` and `hint` are the same the MCP tools give.',
  required: ['type', 'title', 'status', 'detail', 'code'],
  properties: {
    type: { type: 'string', description: '`urn:workonward:problem:<code>`' },
    title: { type: 'string' },
    status: { type: 'integer' },
    detail: { type: 'string', description: 'What went wrong.' },
    code: {
      type: 'string',
      description:
        'invalid_input, unauthorized, forbidden, not_found, route_not_found, method_not_allowed, conflict, payload_too_large, unsupported_media_type, rate_limited, internal_error, unavailable',
    },
    hint: { type: 'string', description: 'What to do next.' },
    reference: { type: 'string', description: 'For internal errors: the reference in the server log.' },
  },
};

/** The OpenAPI 3.1 document of `/api/v1`, generated from the operations' zod schemas. */
export function openApiDocument(operations: readonly ApiOperation[], version: string): Json {
  const paths: Record<string, Json> = {};
  for (const operation of operations) {
    const path = `/api/v1${operation.path}`;
    paths[path] = { ...paths[path], [operation.method.toLowerCase()]: operationObject(operation) };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Workonward HTTP API',
      version,
      description:
        'The use-cases the MCP tools call — CRM reads and PING8 email — for scripts and for other deployments (a front in remote backend mode). Authenticate with an API key (`Authorization: Bearer wk_live_…`) from `npx workonward-mcp api-key create` or Settings → API keys. Errors are RFC 9457 problem+json.',
    },
    security: [{ apiKey: [] }],
    paths,
    components: {
      securitySchemes: {
        apiKey: { type: 'http', scheme: 'bearer', bearerFormat: 'wk_live_<64 hex digits>' },
      },
      parameters: {
        IdempotencyKey: {
          name: 'Idempotency-Key',
          in: 'header',
          required: true,
          description:
            'Names one intended email (1–255 printable ASCII characters); reuse it when retrying that email.',
          schema: { type: 'string', maxLength: 255 },
        },
        OnBehalfOf: {
          name: 'On-Behalf-Of',
          in: 'header',
          required: false,
          description:
            'The email of the person a front deployment acts for; recorded in the audit log. Only keys made with `--on-behalf-of` may send it.',
          schema: { type: 'string', format: 'email' },
        },
        NarrowScopes: {
          name: 'Workonward-Scopes',
          in: 'header',
          required: false,
          description:
            'Space-separated scopes to hold this call to (the key’s scopes ∩ these), e.g. the grant of the person a front acts for.',
          schema: { type: 'string' },
        },
      },
      schemas: { Problem: PROBLEM },
    },
  };
}
