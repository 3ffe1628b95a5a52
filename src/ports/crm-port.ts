import type { CrmReader } from '../domain/crm/crm-reader.js';

/**
 * What a tool may ask of the CRM, for one principal: the reads of `CrmReader`, already shaped by
 * the principal's scopes (`scopedCrm`) whichever adapter serves them.
 */
export type CrmPort = CrmReader;
