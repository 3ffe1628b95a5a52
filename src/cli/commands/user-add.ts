import { addUserToTenant } from '../../domain/accounts/accounts-service.js';
import { systemClock } from '../../lib/clock.js';
import { type Command, required, withStore } from '../command.js';

export const userAddCommand: Command = {
  words: ['user', 'add'],
  options: '--email EMAIL --tenant SLUG [--name NAME] [--role owner|admin|member]',
  summary: 'Add a user (created if new) to a tenant',
  run: ({ config, options }) => {
    const input = {
      email: required(options.email, '--email'),
      tenantSlug: required(options.tenant, '--tenant'),
      name: options.name,
      role: options.role ?? 'member',
    };
    return withStore(config, async (store) => {
      const result = await addUserToTenant(store.db, systemClock, input);
      return { data: result, text: `${result.email} is now ${result.role} of ${result.tenant}` };
    });
  },
};
