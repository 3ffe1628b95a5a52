import { DomainError } from '../errors.js';
import type { Scope } from '../scopes.js';
import type { CrmReader } from './crm-reader.js';
import {
  KIND_SCOPE,
  type RecordKind,
  canRead,
  shapeBid,
  shapeCompany,
  shapeProject,
} from './view-shaping.js';

const PLURAL: Record<RecordKind, string> = {
  project: 'projects',
  bid: 'bids',
  company: 'companies',
  contact: 'contacts',
};

function refuse(kind: RecordKind): DomainError {
  const scope = KIND_SCOPE[kind];
  return new DomainError(
    'forbidden',
    `Reading ${PLURAL[kind]} needs the ${scope} scope, which this connection was not granted.`,
    `Ask the user to grant ${scope} in Settings → Developer → Connected apps.`,
  );
}

/**
 * The one boundary between CRM data and a principal: every read refuses a kind the grant cannot
 * read, and every view it returns holds only fields of kinds the grant can read. Tools, resources,
 * prompts and deep-research search/fetch all get their CRM through this, whatever `crm` is backed by.
 */
export function scopedCrm(crm: CrmReader, scopes: readonly Scope[]): CrmReader {
  const read = async <T>(kind: RecordKind, work: () => Promise<T>): Promise<T> => {
    if (!canRead(scopes, kind)) throw refuse(kind);
    return await work();
  };
  return {
    listProjects: (input) => read('project', () => crm.listProjects(input)),
    getProject: (id) => read('project', async () => shapeProject(await crm.getProject(id), scopes)),
    listCompanies: (input) => read('company', () => crm.listCompanies(input)),
    getCompany: (id) => read('company', async () => shapeCompany(await crm.getCompany(id), scopes)),
    searchContacts: (input) => read('contact', () => crm.searchContacts(input)),
    getContact: (id) => read('contact', () => crm.getContact(id)),
    listBids: (input) =>
      read('bid', async () => {
        const page = await crm.listBids(input);
        return { ...page, bids: page.bids.map((bid) => shapeBid(bid, scopes)) };
      }),
    findBid: (reference) => read('bid', async () => shapeBid(await crm.findBid(reference), scopes)),
    getBid: (reference) => read('bid', async () => shapeBid(await crm.getBid(reference), scopes)),
  };
}
