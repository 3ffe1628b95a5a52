import type { MailPolicy } from '../../domain/mail/policy.js';
import { senderFor } from '../../domain/mail/policy.js';
import type { Principal } from '../../domain/principal.js';
import type { SignInMailer } from '../../outbox/sign-in-mail.js';
import type { AccountPort, AccountView } from '../account-port.js';

export interface LocalAccountDeps {
  readonly product: string;
  readonly policy: MailPolicy;
  readonly batchEnabled: boolean;
  readonly signInMail: SignInMailer;
}

/** The account of a principal on this deployment: its tenant and this server's mail settings. */
export function localAccount(deps: LocalAccountDeps, principal: Principal): AccountPort {
  return {
    account: (): Promise<AccountView> =>
      Promise.resolve({
        tenant: { id: principal.tenantId, slug: principal.tenantSlug, name: principal.tenantName },
        product: deps.product,
        mail: {
          sender: senderFor(deps.policy, principal.tenantSlug),
          recipient_allowlist: deps.policy.allowlist.source ?? null,
          dry_run: deps.policy.dryRun,
          batch_send: deps.batchEnabled,
          batch_max: deps.policy.batchMax,
        },
      }),
    deliverSignInCode: (email, code) => deps.signInMail(email, code),
  };
}
