import { createApiHandler } from './api/api-handler.js';
import { OPENAPI_JSON } from './api/openapi-json.js';
import { API_OPERATIONS } from './api/operations.js';
import { appendAudit } from './domain/audit/audit-log.js';
import { rateLimited } from './domain/errors.js';
import { RateLimiter } from './domain/limits/rate-limiter.js';
import { storedApiKeyVerifier } from './domain/api-keys/verify-api-key.js';
import type { Runtime } from './runtime.js';
import { toolContext } from './tools/tool-context.js';

/** `/api/v1` over this deployment's store: the tools' use-cases, API keys, audit. */
export function apiEndpoint(runtime: Runtime) {
  const { store, clock, config, env } = runtime;
  const perKey = new RateLimiter(
    store.db,
    clock,
    { name: 'api-calls-per-key', limit: config.api.ratePerMinute, windowMs: 60_000 },
    runtime.metrics,
  );
  return createApiHandler({
    operations: API_OPERATIONS,
    verifyKey: storedApiKeyVerifier(store, clock),
    // A call that asks for a dry run gets its email with dry-run forced on.
    contextFor: (principal, { dryRun }) => toolContext(env, principal, { dryRun }),
    accountFor: (principal) => env.portsFor(principal).account,
    batchEnabled: config.mail.batchEnabled,
    audit: async (principal, entry) => {
      await store.asTenant(principal.tenantId, () =>
        appendAudit(store.db, clock, {
          tenantId: principal.tenantId,
          userId: principal.userId,
          clientId: principal.clientId,
          ...entry,
        }),
      );
    },
    rateLimit: async (principal) => {
      const decision = await perKey.take(principal.apiKey?.id ?? principal.tenantId);
      if (!decision.allowed)
        throw rateLimited(
          decision,
          'calling the API with this key',
          'Wait for the Retry-After seconds, then repeat the call exactly (for a send, with the same Idempotency-Key).',
        );
    },
    reportInternal: runtime.reportInternal,
    openapi: OPENAPI_JSON,
  });
}
