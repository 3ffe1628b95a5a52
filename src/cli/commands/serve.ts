import { serveRuntime } from '../../serve.js';
import { startRuntime } from '../../runtime.js';
import type { Command } from '../command.js';

/**
 * Serves until SIGTERM or SIGINT (or, on stdio, until the client closes stdin), then finishes
 * in-flight requests and closes the store.
 */
export const serveCommand: Command = {
  words: ['serve'],
  summary: 'Serve MCP over WORKONWARD_MCP_TRANSPORT (the default command)',
  async run({ config }) {
    const runtime = await startRuntime(config);
    const serving = await serveRuntime(runtime).catch(async (error: unknown) => {
      await runtime.close();
      throw error;
    });
    await new Promise<void>((resolve) => {
      let stopping = false;
      const stop = (signal: string) => {
        if (stopping) return;
        stopping = true;
        runtime.logger.info({ reason: signal }, 'shutting down: finishing in-flight requests');
        void serving
          .stop()
          .then(() => runtime.close())
          .then(resolve);
      };
      process.once('SIGTERM', () => {
        stop('SIGTERM');
      });
      process.once('SIGINT', () => {
        stop('SIGINT');
      });
      void serving.ended?.then(() => {
        stop('stdin closed');
      });
    });
    return undefined;
  },
};
