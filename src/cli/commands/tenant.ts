import { createTenant } from '../../domain/accounts/accounts-service.js';
import { systemClock } from '../../lib/clock.js';
import { accountsRepository } from '../../store/accounts-repository.js';
import { type Command, required, withStore } from '../command.js';

export const tenantListCommand: Command = {
  words: ['tenant', 'list'],
  summary: 'List tenants',
  run: ({ config }) =>
    withStore(config, async (store) => {
      const tenants = await accountsRepository(store.db).listTenants();
      return {
        data: { tenants },
        text: tenants.map((t) => `${t.slug}\t${t.name}`).join('\n') || 'No tenants.',
      };
    }),
};

export const tenantCreateCommand: Command = {
  words: ['tenant', 'create'],
  options: '--slug SLUG --name NAME',
  summary: 'Create a tenant',
  run: ({ config, options }) => {
    const input = { slug: required(options.slug, '--slug'), name: required(options.name, '--name') };
    return withStore(config, async (store) => {
      const tenant = await createTenant(store.db, systemClock, input);
      return { data: { tenant }, text: `Created tenant ${tenant.slug} (${tenant.id})` };
    });
  },
};
