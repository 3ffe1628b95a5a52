import { READ_ONLY } from './define-tool.js';

/**
 * Send tools: irreversible and reaching outside the system. Idempotent because the key is
 * required: repeating a call with the same arguments (same key) has no further effect.
 */
export const SEND_ANNOTATIONS = {
  readOnlyHint: false,
  destructiveHint: true,
  idempotentHint: true,
  openWorldHint: true,
} as const;

/** Check/preview tools: no mail leaves, nothing outside the tenant changes. */
export const CHECK_ANNOTATIONS = READ_ONLY;
