import type { CallToolResult } from '@modelcontextprotocol/server';
import { DomainError } from '../domain/errors.js';
import type { Scope } from '../domain/scopes.js';

/** `_meta` key of a refused tool call's wait in seconds (the MCP twin of HTTP `Retry-After`). */
export const RETRY_AFTER_META = 'com.buildworkpro/retry_after_seconds';

/** Tool failures are results the model reads (`isError: true`), never protocol errors. */
export function toolError(
  message: string,
  hint: string,
  extra: Partial<CallToolResult> = {},
): CallToolResult {
  return { isError: true, content: [{ type: 'text', text: `${message}\nHint: ${hint}` }], ...extra };
}

export function missingScopeError(tool: string, missing: readonly Scope[]): CallToolResult {
  return toolError(
    `${tool} needs the ${missing.join(', ')} scope${missing.length > 1 ? 's' : ''}, which this connection was not granted.`,
    // Connected apps can only narrow a connection; a scope is added by connecting again.
    'Ask the user to reconnect this app and grant it on the consent screen (in ChatGPT: disconnect and connect the connector again).',
    {
      _meta: {
        'mcp/www_authenticate': [
          `Bearer error="insufficient_scope", scope="${missing.join(' ')}", error_description="${tool} requires ${missing.join(' ')}"`,
        ],
      },
    },
  );
}

/**
 * Domain failures become actionable tool errors. Anything else is a fault of ours: it is reported
 * to `onInternal` (logged with a reference) and the model sees only the reference, never details.
 */
export function failureResult(error: unknown, onInternal: (error: unknown) => string): CallToolResult {
  if (error instanceof DomainError)
    return toolError(
      error.message,
      error.hint,
      // `rate_limited` / `unavailable`: the wait in seconds, for clients that retry by themselves.
      error.retryAfterSeconds === undefined ? {} : { _meta: { [RETRY_AFTER_META]: error.retryAfterSeconds } },
    );
  const reference = onInternal(error);
  return toolError(
    `Internal error (reference ${reference}).`,
    'This is a server fault, not your input; try again shortly.',
  );
}
