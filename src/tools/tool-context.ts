import type { Kysely } from 'kysely';
import type { Clock } from '../lib/clock.js';
import type { CrmReader } from '../domain/crm/crm-reader.js';
import { crmService } from '../domain/crm/crm-service.js';
import type { CursorCodec } from '../domain/crm/cursor.js';
import type { MailDeps } from '../domain/mail/deps.js';
import { type MailService, mailService } from '../domain/mail/mail-service.js';
import type { Principal } from '../domain/principal.js';
import { scopedCrm } from '../domain/crm/scoped-crm.js';
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

/**
 * What one call runs with: its principal and services already scoped to the principal's tenant.
 * `crm` is shaped by the principal's scopes (`scopedCrm`): no face can show a field the grant
 * does not cover, because no face holds an unshaped reader.
 */
export interface ToolContext {
  readonly principal: Principal;
  readonly crm: CrmReader;
  readonly mail: MailService;
}

export function toolContext(env: ToolEnvironment, principal: Principal): ToolContext {
  const tenantCrm = crmService(crmRepository(env.db, principal.tenantId), env.clock, env.cursors);
  return {
    principal,
    crm: scopedCrm(tenantCrm, principal.scopes),
    // Recording a sent email on a bid needs only the bid's id; its label is the caller's own reference.
    mail: mailService(env.mail, principal, async (reference) => {
      const bid = await tenantCrm.findBid(reference);
      return { id: bid.id, label: bid.label };
    }),
  };
}
