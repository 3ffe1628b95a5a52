/**
 * The *same work by hand*: what `tools/call projects.list {limit: 20}` and `tools/call bids.list
 * {status: "negotiation", min_days_in_status: 14}` must do, with no MCP layer. `node:http`, read
 * the body, parse it, pick the list by `params.name`, run the very SQL our repository runs for that
 * first page of 20 (captured once from the repository itself, then a prepared better-sqlite3
 * statement whose rows are built as the store builds them), map the rows with the same view
 * function, sign the next-page cursor (HMAC, as the pager does), build the same text block, and
 * answer the same JSON-RPC result shape
 * (`structuredContent` and a text block) as `application/json`. The limit our core can approach:
 * its query, its result, its bytes, without protocol work. `bids.list`'s query joins four tables
 * and costs about twice `projects.list`'s, so each tool is compared with its own shape. Started by
 * bench/run.ts over the benchmark database (BENCH_DB).
 */
import { createHmac, randomBytes } from 'node:crypto';
import Database from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { toBidSummary, toProjectSummary } from '../src/domain/crm/row-views.js';
import { daysBefore } from '../src/lib/clock.js';
import { bidQueries } from '../src/store/bid-queries.js';
import { CompiledShapes } from '../src/store/compiled-shapes.js';
import { projectQueries } from '../src/store/project-queries.js';
import { objectRows } from '../src/store/row-objects.js';
import type { Database as Schema } from '../src/store/schema.js';
import { bidLine, listText, projectLine } from '../src/tools/text-format.js';
import { BENCH_TENANT } from './generate.js';
import { serveJsonRpc } from './json-rpc-child.js';

const raw = new Database(process.env.BENCH_DB ?? '', { readonly: true });
const tenant = raw.prepare('SELECT id FROM tenants WHERE slug = ?').get(BENCH_TENANT) as { id: string };

// The repository's own queries for a first page of 20, captured as SQL text and parameters.
let captured: { sql: string; parameters: readonly unknown[] } | undefined;
const kysely = new Kysely<Schema>({
  dialect: new SqliteDialect({ database: raw }),
  log: (event) => {
    captured = { sql: event.query.sql, parameters: event.query.parameters };
  },
});
function capture(run: () => Promise<unknown>) {
  captured = undefined;
  return run().then(() => {
    if (captured === undefined) throw new Error('the repository query was not captured');
    // Prepared and read as the store's SQLite driver does (rows built by objectRows).
    return {
      statement: objectRows(captured.sql, raw.prepare(captured.sql)),
      parameters: captured.parameters,
    };
  });
}
const projects = await capture(() =>
  projectQueries(kysely, tenant.id, new CompiledShapes()).listProjects({ limit: 20 }),
);
// `since` moves with the clock (14 days before now), so it is a marker replaced on every request.
const SINCE = 'since-marker';
const bids = await capture(() =>
  bidQueries(kysely, tenant.id, new CompiledShapes()).listBids({
    status: 'negotiation',
    statusSinceAtOrBefore: SINCE,
    limit: 20,
  }),
);
const key = randomBytes(32);

function cursorOf(list: string, position: unknown): string {
  const payload = Buffer.from(JSON.stringify(position)).toString('base64url');
  return `${payload}.${createHmac('sha256', key).update(`${tenant.id}|${list}|${payload}`).digest('base64url')}`;
}

type ProjectRow = Parameters<typeof toProjectSummary>[0];
type BidRow = Parameters<typeof toBidSummary>[0];

function projectsResult(): unknown {
  const rows = projects.statement.all(projects.parameters) as ProjectRow[];
  const list = rows.map(toProjectSummary);
  const last = rows.length === 20 ? rows[19] : undefined;
  const nextCursor = last === undefined ? null : cursorOf('projects|||20', { name: last.name, id: last.id });
  const text = listText('projects', list.map(projectLine), nextCursor);
  return {
    content: [{ type: 'text', text }],
    structuredContent: { projects: list, next_cursor: nextCursor },
  };
}

function bidsResult(): unknown {
  const now = new Date();
  const since = daysBefore(now, 14).toISOString();
  const parameters = bids.parameters.map((value) => (value === SINCE ? since : value));
  const rows = bids.statement.all(parameters) as BidRow[];
  const list = rows.map((row) => toBidSummary(row, now));
  const last = rows.length === 20 ? rows[19] : undefined;
  const nextCursor =
    last === undefined
      ? null
      : cursorOf('bids|negotiation|14|||20', { statusSince: last.status_since, number: last.number });
  const text = listText('bids', list.map(bidLine), nextCursor);
  return { content: [{ type: 'text', text }], structuredContent: { bids: list, next_cursor: nextCursor } };
}

serveJsonRpc((message) => {
  const { name } = (message.params ?? {}) as { name?: unknown };
  const result = name === 'bids.list' ? bidsResult() : projectsResult();
  return JSON.stringify({ jsonrpc: '2.0', id: message.id ?? null, result });
});
