import { DomainError } from '../domain/errors.js';
import type { Principal } from '../domain/principal.js';
import type { ApiOperation } from './api-operation.js';

/** Throws `forbidden` unless the caller may run the operation: front-only keys, then its scopes. */
export function assertAllowed(operation: ApiOperation, principal: Principal): void {
  if (operation.frontOnly && principal.apiKey?.mayActForPeople !== true)
    throw new DomainError(
      'forbidden',
      `${operation.operationId} is for front deployments only.`,
      'Use a key created with --on-behalf-of.',
    );
  const missing = operation.scopes.filter((scope) => !principal.scopes.includes(scope));
  if (missing.length > 0)
    throw new DomainError(
      'forbidden',
      `${operation.operationId} needs the ${missing.join(', ')} scope${missing.length > 1 ? 's' : ''}, which this call does not hold.`,
      'Create a key with that scope (api-key create --scopes …), or, from a front, reconnect and grant it.',
    );
}
