import type { Kysely } from 'kysely';
import { auditCrmChange } from '../../domain/crm/crm-change-audit.js';
import { DomainError } from '../../domain/errors.js';
import type { Principal } from '../../domain/principal.js';
import type { Clock } from '../../lib/clock.js';
import type { Database } from '../../store/schema.js';
import type { CrmChangePort } from '../crm-change-port.js';

/**
 * CRM changes through a front: `/api/v1` has no write operations yet, so a confirmed change is
 * refused with a hint instead of being made here, on a store that holds no CRM data. Proposals,
 * declines and refusals are still recorded in the front's audit log.
 */
export function remoteChanges(
  deps: { db: Kysely<Database>; clock: Clock },
  principal: Principal,
): CrmChangePort {
  return {
    earlier: () => Promise.resolve(undefined),
    apply: () =>
      Promise.reject(
        new DomainError(
          'forbidden',
          'CRM changes are not available through this server: it is a front for another Workonward deployment, whose HTTP API offers reads and email only. Nothing was changed.',
          'Tell the user to make this change in the backend deployment itself (its own connector or pages); reading the CRM and email work here.',
        ),
      ),
    audit: (change, decision, reason, extra = {}) =>
      auditCrmChange(deps.db, deps.clock, principal, {
        change,
        decision,
        reason,
        extra: { ...extra, via: 'remote front' },
      }),
  };
}
