import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { DomainError } from '../../src/domain/errors.js';
import type { Principal } from '../../src/domain/principal.js';
import { ALL_SCOPES, type Scope } from '../../src/domain/scopes.js';
import { fixedClock } from '../../src/lib/clock.js';
import { createLogger } from '../../src/lib/logger.js';
import { PROMPTS } from '../../src/prompts/registry.js';
import { RESOURCE_TEMPLATES } from '../../src/resources/crm-resources.js';
import { startRuntime, type Runtime } from '../../src/runtime.js';
import { accountsRepository } from '../../src/store/accounts-repository.js';
import { crmWriter } from '../../src/store/crm-writer.js';
import { toolContext } from '../../src/tools/tool-context.js';
import { TOOLS } from '../../src/tools/registry.js';
import { TEST_NOW } from '../support/server.js';
import { availableDialects, createTestDatabase, type TestDatabase } from '../support/stores.js';

/**
 * Finding 1 of issue 9, as a property: for every subset of the scopes a grant can hold and every
 * read path (each read-only tool with its readable text, each resource list and read, each prompt),
 * no field of a kind whose scope was not granted appears anywhere in what the path returns.
 *
 * The data carries a marker per kind in every field of that kind, so a leak is found whatever
 * field, nesting or text rendering carried it. A marker may appear when ANY scope in its set was
 * granted: the client company's name is also part of a project (the consent page says projects:read
 * shows "clients").
 */
const dialects = await availableDialects();

const MARKERS: Record<string, readonly Scope[]> = {
  zqprojz: ['projects:read'],
  '919191': ['projects:read'],
  '919,191': ['projects:read'],
  zqbidz: ['bids:read'],
  '737373': ['bids:read'],
  '737,373': ['bids:read'],
  zqcontz: ['contacts:read'],
  zqclientz: ['projects:read', 'contacts:read'],
};

const TENANT = { id: 'tenant-marked', slug: 'marked', name: 'Marked Builders' };
const AT = '2026-10-01T00:00:00.000Z';
const ID = {
  client: 'company-client',
  bidder: 'company-bidder',
  contact: 'contact-1',
  project: 'project-1',
  bid: 'bid-1',
};

async function seedMarkedTenant(runtime: Runtime): Promise<void> {
  const db = runtime.store.db;
  await accountsRepository(db).insertTenant({ ...TENANT, created_at: AT });
  const write = crmWriter(db, TENANT.id);
  await write.companies([
    {
      id: ID.client,
      name: 'Zqclientz Holdings',
      kind: 'client',
      city: 'Zqcontz City',
      phone: '+1 555 zqcontz',
      website: 'https://zqcontz.example',
      created_at: AT,
    },
    {
      id: ID.bidder,
      name: 'Zqcontz Builders',
      kind: 'general_contractor',
      city: 'Zqcontz Town',
      phone: null,
      website: null,
      created_at: AT,
    },
  ]);
  await write.contacts([
    {
      id: ID.contact,
      company_id: ID.bidder,
      first_name: 'Zqcontz',
      last_name: 'Person',
      email: 'zqcontz@example.com',
      phone: '+1 555 0100 zqcontz',
      title: 'Zqcontz estimator',
      created_at: AT,
    },
  ]);
  await write.projects([
    {
      id: ID.project,
      name: 'Zqprojz Tower',
      status: 'active',
      client_company_id: ID.client,
      location: 'Zqprojz Avenue',
      value_cents: 91_919_100,
      start_date: '2026-01-01',
      end_date: '2027-01-01',
      description: 'The zqprojz description',
      created_at: AT,
      updated_at: AT,
    },
  ]);
  await write.bids([
    {
      id: ID.bid,
      number: 4747,
      title: 'Zqbidz steel package',
      project_id: ID.project,
      company_id: ID.bidder,
      contact_id: ID.contact,
      amount_cents: 73_737_300,
      status: 'negotiation',
      status_since: AT,
      due_date: '2026-12-01',
      created_at: AT,
      updated_at: AT,
    },
  ]);
  await write.bidStatusChanges([
    { id: 'change-1', bid_id: ID.bid, from_status: null, to_status: 'negotiation', changed_at: AT },
  ]);
  await write.bidNotes([
    { id: 'note-1', bid_id: ID.bid, author_user_id: null, body: 'zqbidz: call back', created_at: AT },
  ]);
}

/** Arguments for every read-only tool; the test fails when a new read-only tool is missing here. */
const TOOL_CALLS: Record<string, Record<string, unknown>[]> = {
  'projects.list': [{}],
  'projects.get': [{ id: ID.project }],
  'companies.list': [{}],
  'companies.get': [{ id: ID.client }, { id: ID.bidder }],
  'contacts.search': [{ name: 'zqcontz' }],
  'contacts.get': [{ id: ID.contact }],
  'bids.list': [{}],
  'bids.get': [{ bid: '#4747' }],
  search: [{ query: 'zqprojz' }, { query: '#4747' }, { query: 'zqcontz' }],
  fetch: [
    { id: `project:${ID.project}` },
    { id: 'bid:4747' },
    { id: `company:${ID.bidder}` },
    { id: `company:${ID.client}` },
    { id: `contact:${ID.contact}` },
  ],
  validate_recipients: [],
  preview_send: [],
  get_send_status: [],
};
const RESOURCE_KEYS: Record<string, string> = { project: ID.project, bid: '4747', contact: ID.contact };
const PROMPT_ARGS: Record<string, Record<string, unknown>> = {
  summarize_open_projects: {},
  draft_bid_followup: { bid: '#4747' },
};

interface ReadPath {
  readonly name: string;
  readonly needs: readonly Scope[];
  /** Everything the path would put on the wire, as one string. */
  read(principal: Principal): Promise<string>;
}

function readPaths(runtime: Runtime): ReadPath[] {
  const context = (principal: Principal) => toolContext(runtime.env, principal);
  const tools = TOOLS.filter((tool) => tool.annotations.readOnlyHint).flatMap((tool) =>
    (TOOL_CALLS[tool.name] ?? []).map((args) => ({
      name: `tool ${tool.name} ${JSON.stringify(args)}`,
      needs: tool.scopes,
      async read(principal: Principal) {
        const output = await tool.run(tool.input.parse(args), context(principal));
        // The published output schema must accept what was returned (absent fields included).
        tool.output.parse(output);
        return `${JSON.stringify(output)}\n${tool.text(output)}`;
      },
    })),
  );
  const resources = RESOURCE_TEMPLATES.flatMap((resource) => [
    {
      name: `resources/list ${resource.name}`,
      needs: resource.scopes,
      read: async (principal: Principal) => JSON.stringify(await resource.list(context(principal))),
    },
    {
      name: `resources/read ${resource.name}`,
      needs: resource.scopes,
      read: async (principal: Principal) =>
        JSON.stringify(await resource.read(RESOURCE_KEYS[resource.name] ?? '', context(principal))),
    },
  ]);
  const prompts = PROMPTS.map((prompt) => ({
    name: `prompt ${prompt.name}`,
    needs: prompt.scopes,
    read: (principal: Principal) =>
      prompt.render(prompt.args.parse(PROMPT_ARGS[prompt.name]), context(principal)),
  }));
  // A refusal is an answer too: its message and hint go on the wire.
  return [...tools, ...resources, ...prompts].map((path) => ({
    ...path,
    read: (principal: Principal) =>
      path.read(principal).catch((error: unknown) => {
        if (error instanceof DomainError) return `${error.message} ${error.hint}`;
        throw error;
      }),
  }));
}

/** Every subset of every scope a grant can hold (2^6 = 64). */
const SUBSETS: Scope[][] = Array.from({ length: 2 ** ALL_SCOPES.length }, (_, mask) =>
  ALL_SCOPES.filter((_, bit) => (mask & (1 << bit)) !== 0),
);

describe.each(dialects)('scope-shaped views on %s', (dialect) => {
  let database: TestDatabase;
  let runtime: Runtime;
  let paths: ReadPath[];

  beforeAll(async () => {
    database = await createTestDatabase(dialect);
    const config = loadConfig({
      WORKONWARD_ENV: 'development',
      WORKONWARD_MCP_TRANSPORT: 'stdio',
      WORKONWARD_MCP_AUTH: 'none',
      WORKONWARD_DATABASE_URL: database.url,
      WORKONWARD_LOG_LEVEL: 'silent',
    });
    runtime = await startRuntime(config, { clock: fixedClock(TEST_NOW), logger: createLogger('silent') });
    await seedMarkedTenant(runtime);
    paths = readPaths(runtime);
  });

  afterAll(async () => {
    await runtime.close();
    await database.dispose();
  });

  const principal = (scopes: readonly Scope[]): Principal => ({
    tenantId: TENANT.id,
    tenantSlug: TENANT.slug,
    tenantName: TENANT.name,
    userId: null,
    clientId: 'property-test',
    scopes,
  });

  it('covers every read-only tool, every resource template and every prompt', () => {
    for (const tool of TOOLS.filter((t) => t.annotations.readOnlyHint)) {
      expect(Object.keys(TOOL_CALLS), `read path for ${tool.name}`).toContain(tool.name);
    }
    for (const resource of RESOURCE_TEMPLATES) expect(Object.keys(RESOURCE_KEYS)).toContain(resource.name);
    for (const prompt of PROMPTS) expect(Object.keys(PROMPT_ARGS)).toContain(prompt.name);
  });

  it('shows every kind of field when every scope is granted (the markers are reachable)', async () => {
    const all = (await Promise.all(paths.map((path) => path.read(principal(ALL_SCOPES)))))
      .join('\n')
      .toLowerCase();
    for (const marker of Object.keys(MARKERS)) expect(all, marker).toContain(marker);
  });

  it('never shows a field of a kind whose scope was not granted, for any scope subset and read path', async () => {
    const leaks: string[] = [];
    for (const scopes of SUBSETS) {
      const allowed = paths.filter((path) => path.needs.every((scope) => scopes.includes(scope)));
      const answers = await Promise.all(allowed.map((path) => path.read(principal(scopes))));
      answers.forEach((answer, index) => {
        const lower = answer.toLowerCase();
        for (const [marker, permits] of Object.entries(MARKERS)) {
          if (lower.includes(marker) && !permits.some((scope) => scopes.includes(scope))) {
            leaks.push(`[${scopes.join(' ')}] ${allowed[index]?.name} shows ${marker}`);
          }
        }
      });
    }
    expect(leaks).toEqual([]);
  });
});
