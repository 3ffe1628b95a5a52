import type { Kysely } from 'kysely';
import type { Clock } from '../lib/clock.js';
import { type CrmService, crmService } from '../domain/crm/crm-service.js';
import type { CursorCodec } from '../domain/crm/cursor.js';
import type { MailDeps } from '../domain/mail/deps.js';
import { type MailService, mailService } from '../domain/mail/mail-service.js';
import type { Principal } from '../domain/principal.js';
import { crmRepository } from '../store/crm-repository.js';
import type { Database } from '../store/schema.js';

/** What the tools need from the process, built once at start-up. */
export interface ToolEnvironment {
  readonly db: Kysely<Database>;
  readonly clock: Clock;
  readonly cursors: CursorCodec;
  /** The email policy and its dependencies (PING8 tools). */
  readonly mail: MailDeps;
}

/** What one call runs with: its principal and services already scoped to the principal's tenant. */
export interface ToolContext {
  readonly principal: Principal;
  readonly crm: CrmService;
  readonly mail: MailService;
}

export function toolContext(env: ToolEnvironment, principal: Principal): ToolContext {
  const crm = crmService(crmRepository(env.db, principal.tenantId), env.clock, env.cursors);
  return {
    principal,
    crm,
    mail: mailService(env.mail, principal, async (reference) => {
      const bid = await crm.findBid(reference);
      return { id: bid.id, label: bid.label };
    }),
  };
}
