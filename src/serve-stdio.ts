import { serveStdio } from '@modelcontextprotocol/server/stdio';
import { coreFirst } from './mcp/stdio-core.js';
import { buildServerFor, coreDispatchFor, localPrincipal, type Runtime } from './runtime.js';
import type { ServeOptions, Serving } from './serve.js';

/**
 * MCP on stdio: one connection, one local user. The SDK's `serveStdio` owns the connection (its
 * opening, era and subscriptions); each pinned instance offers requests to the same core
 * dispatch as node:http first (stdio-core.ts), unless `sdkPathOnly`.
 */
export async function serveStdioRuntime(runtime: Runtime, options: ServeOptions): Promise<Serving> {
  const { logger } = runtime;
  const principal = await localPrincipal(runtime);
  const onerror = (error: Error) => {
    logger.warn({ err: error }, 'stdio transport error');
  };
  let coreAnswered = 0;
  const core = {
    dispatch: coreDispatchFor(runtime),
    principal,
    answered: () => {
      coreAnswered += 1;
    },
    onerror,
  };
  const handle = serveStdio(
    ({ era }) => {
      const server = buildServerFor(runtime, principal);
      return options.sdkPathOnly === true ? server : coreFirst(server, era, core);
    },
    { onerror, ...(options.stdioTransport !== undefined && { transport: options.stdioTransport }) },
  );
  logger.info({ tenant: principal.tenantSlug }, 'serving MCP on stdio');
  const serving = { coreAnswered: () => coreAnswered, stop: () => handle.close() };
  if (options.stdioTransport !== undefined) return serving;
  // The stdio lifecycle ends when the client closes our stdin; background work must not keep us alive.
  const ended = new Promise<void>((resolve) => {
    process.stdin.once('end', resolve);
    process.stdin.once('close', resolve);
  });
  return { ...serving, ended };
}
