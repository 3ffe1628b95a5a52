import { AsyncLocalStorage } from 'node:async_hooks';
import { CompiledQuery, type DatabaseConnection, type Driver, type TransactionSettings } from 'kysely';
import { TENANT_SETTING } from './tenant-setting.js';

/** The role a connection was last set to: a tenant id (as the runtime role), or the owner. */
const OWNER = '';
/** A connection whose role change failed: set again before any use, whoever asks. */
const UNKNOWN = '\u0000unknown';

/**
 * Which role each PostgreSQL query runs as (issue 9): inside `asTenant(id, work)` as the runtime
 * role (`SET ROLE`, non-superuser, no BYPASSRLS, owning nothing) with `workonward.tenant_id` = id,
 * so row-level security admits only that tenant's rows; elsewhere as the owner (owner-work.ts).
 *
 * The scope is carried by AsyncLocalStorage, so every query of the work — repository, mail,
 * audit, a transaction — runs under it without being handed a different database object. The
 * role is set on the pooled connection when it is acquired, and only when it differs from what
 * that connection was last set to (one round trip on a change, none otherwise). Every acquisition
 * sets what it needs, owner included, so a connection never carries one tenant into another's
 * work, and work outside a scope never runs as a tenant it did not name.
 */
export class RuntimeRoleScope {
  readonly #scope = new AsyncLocalStorage<string>();
  readonly #setTo = new WeakMap<DatabaseConnection, string>();

  constructor(readonly role: string) {}

  asTenant<T>(tenantId: string, work: () => T): T {
    if (tenantId === OWNER) throw new Error('asTenant needs a tenant id');
    return this.#scope.run(tenantId, work);
  }

  asOwner<T>(work: () => T): T {
    return this.#scope.exit(work);
  }

  /** `inner` (the pool's driver), switching each acquired connection to the scope's role. */
  driver(inner: Driver): Driver {
    const wanted = () => this.#scope.getStore() ?? OWNER;
    const switchTo = async (connection: DatabaseConnection, to: string) => {
      if ((this.#setTo.get(connection) ?? OWNER) === to) return;
      this.#setTo.set(connection, UNKNOWN);
      await connection.executeQuery(
        to === OWNER
          ? CompiledQuery.raw(`select set_config('role', 'none', false), set_config($1, '', false)`, [
              TENANT_SETTING,
            ])
          : CompiledQuery.raw(`select set_config('role', $1, false), set_config($2, $3, false)`, [
              this.role,
              TENANT_SETTING,
              to,
            ]),
      );
      this.#setTo.set(connection, to);
    };
    return {
      init: () => inner.init(),
      async acquireConnection() {
        const to = wanted();
        const connection = await inner.acquireConnection();
        try {
          await switchTo(connection, to);
        } catch (error) {
          await inner.releaseConnection(connection);
          throw error;
        }
        return connection;
      },
      beginTransaction: (c: DatabaseConnection, s: TransactionSettings) => inner.beginTransaction(c, s),
      commitTransaction: (c) => inner.commitTransaction(c),
      rollbackTransaction: (c) => inner.rollbackTransaction(c),
      ...(inner.savepoint && { savepoint: inner.savepoint.bind(inner) }),
      ...(inner.rollbackToSavepoint && { rollbackToSavepoint: inner.rollbackToSavepoint.bind(inner) }),
      ...(inner.releaseSavepoint && { releaseSavepoint: inner.releaseSavepoint.bind(inner) }),
      releaseConnection: (c) => inner.releaseConnection(c),
      destroy: () => inner.destroy(),
    };
  }
}
