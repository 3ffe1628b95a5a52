import { createApiKey, listApiKeys, revokeApiKey, type ApiKeyView } from '../../domain/api-keys/api-keys.js';
import { systemClock } from '../../lib/clock.js';
import { type Command, required, withStore } from '../command.js';

const line = (k: ApiKeyView) =>
  [
    k.prefix,
    k.tenant,
    k.name,
    k.scopes.join(',') || '-',
    k.on_behalf_of ? 'on-behalf-of' : '-',
    k.revoked_at === null ? 'live' : `revoked ${k.revoked_at}`,
    k.id,
  ].join('\t');

/** `api-key create --tenant SLUG`: prints the key once; only its hash is kept. */
export const apiKeyCreateCommand: Command = {
  words: ['api-key', 'create'],
  options: '--tenant SLUG [--name NAME] [--scopes SCOPE,…] [--on-behalf-of]',
  summary: 'Create an API key for /api/v1 (shown once; stored hashed)',
  run: ({ config, options }) => {
    const tenantSlug = required(options.tenant, '--tenant');
    return withStore(config, async (store) => {
      const { key, record } = await createApiKey(store.db, systemClock, {
        tenantSlug,
        name: options.name,
        scopes: options.scopes === undefined ? undefined : [options.scopes],
        onBehalfOf: options.onBehalfOf,
        createdBy: 'cli',
      });
      return {
        data: { key, ...record },
        text: [
          key,
          '',
          `API key ${record.prefix}… for ${record.tenant} (${record.scopes.join(', ')})${record.on_behalf_of ? ', may act on behalf of people' : ''}.`,
          'This is the only time it is shown: store it now (e.g. as WORKONWARD_API_KEY of a front).',
        ].join('\n'),
      };
    });
  },
};

export const apiKeyListCommand: Command = {
  words: ['api-key', 'list'],
  options: '[--tenant SLUG]',
  summary: 'List API keys (prefix, tenant, name, scopes, state, id)',
  run: ({ config, options }) =>
    withStore(config, async (store) => {
      const keys = await listApiKeys(store.db, options.tenant);
      return { data: { keys }, text: keys.map(line).join('\n') || 'No API keys.' };
    }),
};

export const apiKeyRevokeCommand: Command = {
  words: ['api-key', 'revoke'],
  positionals: ['ID|PREFIX'],
  summary: 'Revoke an API key: its next request fails, on every instance',
  run: ({ config, args }) =>
    withStore(config, async (store) => {
      const key = await revokeApiKey(store.db, systemClock, args[0] ?? '', { label: 'cli' });
      return { data: key, text: `Revoked ${key.prefix}… (${key.name}, ${key.tenant}).` };
    }),
};
