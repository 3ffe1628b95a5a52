import { DomainError } from '../errors.js';

/**
 * The refusals of a confirmed CRM change, as the model reads them: each says that nothing was
 * changed and what to do next.
 */
export const crmChangeErrors = {
  reusedKey: (key: string) =>
    new DomainError(
      'conflict',
      `idempotency_key_reused: the key ${JSON.stringify(key)} was already used for a different change. Nothing was changed.`,
      'If you meant to retry that earlier change, call again with exactly the same arguments. For a new change, choose a key that names it (one key per intended change, not per attempt).',
    ),
  inProgress: (key: string) =>
    new DomainError(
      'conflict',
      `idempotency_in_progress: another call with the key ${JSON.stringify(key)} is making this change right now.`,
      'Wait a few seconds and call again with the same key and arguments to get its result.',
    ),
  changedMeanwhile: (label: string, from: string | null) =>
    new DomainError(
      'conflict',
      `changed_meanwhile: ${label} is no longer ${from ?? ''}; nothing was changed.`,
      'Call the tool again without change_id to see the change from the record as it is now, and ask the user again.',
    ),
  claimTakenOver: () =>
    new DomainError(
      'conflict',
      'idempotency_in_progress: this call’s claim on the key was taken over; nothing was changed by this call.',
      'Call again with the same key and arguments to get the result.',
    ),
};
