import type { ApiOperation } from './api-operation.js';
import { ACCOUNT_OPERATIONS } from './operations/account-operations.js';
import { CRM_OPERATIONS } from './operations/crm-operations.js';
import { MAIL_OPERATIONS } from './operations/mail-operations.js';

/** Every `/api/v1` operation, in the order the OpenAPI document lists them. One explicit list. */
export const API_OPERATIONS: readonly ApiOperation[] = [
  ...ACCOUNT_OPERATIONS,
  ...CRM_OPERATIONS,
  ...MAIL_OPERATIONS,
];
