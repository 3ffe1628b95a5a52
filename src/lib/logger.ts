import { pino, type Logger } from 'pino';
import { newSecretToken } from './ids.js';

export type { Logger };

/**
 * JSON logs on stderr (stdout belongs to the stdio transport). Credentials are redacted by path
 * wherever they appear; callers never log request bodies.
 */
export function createLogger(level: string): Logger {
  return pino(
    {
      level,
      base: { service: 'workonward-mcp' },
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
    pino.destination(2),
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
