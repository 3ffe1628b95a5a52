import type { DatabaseConnection, Driver, QueryResult } from 'kysely';
import { invalidInput } from '../domain/errors.js';
import { NUL, NUL_NAME } from '../lib/nul-text.js';

/**
 * The store's backstop for NUL characters (issue 9, finding 10): every face refuses U+0000 at its
 * edge, and should a string slip past one, the query carrying it is refused here as bad input —
 * before the driver sees it, the same on both databases (PostgreSQL's `text` cannot hold it and
 * would fail as a fault; SQLite would store it). The check runs on the parameters of every query
 * as it is executed, compiled shapes included, so no query path goes around it.
 */
export function refusingNulParameters(inner: Driver): Driver {
  /** One checking connection per driver connection, and the way back to it for the driver. */
  const checking = new WeakMap<DatabaseConnection, DatabaseConnection>();
  const underlying = new WeakMap<DatabaseConnection, DatabaseConnection>();
  const wrap = (connection: DatabaseConnection): DatabaseConnection => {
    let checked = checking.get(connection);
    if (checked === undefined) {
      checked = {
        executeQuery: <R>(
          query: Parameters<DatabaseConnection['executeQuery']>[0],
        ): Promise<QueryResult<R>> => {
          refuseNul(query.parameters);
          return connection.executeQuery<R>(query);
        },
        streamQuery: <R>(query: Parameters<DatabaseConnection['streamQuery']>[0], chunkSize?: number) => {
          refuseNul(query.parameters);
          return connection.streamQuery<R>(query, chunkSize);
        },
      };
      checking.set(connection, checked);
      underlying.set(checked, connection);
    }
    return checked;
  };
  const unwrap = (connection: DatabaseConnection) => underlying.get(connection) ?? connection;
  const savepoint = inner.savepoint?.bind(inner);
  const rollbackTo = inner.rollbackToSavepoint?.bind(inner);
  const release = inner.releaseSavepoint?.bind(inner);
  return {
    init: () => inner.init(),
    // No async wrapper of its own: one promise and frame fewer on every query.
    acquireConnection: () => inner.acquireConnection().then(wrap),
    beginTransaction: (c, settings) => inner.beginTransaction(unwrap(c), settings),
    commitTransaction: (c) => inner.commitTransaction(unwrap(c)),
    rollbackTransaction: (c) => inner.rollbackTransaction(unwrap(c)),
    ...(savepoint && { savepoint: (c, name, compile) => savepoint(unwrap(c), name, compile) }),
    ...(rollbackTo && {
      rollbackToSavepoint: (c, name, compile) => rollbackTo(unwrap(c), name, compile),
    }),
    ...(release && { releaseSavepoint: (c, name, compile) => release(unwrap(c), name, compile) }),
    releaseConnection: (c) => inner.releaseConnection(unwrap(c)),
    destroy: () => inner.destroy(),
  };
}

/** Throws a bad-input error when a string parameter (or a string in an array one) holds a NUL. */
function refuseNul(parameters: readonly unknown[]): void {
  for (const parameter of parameters)
    if (
      (typeof parameter === 'string' && parameter.includes(NUL)) ||
      (Array.isArray(parameter) && parameter.some((item) => typeof item === 'string' && item.includes(NUL)))
    )
      throw invalidInput(
        `A value contains ${NUL_NAME}, which cannot be stored.`,
        'Remove the NUL character from the value and try again.',
      );
}
