import type { Kysely } from 'kysely';
import { crmChangeService } from '../../domain/crm/crm-changes.js';
import { crmService } from '../../domain/crm/crm-service.js';
import type { CursorCodec } from '../../domain/crm/cursor.js';
import { scopedCrm } from '../../domain/crm/scoped-crm.js';
import type { MailDeps } from '../../domain/mail/deps.js';
import type { Clock } from '../../lib/clock.js';
import { crmRepository } from '../../store/crm-repository.js';
import type { Database } from '../../store/schema.js';
import type { Backend } from '../ports.js';
import { tenantScoped, type TenantRunner } from '../tenant-scoped.js';
import { localAccount, type LocalAccountDeps } from './local-account.js';
import { localMail } from './local-mail.js';

export interface LocalBackendDeps {
  readonly db: Kysely<Database>;
  readonly clock: Clock;
  readonly cursors: CursorCodec;
  /** The email policy and its dependencies (PING8 tools). */
  readonly mail: MailDeps;
  readonly account: LocalAccountDeps;
  /** Runs a port's work as the principal's tenant (the store's runtime role on PostgreSQL). */
  readonly asTenant: TenantRunner;
}

/**
 * The ports over this deployment's store and outbox (embedded mode). CRM reads are wrapped in
 * `scopedCrm`, so the principal's scopes shape every view; nothing hands out an unshaped reader.
 */
export function localBackend(deps: LocalBackendDeps): Backend {
  const dryRunMail: MailDeps = { ...deps.mail, policy: { ...deps.mail.policy, dryRun: true } };
  return {
    kind: 'local',
    portsFor(principal, options = {}) {
      const tenantCrm = crmService(crmRepository(deps.db, principal.tenantId), deps.clock, deps.cursors);
      const ports = {
        crm: scopedCrm(tenantCrm, principal.scopes),
        // Recording a sent email on a bid needs only the bid's id; its label is the caller's own reference.
        mail: localMail(options.dryRun === true ? dryRunMail : deps.mail, principal, async (reference) => {
          const bid = await tenantCrm.findBid(reference);
          return { id: bid.id, label: bid.label };
        }),
        account: localAccount(deps.account, principal),
        // Keys are remembered as long as the email tools' keys: one retention setting.
        changes: crmChangeService(
          { db: deps.db, clock: deps.clock, keyRetentionMs: deps.mail.policy.idempotencyMs },
          principal,
        ),
      };
      return tenantScoped(ports, principal, deps.asTenant);
    },
    // The store's own health is `/readyz`'s first check; nothing else to ask here.
    ready: () => Promise.resolve(),
  };
}
