import { z } from 'zod';
import type { Principal } from '../domain/principal.js';
import type { Scope } from '../domain/scopes.js';
import type { AccountPort } from '../ports/account-port.js';
import type { ToolContext } from '../tools/tool-context.js';

/** What one API call runs with: its principal and the same use-cases the tools call. */
export interface ApiContext {
  readonly principal: Principal;
  /** Exactly what a tool call of this principal gets (CRM reads shaped by its scopes, email). */
  readonly tools: ToolContext;
  /** The email use-cases for a call that asked to be a dry run, whatever the server's setting. */
  dryRunMail(): ToolContext['mail'];
  readonly account: AccountPort;
  /** `send_batch_email` is switched on here (`WORKONWARD_MCP_BATCH_SEND=1`). */
  readonly batchEnabled: boolean;
}

export const NO_INPUT = z.strictObject({});
type NoInput = typeof NO_INPUT;

export interface OperationInput<P extends z.ZodObject, Q extends z.ZodObject, B extends z.ZodType> {
  readonly params: z.output<P>;
  readonly query: z.output<Q>;
  readonly body: z.output<B>;
  /** The `Idempotency-Key` header (required, checked, when the operation declares it). */
  readonly idempotencyKey: string;
}

/**
 * One `/api/v1` operation, declared as data like a tool: method and path, the scopes it needs,
 * zod schemas for its path parameters, query, body and response (validation and the OpenAPI
 * document both read them), and the use-case it runs. Nothing here knows about HTTP frameworks.
 */
export interface ApiOperation<
  P extends z.ZodObject = z.ZodObject,
  Q extends z.ZodObject = z.ZodObject,
  B extends z.ZodType = z.ZodType,
  O extends z.ZodType = z.ZodType,
> {
  readonly method: 'GET' | 'POST';
  /** Below `/api/v1`, with `{name}` path parameters. */
  readonly path: `/${string}`;
  readonly operationId: string;
  readonly summary: string;
  readonly description: string;
  readonly tag: 'CRM' | 'Mail' | 'Account';
  readonly scopes: readonly Scope[];
  readonly params: P;
  readonly query: Q;
  readonly body: B | undefined;
  /** The request must carry `Idempotency-Key` (same meaning as the tools' `idempotency_key`). */
  readonly idempotencyKey: boolean;
  /** Only keys made for a front deployment (`--on-behalf-of`) may call it. */
  readonly frontOnly: boolean;
  readonly response: O;
  run(input: OperationInput<P, Q, B>, context: ApiContext): Promise<z.output<O>>;
}

type Declared<P extends z.ZodObject, Q extends z.ZodObject, B extends z.ZodType, O extends z.ZodType> = Omit<
  ApiOperation<P, Q, B, O>,
  'params' | 'query' | 'body' | 'idempotencyKey' | 'frontOnly'
> & { params?: P; query?: Q; body?: B; idempotencyKey?: boolean; frontOnly?: boolean };

export function defineOperation<
  O extends z.ZodType,
  P extends z.ZodObject = NoInput,
  Q extends z.ZodObject = NoInput,
  B extends z.ZodType = NoInput,
>(declared: Declared<P, Q, B, O>): ApiOperation {
  return {
    ...declared,
    params: declared.params ?? NO_INPUT,
    query: declared.query ?? NO_INPUT,
    body: declared.body,
    idempotencyKey: declared.idempotencyKey ?? false,
    frontOnly: declared.frontOnly ?? false,
  };
}
