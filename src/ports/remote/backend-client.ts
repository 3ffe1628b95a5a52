import type { z } from 'zod';
import type { Principal } from '../../domain/principal.js';
import { backendRefusal, backendUnreachable } from './backend-errors.js';

export interface BackendClientOptions {
  /** The other deployment's origin, e.g. `https://mail.gitdate.ink` (`WORKONWARD_BASE_URL`). */
  readonly baseUrl: string;
  /** `WORKONWARD_API_KEY`: sent as a bearer token, never logged, never shown to a client. */
  readonly apiKey: string;
  /** Per attempt; a call that has not answered by then is abandoned (`WORKONWARD_BACKEND_TIMEOUT_MS`). */
  readonly timeoutMs: number;
  /** Attempts for a call that failed on the way (unreachable, timed out, 502/503/504). */
  readonly attempts?: number;
}

export interface BackendCall {
  readonly method: 'GET' | 'POST';
  /** Below `/api/v1`. */
  readonly path: string;
  readonly query?: Record<string, string | number | boolean | undefined>;
  readonly body?: unknown;
  /** Sent as `Idempotency-Key`; every retry of the call carries the same one. */
  readonly idempotencyKey?: string;
  /** Whose call it is: the backend narrows the key's scopes to the principal's (`Workonward-Scopes`). */
  readonly principal?: Principal;
}

const RETRIED_STATUS = new Set([502, 503, 504]);
const RETRY_PAUSE_MS = 250;

/** Why a fetch failed, as a person reads it. */
function failureOf(error: unknown, timeoutMs: number): string {
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError'))
    return `did not answer within ${timeoutMs} ms`;
  const cause = (error as { cause?: { code?: unknown } } | undefined)?.cause?.code;
  return `is unreachable (${typeof cause === 'string' ? cause : 'network error'})`;
}

/**
 * A typed HTTP client of another deployment's `/api/v1`: bearer key, a timeout per attempt, a
 * retry of failures on the way (with the same Idempotency-Key, so a retried send is never a
 * second send), and every failure turned into the DomainError a tool renders as `isError` with a
 * hint. Answers are validated against the same zod schemas the API was generated from.
 */
export class BackendClient {
  readonly origin: string;
  private readonly base: string;
  private readonly attempts: number;

  constructor(private readonly options: BackendClientOptions) {
    this.base = `${options.baseUrl.replace(/\/+$/, '')}/api/v1`;
    this.origin = new URL(options.baseUrl).origin;
    this.attempts = Math.max(1, options.attempts ?? 2);
  }

  async call<S extends z.ZodType>(call: BackendCall, schema: S): Promise<z.output<S>> {
    const body = await this.send(call);
    const parsed = schema.safeParse(body);
    if (!parsed.success)
      throw backendUnreachable(
        this.origin,
        `answered ${call.method} ${call.path} in a shape this server does not understand (is it another version?)`,
      );
    return parsed.data;
  }

  private async send(call: BackendCall): Promise<unknown> {
    const url = new URL(`${this.base}${call.path}`);
    for (const [name, value] of Object.entries(call.query ?? {}))
      if (value !== undefined) url.searchParams.set(name, String(value));
    const headers: Record<string, string> = {
      authorization: `Bearer ${this.options.apiKey}`,
      accept: 'application/json',
      ...(call.body !== undefined && { 'content-type': 'application/json' }),
      ...(call.idempotencyKey !== undefined && { 'idempotency-key': call.idempotencyKey }),
      ...(call.principal !== undefined && { 'workonward-scopes': call.principal.scopes.join(' ') }),
    };
    let failure = 'is unreachable';
    for (let attempt = 1; attempt <= this.attempts; attempt += 1) {
      if (attempt > 1) await new Promise((resolve) => setTimeout(resolve, RETRY_PAUSE_MS));
      let response: Response;
      let text: string;
      try {
        response = await fetch(url, {
          method: call.method,
          headers,
          ...(call.body !== undefined && { body: JSON.stringify(call.body) }),
          signal: AbortSignal.timeout(this.options.timeoutMs),
          redirect: 'error',
        });
        text = await response.text();
      } catch (error) {
        failure = failureOf(error, this.options.timeoutMs);
        continue;
      }
      if (RETRIED_STATUS.has(response.status) && attempt < this.attempts) continue;
      let body: unknown;
      try {
        body = JSON.parse(text);
      } catch {
        throw backendUnreachable(
          this.origin,
          `answered HTTP ${response.status} without JSON (is WORKONWARD_BASE_URL the Workonward service?)`,
        );
      }
      if (response.ok) return body;
      throw backendRefusal(this.origin, response.status, body, response.headers.get('retry-after'));
    }
    throw backendUnreachable(this.origin, failure);
  }
}
