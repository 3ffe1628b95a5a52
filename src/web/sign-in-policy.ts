import type { Kysely } from 'kysely';
import type { Config } from '../config/config.js';
import { accountsRepository } from '../store/accounts-repository.js';
import type { Database } from '../store/schema.js';
import { DEMO_USERS } from '../domain/demo/tenant-seed.js';

/** The demo users `npm start` loads; in development they may sign in unless an allowlist is set. */
const DEMO_ADDRESSES: readonly string[] = Object.values(DEMO_USERS);

export function normalizeEmail(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const email = value.trim().toLowerCase();
  return /^[^\s@<>(),;:"\\]{1,64}@[a-z0-9.-]{1,253}\.[a-z0-9-]{2,63}$/.test(email) ? email : undefined;
}

/** WORKONWARD_MCP_OAUTH_ALLOWED_EMAILS: exact addresses and `@domain` entries (whole domain only). */
export function emailAllowed(config: Config, email: string): boolean {
  const entries = config.oauth.allowedEmails.map((e) => e.trim().toLowerCase());
  const effective = entries.length === 0 && config.env === 'development' ? DEMO_ADDRESSES : entries;
  const domain = email.slice(email.lastIndexOf('@'));
  return effective.some((entry) => (entry.startsWith('@') ? entry === domain : entry === email));
}

/** Who may sign in: allowed by configuration AND a known user with at least one tenant. */
export async function signInUser(config: Config, db: Kysely<Database>, email: string) {
  if (!emailAllowed(config, email)) return undefined;
  const accounts = accountsRepository(db);
  const user = await accounts.findUserByEmail(email);
  if (user === undefined) return undefined;
  const memberships = await accounts.membershipsOfUser(user.id);
  return memberships.length === 0 ? undefined : user;
}
