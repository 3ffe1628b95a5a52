import type { Config } from '../../config/config.js';
import { parseAddress } from './address.js';
import { compileAllowlist, type RecipientAllowlist } from './allowlist.js';
import { headerProblem, MAX_NAME } from './header-safety.js';
import type { Mailbox } from './message.js';

/** The operator's email policy, built and checked once at start-up (a bad value stops the server). */
export interface MailPolicy {
  readonly allowlist: RecipientAllowlist;
  readonly from: Mailbox;
  /** Per-tenant senders (by tenant slug), from `WORKONWARD_MAIL_FROM_BY_TENANT`. */
  readonly fromByTenant?: ReadonlyMap<string, Mailbox>;
  readonly dryRun: boolean;
  readonly batchMax: number;
  readonly idempotencyMs: number;
  /** How long one call holds a key before another call may take it over. */
  readonly claimMs?: number;
  readonly ratePerMinute: number;
  /** Undefined: no hourly quota. */
  readonly quotaPerHour?: number | undefined;
  readonly quotaPerDay: number;
}

/** Parses `WORKONWARD_MAIL_FROM` (`Name <address>` or a bare address) into a checked mailbox. */
export function parseSender(value: string): Mailbox {
  const match = /^\s*(.*?)\s*<([^<>]*)>\s*$/.exec(value);
  const name = match === null ? null : (match[1] ?? '').replace(/^"(.*)"$/, '$1') || null;
  const address = match === null ? value.trim() : (match[2] ?? '');
  // The development default is no-reply@localhost: a single-label domain is fine for the sender only.
  const local = /^([^@]+)@localhost$/i.exec(address);
  const parsed = local === null ? parseAddress(address) : parseAddress(`${local[1] ?? ''}@localhost.invalid`);
  if (parsed.ok && local !== null) return { name, address: parsed.canonical.replace(/\.invalid$/, '') };
  if (!parsed.ok)
    throw new Error(
      `WORKONWARD_MAIL_FROM: the address ${parsed.reason}. Fix: use e.g. \`PING8 <mail@gitdate.ink>\`.`,
    );
  const problem = name === null ? undefined : headerProblem('the sender name', name, MAX_NAME);
  if (problem !== undefined) throw new Error(`WORKONWARD_MAIL_FROM: ${problem}.`);
  return { name, address: parsed.canonical };
}

/** The sender of a tenant's mail: its configured override, else `WORKONWARD_MAIL_FROM`. */
export function senderFor(policy: MailPolicy, tenantSlug: string): Mailbox {
  return policy.fromByTenant?.get(tenantSlug) ?? policy.from;
}

export function mailPolicy(mail: Config['mail']): MailPolicy {
  return {
    allowlist: compileAllowlist(mail.recipientAllowlist),
    from: parseSender(mail.from),
    fromByTenant: new Map(Object.entries(mail.fromByTenant).map(([slug, from]) => [slug, parseSender(from)])),
    dryRun: mail.dryRun,
    batchMax: mail.batchMax,
    idempotencyMs: mail.idempotencyHours * 3_600_000,
    claimMs: mail.claimMs,
    ratePerMinute: mail.ratePerMinute,
    quotaPerHour: mail.quotaPerHour,
    quotaPerDay: mail.quotaPerDay,
  };
}
