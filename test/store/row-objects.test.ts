import SqliteDatabase from 'better-sqlite3';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { objectRows } from '../../src/store/row-objects.js';

let connection: SqliteDatabase.Database;
beforeEach(() => {
  connection = new SqliteDatabase(':memory:');
  connection.exec(`
    create table t (id text primary key, n integer, r real, b blob, note text);
    insert into t values ('a', 1, 1.5, x'0102', null), ('b', 9007199254740991, -0.25, null, 'é — ✓');
    create table u (id text primary key, t_id text);
    insert into u values ('u1', 'a');
  `);
});
afterEach(() => {
  connection.close();
});

/** What better-sqlite3 itself returns for `sql`, next to what objectRows returns. */
function both(sql: string, parameters: unknown[] = []) {
  const own = connection.prepare(sql).all(parameters);
  const statement = objectRows(sql, connection.prepare(sql));
  return { own, built: statement.all(parameters), iterated: [...statement.iterate(parameters)] };
}

it('builds the same rows as better-sqlite3: keys in order, every value type, a later duplicate name winning', () => {
  for (const sql of [
    'select id, n, r, b, note from t order by id',
    'select t.id, u.id, t.note as label from t left join u on u.t_id = t.id where t.id > ? order by t.id',
    'select n + 1 as next, upper(note) as loud from t where id = ?',
  ]) {
    const parameters = sql.includes('?') ? [sql.includes('>') ? '' : 'b'] : [];
    const { own, built, iterated } = both(sql, parameters);
    expect(own.length).toBeGreaterThan(0);
    expect(built).toEqual(own);
    expect(iterated).toEqual(own);
    expect(built.map((row) => Object.keys(row as object))).toEqual(
      own.map((row) => Object.keys(row as object)),
    );
  }
});

it('reads names once only where the text names every column: `select *` keeps better-sqlite3 objects after a schema change', () => {
  const star = objectRows('select * from t where id = ?', connection.prepare('select * from t where id = ?'));
  connection.exec('alter table t add column extra text');
  expect(star.all(['a'])).toEqual([
    { id: 'a', n: 1, r: 1.5, b: Buffer.from([1, 2]), note: null, extra: null },
  ]);
});

it('leaves writes and a `__proto__` column to better-sqlite3', () => {
  const insert = connection.prepare("insert into u values ('u2', 'b')");
  expect(objectRows('insert', insert)).toBe(insert);
  const proto = connection.prepare('select id as __proto__ from t');
  expect(objectRows('select id as __proto__ from t', proto)).toBe(proto);
});

it('keeps any column name a property name: quotes, backslashes, line breaks, digits, code', () => {
  const sql = `select 1 as "a""b", 2 as "c\\d", 3 as "0", 4 as "line
break", 5 as "constructor", 6 as "x }; throw new Error('ran'); ({", 7 as "", 8 as "é ✓ \u2028"`;
  const { own, built, iterated } = both(sql);
  expect(built).toEqual(own);
  expect(iterated).toEqual(own);
  expect(Object.keys(built[0] as object)).toEqual(Object.keys(own[0] as object));
  expect(Object.keys(own[0] as object)).toHaveLength(8);
});
