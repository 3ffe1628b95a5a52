import type { Compilable, CompiledQuery, Kysely, QueryResult } from 'kysely';

const SLOT = '\u0000slot:';

/**
 * A stand-in value for a query built once and reused: `slot('tenant')` compiles to a bound
 * parameter that {@link CompiledShapes.execute} replaces with the call's value. Typed as the
 * column's type so the builder accepts it; it never reaches the database.
 */
export function slot<T = string>(name: string): T {
  return `${SLOT}${name}` as T;
}

/**
 * Hot repository queries compiled once per shape instead of on every call: building and compiling
 * a Kysely query (immutable operation-node trees, then the SQL visitor) was ~5% of server CPU on
 * the benchmark. A shape is the set of optional filters present; its SQL is the same for every
 * value, so only the parameters are re-bound. The query is still the one Kysely builder of the
 * repository function (same SQL on SQLite and PostgreSQL); tenant ids are slots like any value.
 */
export class CompiledShapes {
  /**
   * Keyed by the dialect adapter, which a Kysely instance shares with every transaction it
   * starts: keyed by the executor itself, a query run inside a transaction (the outbox worker's
   * lease, a send's rate-limit count) was built and compiled again in every transaction.
   */
  private readonly compiled = new WeakMap<object, Map<string, CompiledQuery>>();

  execute<DB, Row>(
    db: Kysely<DB>,
    shape: string,
    build: () => Compilable<Row>,
    values: Readonly<Record<string, unknown>>,
  ): Promise<Row[]> {
    return this.executeResult(db, shape, build, values).then((result) => result.rows);
  }

  /** As `execute`, with the whole result (`numAffectedRows` of a write). */
  executeResult<DB, Row>(
    db: Kysely<DB>,
    shape: string,
    build: () => Compilable<Row>,
    values: Readonly<Record<string, unknown>>,
  ): Promise<QueryResult<Row>> {
    const dialect = db.getExecutor().adapter;
    let shapes = this.compiled.get(dialect);
    if (shapes === undefined) {
      shapes = new Map();
      this.compiled.set(dialect, shapes);
    }
    let query = shapes.get(shape) as CompiledQuery<Row> | undefined;
    if (query === undefined) {
      query = build().compile();
      shapes.set(shape, query);
    }
    const parameters = query.parameters.map((parameter) => {
      if (typeof parameter !== 'string' || !parameter.startsWith(SLOT)) return parameter;
      const name = parameter.slice(SLOT.length);
      if (!(name in values)) throw new Error(`compiled query ${shape}: no value for slot ${name}`);
      return values[name];
    });
    return db.executeQuery<Row>({ ...query, parameters });
  }
}

/**
 * Multi-row statements are compiled once per row count; they are cut into pieces of at most this
 * many rows (the outbox worker's window), so the number of compiled shapes stays bounded.
 */
export const ROWS_PER_COMPILED_STATEMENT = 16;

/** `items` in consecutive pieces of at most ROWS_PER_COMPILED_STATEMENT. */
export function compiledPieces<T>(items: readonly T[]): T[][] {
  const pieces: T[][] = [];
  for (let start = 0; start < items.length; start += ROWS_PER_COMPILED_STATEMENT)
    pieces.push(items.slice(start, start + ROWS_PER_COMPILED_STATEMENT));
  return pieces;
}
