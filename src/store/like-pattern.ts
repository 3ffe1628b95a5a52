import { type RawBuilder, sql } from 'kysely';

/** `column LIKE '%term%'` on a lower-cased column, with `%`, `_` and `\` in the term taken literally. */
export function containsText(column: string, term: string): RawBuilder<boolean> {
  const escaped = term.toLowerCase().replace(/[\\%_]/g, (ch) => `\\${ch}`);
  return sql<boolean>`${sql.ref(column)} like ${`%${escaped}%`} escape '\\'`;
}
