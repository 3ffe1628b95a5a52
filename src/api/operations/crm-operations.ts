import { z } from 'zod';
import { bidsGet } from '../../tools/bids-get.js';
import { bidsList } from '../../tools/bids-list.js';
import { companiesGet } from '../../tools/companies-get.js';
import { companiesList } from '../../tools/companies-list.js';
import { contactsGet } from '../../tools/contacts-get.js';
import { contactsSearch } from '../../tools/contacts-search.js';
import { projectsGet } from '../../tools/projects-get.js';
import { projectsList } from '../../tools/projects-list.js';
import { search } from '../../tools/search.js';
import { defineOperation } from '../api-operation.js';

/**
 * CRM reads: the tools' own input and output schemas, so a tool call and an API call take and
 * return the same thing (list filters in the query string, ids in the path).
 */
const id = (what: string) =>
  z.strictObject({ id: z.string().trim().min(1).max(100).describe(`${what} id.`) });

export const CRM_OPERATIONS = [
  defineOperation({
    method: 'GET',
    path: '/projects',
    operationId: 'listProjects',
    summary: 'List projects',
    description: projectsList.description,
    tag: 'CRM',
    scopes: projectsList.scopes,
    query: projectsList.input,
    response: projectsList.output,
    run: ({ query }, { tools }) => tools.crm.listProjects(query),
  }),
  defineOperation({
    method: 'GET',
    path: '/projects/{id}',
    operationId: 'getProject',
    summary: 'Get a project with its bids',
    description: projectsGet.description,
    tag: 'CRM',
    scopes: projectsGet.scopes,
    params: id('Project'),
    response: projectsGet.output,
    run: ({ params }, { tools }) => tools.crm.getProject(params.id),
  }),
  defineOperation({
    method: 'GET',
    path: '/companies',
    operationId: 'listCompanies',
    summary: 'List companies',
    description: companiesList.description,
    tag: 'CRM',
    scopes: companiesList.scopes,
    query: companiesList.input,
    response: companiesList.output,
    run: ({ query }, { tools }) => tools.crm.listCompanies(query),
  }),
  defineOperation({
    method: 'GET',
    path: '/companies/{id}',
    operationId: 'getCompany',
    summary: 'Get a company with its contacts and projects',
    description: companiesGet.description,
    tag: 'CRM',
    scopes: companiesGet.scopes,
    params: id('Company'),
    response: companiesGet.output,
    run: ({ params }, { tools }) => tools.crm.getCompany(params.id),
  }),
  defineOperation({
    method: 'GET',
    path: '/contacts',
    operationId: 'searchContacts',
    summary: 'Search contacts',
    description: contactsSearch.description,
    tag: 'CRM',
    scopes: contactsSearch.scopes,
    query: contactsSearch.input,
    response: contactsSearch.output,
    run: ({ query }, { tools }) => tools.crm.searchContacts(query),
  }),
  defineOperation({
    method: 'GET',
    path: '/contacts/{id}',
    operationId: 'getContact',
    summary: 'Get a contact',
    description: contactsGet.description,
    tag: 'CRM',
    scopes: contactsGet.scopes,
    params: id('Contact'),
    response: contactsGet.output,
    run: ({ params }, { tools }) => tools.crm.getContact(params.id),
  }),
  defineOperation({
    method: 'GET',
    path: '/bids',
    operationId: 'listBids',
    summary: 'List bids',
    description: bidsList.description,
    tag: 'CRM',
    scopes: bidsList.scopes,
    query: bidsList.input,
    response: bidsList.output,
    run: ({ query }, { tools }) => tools.crm.listBids(query),
  }),
  defineOperation({
    method: 'GET',
    path: '/bids/{bid}',
    operationId: 'getBid',
    summary: 'Get a bid with its status history and notes',
    description: `${bidsGet.description} In the path, give the number without "#" (\`/bids/123\`) or the bid id.`,
    tag: 'CRM',
    scopes: bidsGet.scopes,
    params: bidsGet.input,
    response: bidsGet.output,
    run: ({ params }, { tools }) => tools.crm.getBid(params.bid),
  }),
  defineOperation({
    method: 'GET',
    path: '/search',
    operationId: 'search',
    summary: 'Search projects, bids, companies and contacts',
    description: search.description,
    tag: 'CRM',
    scopes: search.scopes,
    query: search.input,
    response: search.output,
    run: ({ query }, { tools }) => search.run(query, tools),
  }),
];
