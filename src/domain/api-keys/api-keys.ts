import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Clock } from '../../lib/clock.js';
import { newId } from '../../lib/ids.js';
import { sha256 } from '../../lib/secrets.js';
import { accountsRepository } from '../../store/accounts-repository.js';
import { apiKeysRepository } from '../../store/api-keys-repository.js';
import type { Database } from '../../store/schema.js';
import { appendAudit } from '../audit/audit-log.js';
import { invalidInput, notFound } from '../errors.js';
import { ALL_SCOPES, isScope, type Scope } from '../scopes.js';

/** `wk_live_` and 256 random bits in hex: recognisable by secret scanners, never guessable. */
export const API_KEY_PATTERN = /^wk_live_[0-9a-f]{64}$/;
const PREFIX_LENGTH = 'wk_live_'.length + 8;

/** What lists show of a key (never the key or its hash). */
export interface ApiKeyView {
  readonly id: string;
  readonly prefix: string;
  readonly name: string;
  readonly tenant: string;
  readonly scopes: readonly Scope[];
  readonly on_behalf_of: boolean;
  readonly created_by: string;
  readonly created_at: string;
  readonly last_used_at: string | null;
  readonly revoked_at: string | null;
}

type ListedRow = Awaited<ReturnType<ReturnType<typeof apiKeysRepository>['list']>>[number];

function view(row: ListedRow): ApiKeyView {
  return {
    id: row.id,
    prefix: row.prefix,
    name: row.name,
    tenant: row.tenant_slug,
    scopes: parseScopeList(row.scopes),
    on_behalf_of: row.on_behalf_of === 1,
    created_by: row.created_by,
    created_at: row.created_at,
    last_used_at: row.last_used_at,
    revoked_at: row.revoked_at,
  };
}

export function parseScopeList(value: string): Scope[] {
  return value.split(/[\s,]+/).filter(isScope);
}

/** Scope names given by a person (comma- or space-separated); every one must be a real scope. */
export function checkScopes(given: readonly string[] | undefined): Scope[] {
  if (given === undefined) return [...ALL_SCOPES];
  const names = given.flatMap((s) => s.split(/[\s,]+/)).filter((s) => s !== '');
  const unknown = names.filter((s) => !isScope(s));
  if (unknown.length > 0 || names.length === 0)
    throw invalidInput(
      unknown.length > 0
        ? `Unknown scope ${unknown.map((s) => JSON.stringify(s)).join(', ')}.`
        : 'No scopes given.',
      `Use some of: ${ALL_SCOPES.join(', ')}.`,
    );
  return ALL_SCOPES.filter((scope) => names.includes(scope));
}

export interface CreateApiKeyInput {
  readonly tenantSlug: string;
  readonly name?: string | undefined;
  readonly scopes?: readonly string[] | undefined;
  readonly onBehalfOf?: boolean | undefined;
  /** Who made it: `cli`, or the signed-in person's email. */
  readonly createdBy: string;
  readonly userId?: string | null;
}

/** Makes a key and returns it in full — the only time it exists outside the caller's hands. */
export async function createApiKey(
  db: Kysely<Database>,
  clock: Clock,
  input: CreateApiKeyInput,
): Promise<{ key: string; record: ApiKeyView }> {
  const tenant = await accountsRepository(db).findTenantBySlug(input.tenantSlug);
  if (tenant === undefined)
    throw notFound(`Tenant ${JSON.stringify(input.tenantSlug)}`, 'Run `tenant list` to see the tenants.');
  const scopes = checkScopes(input.scopes);
  const name = (input.name ?? 'API key').trim();
  // eslint-disable-next-line no-control-regex
  if (name === '' || name.length > 100 || /[\u0000-\u001f\u007f]/.test(name))
    throw invalidInput('The key name must be 1–100 characters on one line.', 'For example "PING8 front".');
  const key = `wk_live_${randomBytes(32).toString('hex')}`;
  const row = {
    id: newId(),
    tenant_id: tenant.id,
    name,
    prefix: key.slice(0, PREFIX_LENGTH),
    key_hash: sha256(key),
    scopes: scopes.join(' '),
    on_behalf_of: input.onBehalfOf === true ? 1 : 0,
    created_by: input.createdBy,
    created_at: clock.now().toISOString(),
    last_used_at: null,
    revoked_at: null,
  };
  await db.transaction().execute(async (trx) => {
    await apiKeysRepository(trx).insert(row);
    await appendAudit(trx, clock, {
      tenantId: tenant.id,
      userId: input.userId ?? null,
      clientId: null,
      action: 'api_key.created',
      decision: 'allowed',
      details: { key: row.prefix, name, scopes, on_behalf_of: row.on_behalf_of === 1, by: input.createdBy },
    });
  });
  return { key, record: view({ ...row, tenant_slug: tenant.slug, tenant_name: tenant.name }) };
}

export async function listApiKeys(db: Kysely<Database>, tenantSlug?: string): Promise<ApiKeyView[]> {
  let tenantId: string | undefined;
  if (tenantSlug !== undefined) {
    const tenant = await accountsRepository(db).findTenantBySlug(tenantSlug);
    if (tenant === undefined)
      throw notFound(`Tenant ${JSON.stringify(tenantSlug)}`, 'Run `tenant list` to see the tenants.');
    tenantId = tenant.id;
  }
  return (await apiKeysRepository(db).list(tenantId)).map(view);
}

/**
 * Revokes a key by id or prefix (within `tenantId` when given, as the Settings page does). The
 * next request with it fails on every instance: verification reads `revoked_at` each time.
 */
export async function revokeApiKey(
  db: Kysely<Database>,
  clock: Clock,
  idOrPrefix: string,
  by: { readonly label: string; readonly userId?: string | null; readonly tenantId?: string },
): Promise<ApiKeyView> {
  const repo = apiKeysRepository(db);
  const found = await repo.find(idOrPrefix.trim(), by.tenantId);
  const hint = 'Run `api-key list` to see the keys, their ids and prefixes.';
  if (found.length > 1)
    throw invalidInput(`${JSON.stringify(idOrPrefix)} names more than one key.`, `Use the key's id. ${hint}`);
  const [row] = found;
  if (row === undefined) throw notFound(`API key ${JSON.stringify(idOrPrefix)}`, hint);
  const at = clock.now().toISOString();
  await db.transaction().execute(async (trx) => {
    if (!(await apiKeysRepository(trx).revoke(row.id, at, row.tenant_id))) return;
    await appendAudit(trx, clock, {
      tenantId: row.tenant_id,
      userId: by.userId ?? null,
      clientId: null,
      action: 'api_key.revoked',
      decision: 'revoked',
      details: { key: row.prefix, name: row.name, by: by.label },
    });
  });
  return view({ ...row, revoked_at: row.revoked_at ?? at });
}
