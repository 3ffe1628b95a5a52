import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { availableDialects, newTestSchemaName, POSTGRES_URL } from '../support/stores.js';
import { foreignSchemaRace } from './cli-harness.js';

const dialects = await availableDialects();

describe('the CLI harness retry on a dropped foreign schema', () => {
  it.runIf(dialects.includes('postgres'))(
    'recognises PostgreSQL’s own error for a schema named as this run names them, plain and in --json output',
    async () => {
      const client = new pg.Client({ connectionString: POSTGRES_URL });
      await client.connect();
      try {
        const missing = newTestSchemaName();
        const error = await client.query(`create table ${missing}.probe (a int)`).then(
          () => undefined,
          (e: unknown) => e as Error,
        );
        expect(error?.message).toBe(`schema "${missing}" does not exist`);
        expect(foreignSchemaRace(`Error: ${error!.message}\n`)).toBe(true);
        expect(foreignSchemaRace(JSON.stringify({ error: error!.message, code: 'failed' }))).toBe(true);
      } finally {
        await client.end();
      }
    },
  );

  it('does not retry other missing schemas or other failures', () => {
    expect(foreignSchemaRace('schema "public" does not exist')).toBe(false);
    expect(foreignSchemaRace(`relation "${newTestSchemaName()}.companies" does not exist`)).toBe(false);
  });
});
