import type { Kysely } from 'kysely';
import { scopedCrm } from '../../domain/crm/scoped-crm.js';
import type { MailPolicy } from '../../domain/mail/policy.js';
import { epochMs, type Clock } from '../../lib/clock.js';
import type { Database } from '../../store/schema.js';
import type { AccountPort } from '../account-port.js';
import type { Backend } from '../ports.js';
import { tenantScoped, type TenantRunner } from '../tenant-scoped.js';
import { BackendClient, type BackendClientOptions } from './backend-client.js';
import { remoteAccount } from './remote-account.js';
import { remoteChanges } from './remote-changes.js';
import { remoteCrm } from './remote-crm.js';
import { remoteMail } from './remote-mail.js';

export interface RemoteBackendDeps {
  readonly client: BackendClientOptions;
  readonly policy: MailPolicy;
  /** The front's own store (OAuth state and its audit log) and clock. */
  readonly db: Kysely<Database>;
  readonly clock: Clock;
  /** The front's audit rows of a principal are written as its tenant (runtime role on PostgreSQL). */
  readonly asTenant: TenantRunner;
}

/** How long one readiness answer is reused: a balancer polling `/readyz` must not flood the backend. */
export const READY_CACHE_MS = 2000;

export interface RemoteBackend extends Backend {
  readonly kind: 'remote';
  readonly origin: string;
  /** The key's account: the same for every principal of this front. */
  readonly account: AccountPort;
}

/**
 * The ports over another deployment's `/api/v1` (remote backend mode, `WORKONWARD_BASE_URL` +
 * `WORKONWARD_API_KEY`). CRM reads are wrapped in `scopedCrm` like the local ones, and the
 * backend is asked to narrow the key's scopes to the principal's as well.
 */
export function remoteBackend(deps: RemoteBackendDeps): RemoteBackend {
  const client = new BackendClient(deps.client);
  // Readiness probes one attempt only, so /readyz answers within one timeout.
  const probe = new BackendClient({ ...deps.client, attempts: 1 });
  const account = remoteAccount(client);
  let checked: { at: number; outcome: Promise<void> } | undefined;
  return {
    kind: 'remote',
    origin: client.origin,
    account,
    portsFor(principal, options = {}) {
      const ports = {
        crm: scopedCrm(remoteCrm(client, principal), principal.scopes),
        mail: remoteMail(
          { client, policy: deps.policy, db: deps.db, clock: deps.clock },
          principal,
          options.dryRun === true,
        ),
        account,
        changes: remoteChanges({ db: deps.db, clock: deps.clock }, principal),
      };
      return tenantScoped(ports, principal, deps.asTenant);
    },
    ready() {
      // The injected clock, so a test moves past the cache instead of sleeping; a clock set
      // back (NTP) makes the answer stale rather than cached until the clock catches up.
      const now = epochMs(deps.clock);
      if (checked === undefined || now - checked.at > READY_CACHE_MS || now < checked.at)
        checked = {
          at: now,
          outcome: remoteAccount(probe)
            .account()
            .then(() => undefined),
        };
      return checked.outcome;
    },
  };
}
