import { type ChangeRequest, proposeChange, type ProposedChange } from '../domain/crm/change-proposal.js';
import { DomainError, invalidInput } from '../domain/errors.js';
import type { ChangeResult } from './change-schemas.js';
import type { ToolContext } from './tool-context.js';

const shown = (change: ProposedChange): ChangeResult['change'] => ({
  kind: change.kind,
  target: { ...change.target },
  from: change.from,
  to: change.to,
  note: change.note,
  reason: change.reason,
  summary: change.summary,
});

/**
 * The one flow of every write tool: describe the exact change; answer a replay of the same key
 * without asking again (and refuse the key for anything else); refuse a change that changes
 * nothing; ask the person through the call's confirmer; make the change only on a yes, in one
 * transaction with its audit entry and the key's stored result. Declines and refusals are audited.
 */
export async function askFirst(
  request: ChangeRequest,
  controls: { idempotency_key: string; change_id?: string | undefined },
  { crm, changes, confirm }: ToolContext,
): Promise<ChangeResult> {
  const key = controls.idempotency_key;
  const change = await proposeChange(crm, request);
  const base = { change: shown(change), idempotency_key: key, change_id: null };

  const earlier = await changes.earlier(change, key);
  if (earlier !== undefined) return { ...base, ...earlier, replayed: true };
  if (change.noop) {
    await changes.audit(change, 'refused', 'no_change', { idempotency_key: key });
    throw invalidInput(
      `${change.target.label} is already ${change.to ?? ''}; nothing to change.`,
      'Tell the user it is already in that status; no call is needed.',
    );
  }

  const answer = await confirm.confirm(change, key, controls.change_id);
  if (answer.kind === 'shown') {
    await changes.audit(change, 'proposed', null, { idempotency_key: key });
    return {
      ...base,
      outcome: 'confirmation_required',
      change_id: answer.changeId,
      replayed: false,
      confirmed_via: null,
      applied_at: null,
    };
  }
  if (answer.kind === 'declined') {
    await changes.audit(change, 'declined', null, { idempotency_key: key, asked_via: answer.via });
    return { ...base, outcome: 'declined', replayed: false, confirmed_via: null, applied_at: null };
  }
  try {
    return { ...base, ...(await changes.apply(change, key, answer.via)) };
  } catch (error) {
    // The transaction rolled back its own audit entry; the refusal is recorded on its own.
    if (error instanceof DomainError)
      await changes.audit(change, 'refused', error.message.split(':')[0] ?? error.code, {
        idempotency_key: key,
      });
    throw error;
  }
}
