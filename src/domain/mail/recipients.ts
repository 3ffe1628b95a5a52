import { parseAddress } from './address.js';
import type { RecipientAllowlist } from './allowlist.js';
import { headerProblem, MAX_NAME } from './header-safety.js';

/** A recipient as a caller gives it: a bare address, or a display name and an address kept apart. */
export type RecipientInput = string | { readonly name?: string | undefined; readonly address: string };

export interface RecipientVerdict {
  /** The address as given (without the name). */
  readonly input: string;
  readonly name: string | null;
  /** The canonical addr-spec, or null when the entry does not parse to exactly one address. */
  readonly canonical: string | null;
  readonly allowed: boolean;
  /** Why it is not allowed; null when allowed. */
  readonly reason: string | null;
}

export const MAX_RECIPIENTS = 50;

/** Checks one entry: parse to one canonical address, check the name, then (only then) the allowlist. */
export function checkRecipient(entry: RecipientInput, allowlist: RecipientAllowlist): RecipientVerdict {
  const input = typeof entry === 'string' ? entry : entry.address;
  const name = typeof entry === 'string' ? null : (entry.name ?? null);
  const refuse = (canonical: string | null, reason: string): RecipientVerdict => ({
    input,
    name,
    canonical,
    allowed: false,
    reason,
  });
  const parsed = parseAddress(input);
  if (!parsed.ok) return refuse(null, `The address ${parsed.reason}.`);
  if (name !== null) {
    const problem = headerProblem('The display name', name, MAX_NAME);
    if (problem !== undefined) return refuse(parsed.canonical, `${problem}.`);
  }
  if (allowlist.source === undefined)
    return refuse(
      parsed.canonical,
      'No recipient allowlist is configured, so no address may receive mail (WORKONWARD_MCP_RECIPIENT_ALLOWLIST is unset).',
    );
  if (!allowlist.allows(parsed.canonical))
    return refuse(
      parsed.canonical,
      `${parsed.canonical} does not match the recipient allowlist (${allowlist.source}).`,
    );
  return { input, name, canonical: parsed.canonical, allowed: true, reason: null };
}
