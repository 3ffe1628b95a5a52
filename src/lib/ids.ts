import { randomBytes, randomUUID } from 'node:crypto';

/** Row ids are made in the app (no database defaults), so both dialects store the same values. */
export function newId(): string {
  return randomUUID();
}

/**
 * A row id that sorts by creation time (a UUIDv7, RFC 9562 §5.7: 48 bits of Unix milliseconds,
 * then 74 random bits), for append-only tables: a new row's primary-key entry goes at the index's
 * right edge, on a page the last insert already touched, instead of on a random page of an index
 * that grows without end (randomUUID). Not for anything whose creation time must stay private.
 */
export function newOrderedId(now = Date.now()): string {
  const time = now.toString(16).padStart(12, '0');
  // randomUUID's version-4 layout past its version digit: 3 random digits, the variant, 15 more.
  return `${time.slice(0, 8)}-${time.slice(8, 12)}-7${randomUUID().slice(15)}`;
}

/** An unguessable handle (≥ 128 bits) for anything a client can name: previews, cursors, codes. */
export function newSecretToken(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}
