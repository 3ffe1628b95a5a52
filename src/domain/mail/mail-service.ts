import type { Principal } from '../principal.js';
import type { MailDeps } from './deps.js';
import type { MessageInput } from './message.js';
import { previewMessage, validateRecipients } from './preview.js';
import type { RecipientInput } from './recipients.js';
import { sendMessages, type SendItem, type SendTool } from './send.js';
import { sendStatus } from './status.js';

export interface BidRef {
  readonly id: string;
  readonly label: string;
}

/** The email use-cases for one principal (tenant, user, client), as the tools call them. */
export function mailService(
  deps: MailDeps,
  principal: Principal,
  resolveBid: (reference: string) => Promise<BidRef>,
) {
  return {
    policy: deps.policy,
    validateRecipients: (entries: readonly RecipientInput[]) => validateRecipients(deps, principal, entries),
    preview: (input: MessageInput) => previewMessage(deps, principal, input),
    async send(tool: SendTool, key: string, items: readonly SendItem[], bidReference?: string) {
      const bid = bidReference === undefined ? undefined : await resolveBid(bidReference);
      const result = await sendMessages(deps, principal, { tool, key, items, bid });
      if (!result.dry_run && !result.replayed) deps.onQueued?.();
      return result;
    },
    status: (query: { message_id?: string | undefined; idempotency_key?: string | undefined }) =>
      sendStatus(deps, principal, query),
  };
}

export type MailService = ReturnType<typeof mailService>;
