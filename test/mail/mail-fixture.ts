import { compileAllowlist } from '../../src/domain/mail/allowlist.js';
import type { MailDeps } from '../../src/domain/mail/deps.js';
import type { MailPolicy } from '../../src/domain/mail/policy.js';
import type { Principal } from '../../src/domain/principal.js';
import { ALL_SCOPES } from '../../src/domain/scopes.js';
import { systemClock, type Clock } from '../../src/lib/clock.js';
import { newId } from '../../src/lib/ids.js';
import { createLogger } from '../../src/lib/logger.js';
import type { OutgoingMail, SentMail } from '../../src/outbox/mail-sender.js';
import { renderHeaders } from '../../src/outbox/outgoing.js';
import type { Store } from '../../src/store/open-store.js';

export const POLICY: MailPolicy = {
  allowlist: compileAllowlist('@gitdate\\.ink$'),
  from: { name: 'PING8', address: 'mail@gitdate.ink' },
  dryRun: false,
  batchMax: 20,
  idempotencyMs: 24 * 3_600_000,
  ratePerMinute: 1_000_000,
  quotaPerDay: 10_000_000,
};

/** A tenant row (the mail tables reference tenants) and a principal acting in it. */
export async function addTenant(store: Store, slug: string): Promise<Principal> {
  const id = newId();
  await store.db
    .insertInto('tenants')
    .values({ id, slug, name: slug, created_at: new Date().toISOString() })
    .execute();
  return {
    tenantId: id,
    tenantSlug: slug,
    tenantName: slug,
    userId: null,
    clientId: 'test-client',
    scopes: ALL_SCOPES,
  };
}

export function mailDeps(
  store: Store,
  policy: Partial<MailPolicy> = {},
  clock: Clock = systemClock,
): MailDeps {
  return {
    db: store.db,
    clock,
    policy: { ...POLICY, ...policy },
    logger: createLogger('silent'),
    renderHeaders,
  };
}

export const message = (n: number | string) => ({
  message: { to: ['person@gitdate.ink'], subject: `Message ${n}`, text: `Body ${n}` },
});

/** What a mail server that takes every recipient answers: the message's own Message-ID. */
export const acceptedAll = (mail: OutgoingMail): SentMail => ({
  messageId: mail.messageId ?? '',
  accepted: [...mail.envelope.to],
  rejected: [],
  via: 'smtp',
});
