import type { ChangeTokens } from '../domain/crm/change-tokens.js';
import type { ProposedChange } from '../domain/crm/change-proposal.js';
import type { ConfirmedVia } from '../domain/crm/crm-changes.js';
import { DomainError, invalidInput } from '../domain/errors.js';
import type { Principal } from '../domain/principal.js';

export type ConfirmAnswer =
  | { readonly kind: 'confirmed'; readonly via: ConfirmedVia }
  | { readonly kind: 'declined'; readonly via: ConfirmedVia }
  /** Not answered yet: the change was shown (with a change_id to pass back, when that is the way). */
  | { readonly kind: 'shown'; readonly changeId: string | null };

/**
 * How this call asks the person before a change is made. The MCP layer picks one per request from
 * what the client declared (see `mcp/confirm-channel.ts`); every other face uses `change_id`.
 */
export interface Confirmer {
  confirm(change: ProposedChange, key: string, changeId: string | undefined): Promise<ConfirmAnswer>;
}

/** A face that cannot ask a person (no MCP request behind it) makes no change at all. */
export const noConfirmer: Confirmer = {
  confirm: () =>
    Promise.reject(
      new DomainError(
        'forbidden',
        'This interface cannot ask a person to confirm a change, so it makes none.',
        'Make the change through the MCP tool, which shows it to the user first.',
      ),
    ),
};

/** A confirmation binds the change (with the record's state) and the idempotency key. */
export const bindingOf = (change: ProposedChange, key: string) => `${change.digest}|${key}`;

/**
 * The preview-then-confirm way, for clients that cannot ask the person themselves (2025-era HTTP,
 * no elicitation): the first call shows the change with a `change_id`; only a second call that
 * passes it back makes the change, and only if it is still exactly that change.
 */
export function changeIdConfirmer(tokens: ChangeTokens, principal: Principal): Confirmer {
  return {
    confirm(change, key, changeId) {
      const binding = bindingOf(change, key);
      if (changeId === undefined)
        return Promise.resolve({ kind: 'shown', changeId: tokens.mint('change_id', principal, binding) });
      const check = tokens.check('change_id', principal, binding, changeId);
      if (check === 'ok') return Promise.resolve({ kind: 'confirmed', via: 'change_id' });
      throw invalidInput(
        check === 'expired'
          ? 'change_expired: this change_id has expired (they last 15 minutes). Nothing was changed.'
          : 'change_mismatch: this change_id was issued for a different change (another record, value, text or idempotency_key), or the record changed since it was shown. Nothing was changed.',
        'Call again with the same arguments and no change_id to see the change as it is now, show it to the user, and pass the new change_id only after they confirm.',
      );
    },
  };
}
