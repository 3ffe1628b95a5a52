import type { ResourceTemplateDefinition } from './define-resource.js';

const LISTED = 50;

export const projectResources: ResourceTemplateDefinition = {
  name: 'project',
  title: 'Project',
  description: 'A project with its client, dates, value and bids (JSON).',
  uriTemplate: 'buildworkpro://projects/{id}',
  variable: 'id',
  scopes: ['projects:read'],
  async list({ crm }) {
    const { projects } = await crm.listProjects({ status: 'active', limit: LISTED });
    return projects.map((p) => ({ uri: p.uri, name: `project-${p.id}`, title: p.name }));
  },
  read: (id, { crm }) => crm.getProject(id),
};

export const bidResources: ResourceTemplateDefinition = {
  name: 'bid',
  title: 'Bid',
  description: 'A bid by its number, with status history and notes (JSON).',
  uriTemplate: 'buildworkpro://bids/{number}',
  variable: 'number',
  scopes: ['bids:read'],
  async list({ crm }) {
    const { bids } = await crm.listBids({ status: 'negotiation', limit: LISTED });
    return bids.map((b) => ({ uri: b.uri, name: `bid-${b.number}`, title: `Bid ${b.label}: ${b.title}` }));
  },
  read: (number, { crm }) => crm.getBid(number),
};

export const contactResources: ResourceTemplateDefinition = {
  name: 'contact',
  title: 'Contact',
  description: 'A person at a company: name, email, phone, title (JSON).',
  uriTemplate: 'buildworkpro://contacts/{id}',
  variable: 'id',
  scopes: ['contacts:read'],
  // Contacts are not listed (there can be thousands); find them with `contacts.search`.
  list: () => Promise.resolve([]),
  read: (id, { crm }) => crm.getContact(id),
};

export const RESOURCE_TEMPLATES: readonly ResourceTemplateDefinition[] = [
  projectResources,
  bidResources,
  contactResources,
];
