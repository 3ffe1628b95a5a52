import type { Principal } from '../domain/principal.js';
import type { Store } from '../store/open-store.js';
import type { Ports } from './ports.js';

/** How a port method's work is run as one tenant (the store's `asTenant`). */
export type TenantRunner = Store['asTenant'];

/**
 * The ports of one principal with every method run as its tenant (`store.asTenant`): on
 * PostgreSQL each query a tool, resource, prompt or /api/v1 operation causes runs as the runtime
 * role, and row-level security admits only the principal's tenant even to a query that forgot its
 * tenant predicate (issue 9). Tools reach data only through ports, so this one wrapper covers them.
 */
export function tenantScoped(ports: Ports, principal: Principal, asTenant: TenantRunner): Ports {
  const wrap = <T extends object>(port: T): T =>
    new Proxy(port, {
      get(target, key, receiver) {
        const member: unknown = Reflect.get(target, key, receiver);
        if (typeof member !== 'function') return member;
        return (...args: unknown[]): unknown =>
          asTenant(principal.tenantId, () => (member as (...a: unknown[]) => unknown).apply(target, args));
      },
    });
  return {
    crm: wrap(ports.crm),
    changes: wrap(ports.changes),
    mail: wrap(ports.mail),
    account: wrap(ports.account),
  };
}
