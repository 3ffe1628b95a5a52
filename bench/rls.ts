/**
 * Row-level security cost on PostgreSQL: `npm run bench:rls -- [--queries N] [--rounds R]`.
 *
 * The same repository read (crmRepository.listProjects, 25 rows) three ways, interleaved in
 * rounds on one connection each, in the same run:
 *   owner          — the server as it runs today: the owner role, no transaction, RLS not applied;
 *   owner + tx     — the same inside a transaction (what withTenant adds besides RLS);
 *   runtime + RLS  — the runtime role inside withTenant: transaction, set_config, policy checked;
 *   server, 1 tenant   — what the server does for a live request: `store.asTenant` on the owner's
 *                        pool (SET ROLE to the runtime role + tenant setting when a connection's
 *                        role differs; here it never does after the first query), policy checked;
 *   server, 2 tenants  — the same, alternating two tenants, so every query switches the
 *                        connection's role and tenant (one extra round trip each: the worst case).
 * Prints per-query p50 and mean, and the ratios to the owner baseline.
 */
import { parseArgs } from 'node:util';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { loadDemoData } from '../src/domain/demo/load-demo.js';
import { fixedClock } from '../src/lib/clock.js';
import { crmRepository } from '../src/store/crm-repository.js';
import type { Database } from '../src/store/schema.js';
import { withTenant } from '../src/store/tenant-setting.js';
import { grantRuntimeRole, runtimeRoleDb, schemaOf } from '../test/support/runtime-role.js';
import { TEST_NOW } from '../test/support/server.js';
import { createTestStore } from '../test/support/stores.js';

const { values } = parseArgs({
  options: { queries: { type: 'string', default: '2000' }, rounds: { type: 'string', default: '5' } },
});
const QUERIES = Number(values.queries);
const ROUNDS = Number(values.rounds);

const store = await createTestStore('postgres');
await loadDemoData(store.db, fixedClock(TEST_NOW));
const schema = schemaOf(store.url);
await grantRuntimeRole(schema);
const owner = new Kysely<Database>({
  dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: store.url, max: 1 }) }),
});
const runtime = runtimeRoleDb(schema, 1);
const tenantIds = (await store.db.selectFrom('tenants').select('id').orderBy('slug').execute()).map(
  (t) => t.id,
);
const tenant = tenantIds[0]!;
let turn = 0;
const page = { limit: 25 };

const contenders: Record<string, () => Promise<unknown>> = {
  owner: () => crmRepository(owner, tenant).listProjects(page),
  'owner + tx': () => owner.transaction().execute((tx) => crmRepository(tx, tenant).listProjects(page)),
  'runtime + RLS': () =>
    withTenant(runtime, tenant, (tx) => crmRepository(tx, tenant).listProjects(page), {
      rowLevelSecurity: true,
    }),
  'server, 1 tenant': () => store.asTenant(tenant, () => crmRepository(store.db, tenant).listProjects(page)),
  'server, 2 tenants': () => {
    const t = tenantIds[(turn += 1) % 2]!;
    return store.asTenant(t, () => crmRepository(store.db, t).listProjects(page));
  },
};
const samples: Record<string, number[]> = Object.fromEntries(Object.keys(contenders).map((k) => [k, []]));
for (const run of Object.values(contenders)) for (let i = 0; i < 200; i += 1) await run(); // warm-up
for (let round = 0; round < ROUNDS; round += 1)
  for (const [name, run] of Object.entries(contenders))
    for (let i = 0; i < QUERIES / ROUNDS; i += 1) {
      const started = performance.now();
      await run();
      samples[name]!.push(performance.now() - started);
    }
const p50 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const base = samples.owner!;
for (const [name, xs] of Object.entries(samples))
  console.log(
    `${name.padEnd(18)} p50 ${p50(xs).toFixed(3)} ms  mean ${mean(xs).toFixed(3)} ms  ` +
      `ratio to owner: p50 ${(p50(xs) / p50(base)).toFixed(2)}×, mean ${(mean(xs) / mean(base)).toFixed(2)}×`,
  );
await owner.destroy();
await runtime.destroy();
await store.close();
