import type { Migration } from 'kysely';
import { crm } from './0001-crm.js';
import { devMailbox } from './0002-dev-mailbox.js';
import { audit } from './0003-audit.js';
import { oauth } from './0004-oauth.js';
import { mail } from './0005-mail.js';
import { rateLimits } from './0006-rate-limits.js';
import { apiKeys } from './0007-api-keys.js';
import { rateLimitWindows } from './0008-rate-limit-windows.js';
import { bidChangeReasons } from './0009-bid-change-reasons.js';
import { rowLevelSecurity } from './0010-row-level-security.js';
import { outboxTraceParent } from './0011-outbox-trace-parent.js';
import { tenantKeys } from './0012-tenant-keys.js';
import { signInMail } from './0013-sign-in-mail.js';
import { authEpoch } from './0014-auth-epoch.js';
import { tenantReferences } from './0015-tenant-references.js';

/** Every migration, in order. Explicit, never globbed; names are permanent once released. */
export const migrations: Readonly<Record<string, Migration>> = {
  '0001-crm': crm,
  '0002-dev-mailbox': devMailbox,
  '0003-audit': audit,
  '0004-oauth': oauth,
  '0005-mail': mail,
  '0006-rate-limits': rateLimits,
  '0007-api-keys': apiKeys,
  '0008-rate-limit-windows': rateLimitWindows,
  '0009-bid-change-reasons': bidChangeReasons,
  '0010-row-level-security': rowLevelSecurity,
  '0011-outbox-trace-parent': outboxTraceParent,
  '0012-tenant-keys': tenantKeys,
  '0013-sign-in-mail': signInMail,
  '0014-auth-epoch': authEpoch,
  '0015-tenant-references': tenantReferences,
};
