import type { Kysely } from 'kysely';
import type { KoaContextWithOIDC, Middleware, Provider } from 'oidc-provider';
import { appendAudit } from '../domain/audit/audit-log.js';
import type { Clock } from '../lib/clock.js';
import type { Logger } from '../lib/logger.js';
import type { Database } from '../store/schema.js';
import { connectionsRepository } from './connections.js';
import { markClientUsed } from './sql-adapter.js';

interface TokenEntity {
  grantId?: string;
  accountId?: string;
  clientId?: string;
  gty?: string;
  scope?: string;
}

export interface AuditContext {
  readonly db: Kysely<Database>;
  readonly clock: Clock;
  readonly logger: Logger;
}

/** One audit entry for something that happened to a grant, with the grant's user, client and tenant. */
export async function auditGrant(
  context: AuditContext,
  grantId: string | null | undefined,
  entry: {
    action: string;
    decision: string;
    reason?: string;
    clientId?: string | null;
    details?: Record<string, unknown>;
  },
) {
  const connection = grantId == null ? undefined : await connectionsRepository(context.db).find(grantId);
  await appendAudit(context.db, context.clock, {
    tenantId: connection?.tenant_id ?? null,
    userId: connection?.user_id ?? null,
    clientId: connection?.client_id ?? entry.clientId ?? null,
    action: entry.action,
    decision: entry.decision,
    reason: entry.reason ?? null,
    details: { ...(grantId != null && { grant: grantId }), ...entry.details },
  });
}

/**
 * Audits every decision the engine makes on its own (tokens issued or refused, grants revoked on
 * code replay or refresh reuse, clients registered). Listeners never throw into the engine.
 */
export function installAuditHooks(provider: Provider, context: AuditContext): void {
  const run = (work: () => Promise<unknown>) => {
    work().catch((error: unknown) => {
      context.logger.error({ err: error }, 'audit write failed');
    });
  };
  const connections = connectionsRepository(context.db);
  provider.on('grant.success', (ctx: KoaContextWithOIDC) => {
    const at = ctx.oidc?.entities.AccessToken as TokenEntity | undefined;
    // A refresh-grace replay re-sends an earlier answer: nothing new was issued.
    if (at === undefined) return;
    if (at.clientId !== undefined) run(() => markClientUsed(context.db, at.clientId ?? ''));
    run(() =>
      auditGrant(context, at.grantId, {
        action: 'oauth.token_issued',
        decision: 'allowed',
        clientId: at.clientId ?? null,
        details: { grant_type: at.gty ?? null, scope: at.scope ?? null },
      }),
    );
  });
  provider.on(
    'grant.error',
    (ctx: KoaContextWithOIDC, error: { error?: string; error_description?: string }) => {
      run(() =>
        auditGrant(context, null, {
          action: 'oauth.token_denied',
          decision: 'denied',
          reason: error.error ?? 'error',
          clientId: ctx.oidc?.client?.clientId ?? null,
          details: { description: error.error_description ?? null },
        }),
      );
    },
  );
  provider.on('grant.revoked', (ctx: KoaContextWithOIDC, grantId: string) => {
    run(async () => {
      await connections.revoke(grantId, null, context.clock.now().toISOString());
      await auditGrant(context, grantId, {
        action: 'oauth.grant_revoked',
        decision: 'revoked',
        reason: ctx.oidc?.route === 'revocation' ? 'revocation_endpoint' : 'replay_detected',
        clientId: ctx.oidc?.client?.clientId ?? null,
      });
    });
  });
  provider.on(
    'registration_create.success',
    (_ctx: KoaContextWithOIDC, client: { clientId: string; redirectUris?: string[] }) => {
      run(() =>
        appendAudit(context.db, context.clock, {
          tenantId: null,
          userId: null,
          clientId: client.clientId,
          action: 'oauth.client_registered',
          decision: 'allowed',
          details: { redirect_uris: client.redirectUris ?? [] },
        }),
      );
    },
  );
  provider.on('authorization.error', (ctx: KoaContextWithOIDC, error: { error?: string }) => {
    run(() =>
      appendAudit(context.db, context.clock, {
        tenantId: null,
        userId: null,
        clientId: ctx.oidc?.client?.clientId ?? null,
        action: 'oauth.authorization_denied',
        decision: 'denied',
        reason: error.error ?? 'error',
      }),
    );
  });
  provider.on('server_error', (_ctx: KoaContextWithOIDC, error: unknown) => {
    context.logger.error({ err: error }, 'authorization server fault');
  });
}

/** Audits RFC 7009 revocations (the endpoint answers 200 whether or not the token existed). */
export function revocationAudit(context: AuditContext): Middleware {
  return async (ctx, next) => {
    await next();
    if (ctx.path !== '/oauth/revoke' || ctx.status !== 200) return;
    await appendAudit(context.db, context.clock, {
      tenantId: null,
      userId: null,
      clientId: ctx.oidc?.client?.clientId ?? null,
      action: 'oauth.token_revoked',
      decision: 'revoked',
    });
  };
}
