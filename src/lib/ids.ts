import { randomBytes, randomUUID } from 'node:crypto';

/** Row ids are made in the app (no database defaults), so both dialects store the same values. */
export function newId(): string {
  return randomUUID();
}

/** An unguessable handle (≥ 128 bits) for anything a client can name: previews, cursors, codes. */
export function newSecretToken(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}
