import {
  type DialectAdapter,
  DummyDriver,
  Kysely,
  PostgresAdapter,
  PostgresQueryCompiler,
  type QueryCompiler,
  SqliteAdapter,
  SqliteIntrospector,
  SqliteQueryCompiler,
} from 'kysely';
import { describe, expect, it } from 'vitest';
import { rowLimit } from '../../src/store/row-limit.js';

interface Tables {
  projects: { id: string; tenant_id: string };
}

/** A Kysely that only compiles, with the dialect's own adapter and query compiler. */
const compiling = (adapter: DialectAdapter, compiler: () => QueryCompiler) =>
  new Kysely<Tables>({
    dialect: {
      createAdapter: () => adapter,
      createDriver: () => new DummyDriver(),
      createIntrospector: (db) => new SqliteIntrospector(db),
      createQueryCompiler: compiler,
    },
  });

const dialects = {
  sqlite: compiling(new SqliteAdapter(), () => new SqliteQueryCompiler()),
  postgres: compiling(new PostgresAdapter(), () => new PostgresQueryCompiler()),
};

describe.each(Object.entries(dialects))('rowLimit on %s', (_, db) => {
  it('writes the limit into the SQL text, not as a bound parameter', () => {
    const query = db
      .selectFrom('projects')
      .where('tenant_id', '=', 't-1')
      .select('id')
      .limit(rowLimit(20))
      .compile();
    expect(query.sql).toMatch(/ limit 20$/);
    expect(query.parameters).toEqual(['t-1']);
  });
});

it('refuses anything but a non-negative safe integer before it reaches SQL', () => {
  for (const limit of [1.5, -1, Number.NaN, Infinity, 2 ** 53])
    expect(() => rowLimit(limit)).toThrow(RangeError);
  expect(() => rowLimit(0)).not.toThrow();
});
