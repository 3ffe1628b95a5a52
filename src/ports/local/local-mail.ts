import { auditEmail, type MailDeps } from '../../domain/mail/deps.js';
import { mailService, type BidRef } from '../../domain/mail/mail-service.js';
import type { Principal } from '../../domain/principal.js';
import type { MailPort } from '../mail-port.js';

/** Email for one principal from this deployment's outbox: the domain's mail service, as a port. */
export function localMail(
  deps: MailDeps,
  principal: Principal,
  resolveBid: (reference: string) => Promise<BidRef>,
): MailPort {
  const service = mailService(deps, principal, resolveBid);
  return {
    batchMax: deps.policy.batchMax,
    validateRecipients: service.validateRecipients,
    preview: service.preview,
    send: (tool, key, items, bid) => service.send(tool, key, items, bid),
    status: service.status,
    async refuseInput(tool, problems) {
      await auditEmail(deps.db, deps.clock, principal, tool, 'refused', 'invalid_input', { problems });
    },
  };
}
