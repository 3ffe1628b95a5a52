/**
 * The OAuth scopes a grant can hold, each with the plain-language meaning the consent page shows.
 * Tools declare which of these they need; `tools/list` shows only what the grant allows. Each
 * meaning is kept true field by field by `domain/crm/view-shaping.ts` (and its property test):
 * a record of one kind shown inside another (a project's bids, a bid's contact) needs its own scope.
 */
export const SCOPES = {
  'projects:read': {
    label: 'Read projects',
    meaning:
      'See your projects, their status, client company names, locations and values (not their bids or contacts).',
    risk: 'low',
  },
  'contacts:read': {
    label: 'Read contacts and companies',
    meaning:
      'See companies and the people at them, including email addresses and phone numbers (not project values or bids).',
    risk: 'medium',
  },
  'bids:read': {
    label: 'Read bids',
    meaning:
      'See bids, amounts, status history and notes (a bid’s project and contact need their own scopes).',
    risk: 'medium',
  },
  'bids:write': {
    label: 'Change bids and project status',
    meaning:
      'Change a bid’s or a project’s status and add notes to bids — each change shown to you first and made only after you confirm it, and recorded in the audit log.',
    risk: 'high',
  },
  'email:preview': {
    label: 'Check and preview email',
    meaning: 'Check recipients against your allowlist and render messages without sending them.',
    risk: 'low',
  },
  'email:send': {
    label: 'Send email',
    meaning:
      'Send one email at a time on your behalf, to allowlisted recipients only. Sending cannot be undone.',
    risk: 'high',
  },
  'email:send_batch': {
    label: 'Send email in batches',
    meaning: 'Send many emails in one step, to allowlisted recipients only. Sending cannot be undone.',
    risk: 'highest',
  },
} as const satisfies Record<
  string,
  { label: string; meaning: string; risk: 'low' | 'medium' | 'high' | 'highest' }
>;

export type Scope = keyof typeof SCOPES;

export const ALL_SCOPES = Object.keys(SCOPES) as Scope[];

/**
 * The scopes this deployment can grant: every scope, except `email:send_batch` while batch sending
 * is off (WORKONWARD_MCP_BATCH_SEND=0): a grant for a tool that does not exist would only confuse
 * the person consenting and the model reading the challenge.
 */
export function grantableScopes(batchEnabled: boolean): Scope[] {
  return batchEnabled ? ALL_SCOPES : ALL_SCOPES.filter((scope) => scope !== 'email:send_batch');
}

export function isScope(value: string): value is Scope {
  return Object.hasOwn(SCOPES, value);
}
