import { loadDemoData } from '../../domain/demo/load-demo.js';
import { systemClock } from '../../lib/clock.js';
import { type Command, withStore } from '../command.js';

export const demoLoadCommand: Command = {
  words: ['demo', 'load'],
  summary: 'Load the two demo tenants (skips tenants already present)',
  run: ({ config }) =>
    withStore(config, async (store) => {
      const result = await loadDemoData(store.db, systemClock);
      return {
        data: result,
        text: `Loaded: ${result.loaded.join(', ') || 'nothing'}; already present: ${result.skipped.join(', ') || 'none'}`,
      };
    }),
};
