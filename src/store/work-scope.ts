import { AsyncLocalStorage } from 'node:async_hooks';
import type { OwnerWork } from './owner-work.js';

/** Whose work a query belongs to: one tenant's (`store.asTenant`) or named owner work (`store.asOwner`). */
export type WorkScope = { readonly tenantId: string } | { readonly owner: OwnerWork };

/**
 * The scope SQLite work runs in, kept only while a statement check is installed (tests: the
 * tenant statement guard needs to know whether a statement without a tenant predicate runs as
 * named owner work). SQLite itself has one user, so the scope changes nothing else.
 */
export class SqliteWorkScope {
  readonly #scope = new AsyncLocalStorage<WorkScope>();

  current(): WorkScope | undefined {
    return this.#scope.getStore();
  }

  run<T>(scope: WorkScope, work: () => T): T {
    return this.#scope.run(scope, work);
  }
}
