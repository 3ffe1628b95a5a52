import { z } from 'zod';

/** Inputs every write tool takes besides what it changes. */
export const changeControls = {
  idempotency_key: z
    .string()
    .regex(/^[\x20-\x7e]{1,255}$/, '1–255 printable ASCII characters')
    .refine((key) => key.trim() !== '', 'not blank')
    .describe(
      'Names ONE intended change, e.g. "bid-123-won-2026-11-21". Reuse the SAME key (and arguments) when retrying or confirming it: the change is made at most once.',
    ),
  change_id: z
    .string()
    .max(200)
    .optional()
    .describe(
      'From this tool’s earlier answer (outcome "confirmation_required"), passed back ONLY after the user confirmed exactly that change. Clients that ask the user themselves never need it.',
    ),
};

/** What every write tool returns: the exact change, and whether it was made. */
export const changeResult = z.object({
  outcome: z
    .enum(['confirmation_required', 'applied', 'declined'])
    .describe(
      'confirmation_required: nothing changed yet — show `change` to the user and, if they confirm, call again with `change_id`. applied: done. declined: the user said no; nothing changed.',
    ),
  change: z.object({
    kind: z.enum(['bid_status', 'bid_note', 'project_status']),
    target: z.object({ type: z.enum(['bid', 'project']), id: z.string(), label: z.string() }),
    from: z.string().nullable().describe('The status before the change (status changes only).'),
    to: z.string().nullable().describe('The status after the change (status changes only).'),
    note: z.string().nullable(),
    reason: z.string().nullable(),
    summary: z.string().describe('The change in one sentence, as the user confirms it.'),
  }),
  change_id: z
    .string()
    .nullable()
    .describe('Pass back with the same arguments after the user confirms; valid 15 minutes.'),
  idempotency_key: z.string(),
  replayed: z.boolean().describe('True: an earlier call with this key already made the change.'),
  confirmed_via: z.enum(['change_id', 'elicitation', 'input_required']).nullable(),
  applied_at: z.string().nullable(),
});
export type ChangeResult = z.infer<typeof changeResult>;

/** Write tools change CRM records (not reversible by the tool) and repeat safely under one key. */
export const CHANGE_ANNOTATIONS = {
  readOnlyHint: false,
  destructiveHint: true,
  idempotentHint: true,
  openWorldHint: false,
} as const;

export const CHANGE_GUARANTEES = [
  'Never changes anything before the user confirmed the exact change: through the client’s own confirmation (elicitation, or input_required in the 2026-07-28 protocol) when it declares one, otherwise only when the change_id shown with that change is passed back.',
  'Never makes one change twice for one idempotency_key (retained as long as the email tools’ keys): a repeat returns the first result with `replayed: true`; other arguments under the same key are refused (`idempotency_key_reused`).',
  'Never overwrites a change made by someone else in between: the record must still be as shown.',
  'Works only inside the connection’s tenant, and records every change, refusal and decline in the audit log (note text only as a hash).',
];

export const changeText = (out: ChangeResult): string =>
  [
    out.outcome === 'applied'
      ? out.replayed
        ? 'Already done earlier with this idempotency_key (nothing new changed).'
        : 'Done.'
      : out.outcome === 'declined'
        ? 'The user declined. Nothing was changed.'
        : 'NOT CHANGED YET — show this change to the user and ask them to confirm:',
    out.change.summary,
    out.change_id === null ? '' : `change_id (after the user confirms): ${out.change_id}`,
  ]
    .filter((line) => line !== '')
    .join('\n');
