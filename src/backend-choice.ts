import type { Config } from './config/config.js';
import type { CursorCodec } from './domain/crm/cursor.js';
import type { MailDeps } from './domain/mail/deps.js';
import type { Clock } from './lib/clock.js';
import type { SignInMailer } from './outbox/sign-in-mail.js';
import { localBackend } from './ports/local/local-backend.js';
import type { AccountPort } from './ports/account-port.js';
import type { Backend } from './ports/ports.js';
import { remoteBackend } from './ports/remote/remote-backend.js';
import type { Store } from './store/open-store.js';

export interface BackendChoice {
  readonly backend: Backend;
  /** Sign-in codes go out through whichever deployment owns the mail. */
  readonly signInMail: SignInMailer;
  /** Remote backend mode: the API key's account on the backend (this front's only tenant). */
  readonly backendAccount: AccountPort | undefined;
}

/** True when `WORKONWARD_BASE_URL` + `WORKONWARD_API_KEY` make this server a front for another deployment. */
export function isRemoteMode(config: Config): boolean {
  return config.ping8.baseUrl !== undefined && config.ping8.apiKey !== undefined;
}

/**
 * The one place the adapter is picked: remote backend mode when `WORKONWARD_BASE_URL` and
 * `WORKONWARD_API_KEY` are set (this store then keeps only OAuth state and the audit log),
 * otherwise this deployment's own store and outbox.
 */
export function chooseBackend(
  config: Config,
  local: {
    store: Store;
    clock: Clock;
    cursors: CursorCodec;
    mail: MailDeps;
    signInMail: SignInMailer;
  },
): BackendChoice {
  const { baseUrl, apiKey, timeoutMs } = config.ping8;
  if (baseUrl !== undefined && apiKey !== undefined) {
    const backend = remoteBackend({
      client: { baseUrl, apiKey, timeoutMs },
      policy: local.mail.policy,
      db: local.store.db,
      clock: local.clock,
      asTenant: local.store.asTenant,
    });
    return {
      backend,
      signInMail: (email, code) => backend.account.deliverSignInCode(email, code),
      backendAccount: backend.account,
    };
  }
  return {
    backend: localBackend({
      db: local.store.db,
      asTenant: local.store.asTenant,
      clock: local.clock,
      cursors: local.cursors,
      mail: local.mail,
      account: {
        product: config.product.name,
        policy: local.mail.policy,
        batchEnabled: config.mail.batchEnabled,
        signInMail: local.signInMail,
      },
    }),
    signInMail: local.signInMail,
    backendAccount: undefined,
  };
}
