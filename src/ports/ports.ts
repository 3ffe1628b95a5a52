import type { Principal } from '../domain/principal.js';
import type { AccountPort } from './account-port.js';
import type { CrmChangePort } from './crm-change-port.js';
import type { CrmPort } from './crm-port.js';
import type { MailPort } from './mail-port.js';

/** Everything a tool, prompt, resource or API operation may ask for, for one principal. */
export interface Ports {
  readonly crm: CrmPort;
  /** CRM changes (write tools), made only after the person confirmed them. */
  readonly changes: CrmChangePort;
  readonly mail: MailPort;
  readonly account: AccountPort;
}

export interface PortOptions {
  /** Email for this one call is a dry run, whatever the deployment's setting (it can only make a call safer). */
  readonly dryRun?: boolean;
}

/**
 * Where the ports come from: this deployment's store and outbox (`ports/local`) or another
 * deployment's `/api/v1` (`ports/remote`). `main` picks one from the configuration; no face and
 * no tool knows which it has.
 */
export interface Backend {
  readonly kind: 'local' | 'remote';
  /** Remote: the backend's origin (shown by `/readyz`, never with the key). */
  readonly origin?: string;
  portsFor(principal: Principal, options?: PortOptions): Ports;
  /**
   * Resolves when the backend can serve; otherwise throws an `unavailable` DomainError whose
   * message says why (`/readyz` shows it).
   */
  ready(): Promise<void>;
}
