import { openStore } from '../../store/open-store.js';
import type { Command } from '../command.js';

export const migrateCommand: Command = {
  words: ['migrate'],
  summary: 'Apply pending database migrations',
  // Not withStore: that migrates first, and this command must report what its own run applied.
  async run({ config }) {
    const store = openStore(config.store.url, { runtimeRole: config.store.runtimeRole });
    try {
      const applied = await store.migrate();
      return {
        data: { applied },
        text: applied.length === 0 ? 'Up to date.' : `Applied: ${applied.join(', ')}`,
      };
    } finally {
      await store.close();
    }
  },
};
