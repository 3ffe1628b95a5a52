import { shutDownGracefully } from '../../lifecycle/graceful-shutdown.js';
import { startRuntime } from '../../runtime.js';
import type { Command } from '../command.js';

/**
 * Serves until SIGTERM or SIGINT (or, on stdio, until the client closes stdin), then shuts down
 * in the order a load balancer needs (src/lifecycle/graceful-shutdown.ts).
 */
export const serveCommand: Command = {
  words: ['serve'],
  summary: 'Serve MCP over WORKONWARD_MCP_TRANSPORT (the default command)',
  async run({ config }) {
    // Loaded here, not at the top: the authorization-server engine prints a runtime warning on
    // import (Node 20), which belongs in the server's output, not in every other command's.
    const { serveRuntime } = await import('../../serve.js');
    const runtime = await startRuntime(config);
    const serving = await serveRuntime(runtime).catch(async (error: unknown) => {
      await runtime.close();
      throw error;
    });
    // A failed shutdown step rejects this promise, so the CLI reports it and exits 1 (a floating
    // promise here would have been an unhandled rejection with no report of which step failed).
    await new Promise<void>((resolve, reject) => {
      let stopping = false;
      const stop = (reason: string) => {
        if (stopping) return;
        stopping = true;
        shutDownGracefully(
          {
            readiness: serving.readiness,
            // stdio has no balancer to wait for.
            drainMs: serving.readiness === undefined ? 0 : config.http.drainMs,
            stopServing: () => serving.stop(),
            closeRuntime: () => runtime.close(),
            logger: runtime.logger,
          },
          reason,
        ).then(resolve, reject);
      };
      process.once('SIGTERM', () => {
        stop('SIGTERM');
      });
      process.once('SIGINT', () => {
        stop('SIGINT');
      });
      const stdinClosed = () => {
        stop('stdin closed');
      };
      serving.ended?.then(stdinClosed, stdinClosed);
    });
    return undefined;
  },
};
