import type { ApiKeyVerifier } from '../domain/api-keys/verify-api-key.js';
import { DomainError, invalidInput } from '../domain/errors.js';
import type { Principal } from '../domain/principal.js';
import { isScope } from '../domain/scopes.js';
import { z } from 'zod';

/** The person a front acts for; trusted only from keys made for fronts. */
export const ON_BEHALF_OF = 'on-behalf-of';
/** Scopes a caller asks to be held to (a front passes its user's grant): the key's scopes ∩ these. */
export const NARROW_SCOPES = 'workonward-scopes';

const PERSON = z.email().max(320);

export class Unauthorized extends Error {
  constructor(
    message: string,
    /** RFC 6750 `error`, when a key was presented. */
    readonly tokenError: 'invalid_token' | undefined,
  ) {
    super(message);
    this.name = 'Unauthorized';
  }
}

/**
 * Who is calling: the API key's principal, with the person named in `On-Behalf-Of` (only a key
 * made for a front may name one) and the scopes narrowed to `Workonward-Scopes` when given —
 * a front that holds a broad key still gets back only what its user's grant may see.
 */
export async function identifyCaller(
  header: (name: string) => string | undefined,
  verify: ApiKeyVerifier,
): Promise<Principal> {
  const authorization = header('authorization');
  if (authorization === undefined || authorization === '')
    throw new Unauthorized('An API key is required: send `Authorization: Bearer wk_live_…`.', undefined);
  const presented = /^Bearer (\S+)$/i.exec(authorization)?.[1];
  const principal = presented === undefined ? undefined : await verify(presented);
  if (principal === undefined)
    throw new Unauthorized('The API key is malformed, unknown or revoked.', 'invalid_token');

  const onBehalfOf = header(ON_BEHALF_OF);
  let actingFor: string | null = null;
  if (onBehalfOf !== undefined) {
    if (principal.apiKey?.mayActForPeople !== true)
      throw new DomainError(
        'forbidden',
        'This API key may not act on behalf of people (On-Behalf-Of).',
        'Leave the header out, or use a key created with --on-behalf-of (a key for a front deployment).',
      );
    const parsed = PERSON.safeParse(onBehalfOf.trim().toLowerCase());
    actingFor = parsed.success ? parsed.data : null;
    if (actingFor === null)
      throw invalidInput(
        'On-Behalf-Of must be the email address of the person the call is for.',
        'For example `On-Behalf-Of: you@gitdate.ink`.',
      );
  }

  const narrowTo = header(NARROW_SCOPES);
  let scopes = principal.scopes;
  if (narrowTo !== undefined) {
    const names = narrowTo.split(/[\s,]+/).filter((name) => name !== '');
    const unknown = names.filter((name) => !isScope(name));
    if (unknown.length > 0)
      throw invalidInput(
        `Workonward-Scopes names unknown scopes: ${unknown.join(', ')}.`,
        'Use the scope names of /api/v1/openapi.json.',
      );
    scopes = scopes.filter((scope) => names.includes(scope));
  }
  return {
    ...principal,
    scopes,
    ...(principal.apiKey !== undefined && { apiKey: { ...principal.apiKey, onBehalfOf: actingFor } }),
  };
}
