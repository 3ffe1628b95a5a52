import type { Kysely } from 'kysely';
import type { Provider } from 'oidc-provider';
import type { Config } from '../config/config.js';
import type { Clock } from '../lib/clock.js';
import type { Logger } from '../lib/logger.js';
import type { KeyRing } from '../lib/secrets.js';
import type { SignInMailer } from '../outbox/sign-in-mail.js';
import type { SignInQueue } from './sign-in-queue.js';
import type { AccountPort } from '../ports/account-port.js';
import type { TenantRunner } from '../ports/tenant-scoped.js';
import type { Database } from '../store/schema.js';

/** What the server-rendered pages need. */
export interface WebDeps {
  readonly config: Config;
  readonly db: Kysely<Database>;
  /** Runs a tenant page's store work as that tenant (the store's runtime role on PostgreSQL). */
  readonly asTenant: TenantRunner;
  readonly clock: Clock;
  readonly keys: KeyRing;
  readonly logger: Logger;
  /** Sign-in codes are queued durably and go out after the page has answered (no oracle). */
  readonly signInQueue: Pick<SignInQueue, 'enqueue'>;
  /** Mails a sign-in code: this deployment's mail, or a backend's in remote mode. */
  readonly signInMail: SignInMailer;
  /** Remote backend mode: the key's account, the one tenant people may sign in to. */
  readonly frontAccount: AccountPort | undefined;
  readonly provider: Provider;
  /** Sign-in codes per address per 10 minutes (tests raise it). */
  readonly signInCodesPerAddress?: number;
}
