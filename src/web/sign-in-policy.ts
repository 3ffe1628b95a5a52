import type { Kysely } from 'kysely';
import type { Config } from '../config/config.js';
import { accountsRepository } from '../store/accounts-repository.js';
import type { Database } from '../store/schema.js';
import { DEMO_USERS } from '../domain/demo/tenant-seed.js';
import { ForeignTenants, foreignTenants } from '../domain/accounts/first-run.js';
import type { AccountPort } from '../ports/account-port.js';

/** The demo users `npm start` loads; in development they may sign in unless an allowlist is set. */
const DEMO_ADDRESSES: readonly string[] = Object.values(DEMO_USERS);

export function normalizeEmail(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const email = value.trim().toLowerCase();
  return /^[^\s@<>(),;:"\\]{1,64}@[a-z0-9.-]{1,253}\.[a-z0-9-]{2,63}$/.test(email) ? email : undefined;
}

/** How `email` is allowed: listed exactly, through an `@domain` entry, or not at all. */
export function allowedBy(config: Config, email: string): 'address' | 'domain' | undefined {
  const entries = config.oauth.allowedEmails.map((e) => e.trim().toLowerCase());
  const effective = entries.length === 0 && config.env === 'development' ? DEMO_ADDRESSES : entries;
  const domain = email.slice(email.lastIndexOf('@'));
  if (effective.includes(email)) return 'address';
  return effective.some((entry) => entry.startsWith('@') && entry === domain) ? 'domain' : undefined;
}

export function emailAllowed(config: Config, email: string): boolean {
  return allowedBy(config, email) !== undefined;
}

/** Why a sign-in was refused, with the operator's fix: logged (address masked) and audited. */
export interface SignInRefusal {
  readonly allowed: false;
  /** Stable and short: the audit reason and the refusal metric's label. */
  readonly code: 'address not allowed' | 'no tenant for the address' | 'front store holds other tenants';
  readonly reason: string;
  readonly fix: string;
  /** The tenant whose audit log records the refusal: the only tenant, when there is one. */
  readonly auditTenantId: string | null;
}

export interface SignInAdmission {
  readonly allowed: true;
  /** Undefined until the first sign-in creates the user. */
  readonly userId: string | undefined;
  /** Set when the first sign-in makes the address a member of the deployment's only tenant. */
  readonly join: { readonly tenantId: string; readonly role: 'owner' | 'member' } | undefined;
  readonly auditTenantId: string | null;
}

/**
 * Who may sign in: an address allowed by WORKONWARD_MCP_OAUTH_ALLOWED_EMAILS that is a member of a
 * tenant, or, on its first sign-in, joins the deployment's only tenant (an exact address as owner,
 * an `@domain` entry as member). With several tenants, an unknown address needs `user add`.
 */
export async function decideSignIn(
  config: Config,
  db: Kysely<Database>,
  email: string,
  frontAccount?: AccountPort,
): Promise<SignInAdmission | SignInRefusal> {
  const accounts = accountsRepository(db);
  const tenants = await accounts.listTenants();
  const only = tenants.length === 1 ? (tenants[0]?.id ?? null) : null;
  const how = allowedBy(config, email);
  if (how === undefined)
    return {
      allowed: false,
      code: 'address not allowed',
      reason: 'the address is not in WORKONWARD_MCP_OAUTH_ALLOWED_EMAILS',
      fix: 'add the exact address (or its @domain) to WORKONWARD_MCP_OAUTH_ALLOWED_EMAILS and restart',
      auditTenantId: only,
    };
  const foreign = frontAccount === undefined ? undefined : await foreignStore(db, frontAccount);
  if (foreign !== undefined)
    return {
      allowed: false,
      code: 'front store holds other tenants',
      reason: foreign.message,
      fix: foreign.hint,
      auditTenantId: null,
    };
  const user = await accounts.findUserByEmail(email);
  const memberships = user === undefined ? [] : await accounts.membershipsOfUser(user.id);
  if (memberships.length > 0)
    return {
      allowed: true,
      userId: user?.id,
      join: undefined,
      auditTenantId: memberships[0]?.tenant_id ?? null,
    };
  if (only !== null)
    return {
      allowed: true,
      userId: user?.id,
      join: { tenantId: only, role: how === 'address' ? 'owner' : 'member' },
      auditTenantId: only,
    };
  if (tenants.length === 0 && config.ping8.baseUrl !== undefined)
    // Remote backend mode: the one tenant is the key's account, read from the backend at start.
    return {
      allowed: false,
      code: 'no tenant for the address',
      reason: `the account of WORKONWARD_API_KEY at ${config.ping8.baseUrl} could not be read yet`,
      fix: 'run `npx workonward-mcp doctor` (its backend check says why); the server reads the account again every 10 s',
      auditTenantId: null,
    };
  return {
    allowed: false,
    code: 'no tenant for the address',
    reason:
      tenants.length === 0
        ? 'the store holds no tenant'
        : `the address belongs to none of the ${tenants.length} tenants, and a first sign-in joins a tenant only when exactly one exists`,
    fix:
      tenants.length === 0
        ? 'run `npx workonward-mcp tenant create --slug SLUG --name NAME`, then `npx workonward-mcp user add --email EMAIL --tenant SLUG`'
        : 'run `npx workonward-mcp user add --email EMAIL --tenant SLUG`',
    auditTenantId: null,
  };
}

/**
 * Remote backend mode: a store holding tenants besides the key's account admits nobody, members of
 * those tenants included (a front refuses to start on one; this covers a front that found out only
 * once the backend came back). An account that cannot be read is left to the rules above.
 */
async function foreignStore(db: Kysely<Database>, frontAccount: AccountPort) {
  const account = await frontAccount.account().catch(() => undefined);
  if (account === undefined) return undefined;
  const others = await foreignTenants(db, account.tenant);
  return others.length === 0 ? undefined : new ForeignTenants(account.tenant, others);
}
