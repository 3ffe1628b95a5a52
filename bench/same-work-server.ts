/**
 * The *same work by hand*: what `tools/call projects.list {limit: 20}` must do, with no MCP layer.
 * `node:http`, read the body, parse it, run the very SQL our repository runs for a page of 20
 * projects (captured once from the repository itself, then a prepared better-sqlite3 statement),
 * map the rows with the same view function, sign the next-page cursor (HMAC, as the pager does),
 * build the same text block, and answer the same JSON-RPC result shape (`structuredContent` and a
 * text block) as `application/json`. The limit our core can approach: its query, its result, its
 * bytes, without protocol work. Started by bench/run.ts over the benchmark database (BENCH_DB).
 */
import { createHmac, randomBytes } from 'node:crypto';
import Database from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { toProjectSummary } from '../src/domain/crm/row-views.js';
import { CompiledShapes } from '../src/store/compiled-shapes.js';
import { projectQueries } from '../src/store/project-queries.js';
import type { Database as Schema } from '../src/store/schema.js';
import { listText, projectLine } from '../src/tools/text-format.js';
import { BENCH_TENANT } from './generate.js';
import { serveJsonRpc } from './json-rpc-child.js';

const raw = new Database(process.env.BENCH_DB ?? '', { readonly: true });
const tenant = raw.prepare('SELECT id FROM tenants WHERE slug = ?').get(BENCH_TENANT) as { id: string };

// The repository's own query for a first page of 20, captured as SQL text and parameters.
let captured: { sql: string; parameters: readonly unknown[] } | undefined;
const kysely = new Kysely<Schema>({
  dialect: new SqliteDialect({ database: raw }),
  log: (event) => {
    captured = { sql: event.query.sql, parameters: event.query.parameters };
  },
});
await projectQueries(kysely, tenant.id, new CompiledShapes()).listProjects({ limit: 20 });
if (captured === undefined) throw new Error('the repository query was not captured');
const { sql, parameters } = captured;
const statement = raw.prepare(sql);
const key = randomBytes(32);

type Row = Parameters<typeof toProjectSummary>[0];

function answer(id: unknown): string {
  const rows = statement.all(...parameters) as Row[];
  const projects = rows.map(toProjectSummary);
  const last = rows.length === 20 ? rows[19] : undefined;
  let nextCursor: string | null = null;
  if (last !== undefined) {
    const payload = Buffer.from(JSON.stringify({ name: last.name, id: last.id })).toString('base64url');
    const mac = createHmac('sha256', key).update(`${tenant.id}|projects|||20|${payload}`).digest('base64url');
    nextCursor = `${payload}.${mac}`;
  }
  const structuredContent = { projects, next_cursor: nextCursor };
  const text = listText('projects', projects.map(projectLine), nextCursor);
  return JSON.stringify({
    jsonrpc: '2.0',
    id,
    result: { content: [{ type: 'text', text }], structuredContent },
  });
}

serveJsonRpc((message) => answer(message.id ?? null));
