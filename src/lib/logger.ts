import { context, trace } from '@opentelemetry/api';
import { type DestinationStream, pino, type Logger } from 'pino';
import { newSecretToken } from './ids.js';

export type { Logger };

/**
 * The ids of the active trace (observability/tracing.ts), so a log line can be found from its
 * trace and back. Without tracing there is no active span and nothing is added.
 */
function traceIds(): Record<string, string> {
  const span = trace.getSpan(context.active())?.spanContext();
  return span === undefined ? {} : { trace_id: span.traceId, span_id: span.spanId };
}

/**
 * JSON logs on stderr (stdout belongs to the stdio transport). Credentials are redacted by path
 * wherever they appear; callers never log request bodies. `destination` is for tests.
 */
export function createLogger(level: string, destination: DestinationStream = pino.destination(2)): Logger {
  return pino(
    {
      level,
      base: { service: 'workonward-mcp' },
      mixin: traceIds,
      redact: {
        paths: [
          '*.authorization',
          '*.Authorization',
          '*.token',
          '*.access_token',
          '*.refresh_token',
          '*.code',
          '*.password',
          '*.secret',
          '*.signingKey',
          '*.previousSigningKey',
          '*.apiKey',
          'headers.cookie',
        ],
        censor: '[redacted]',
      },
    },
    destination,
  );
}

/** Logs an internal fault and returns the short reference shown to the client instead of details. */
export function internalFaultReporter(logger: Logger): (error: unknown) => string {
  return (error) => {
    const reference = newSecretToken(6);
    logger.error({ err: error, reference }, 'internal fault');
    return reference;
  };
}
