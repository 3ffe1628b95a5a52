import type { Config } from '../../src/config/config.js';
import { loadConfig } from '../../src/config/load.js';
import { fixedClock, type Clock } from '../../src/lib/clock.js';
import { createLogger, type Logger } from '../../src/lib/logger.js';
import { startRuntime, type Runtime } from '../../src/runtime.js';
import { type ServeOptions, serveRuntime } from '../../src/serve.js';
import type { StoreOptions } from '../../src/store/open-store.js';
import { createTestDatabase, type Dialect } from './stores.js';

/** The instant demo data is loaded at in tests, so day counts are exact. */
export const TEST_NOW = '2026-11-21T12:00:00.000Z';

export interface TestServer {
  readonly url: string;
  readonly runtime: Runtime;
  readonly config: Config;
  /** How many SDK servers the HTTP path has built: 0 while the core answers everything itself. */
  sdkServersBuilt(): number;
  /** How many MCP requests the core answered itself (the rest were handed to the SDK path). */
  coreAnswered(): number;
  stop(): Promise<void>;
}

/** What every test server starts from: development, HTTP on a free loopback port, no sign-in, one tenant, silent. */
export function testServerEnv(databaseUrl: string): Record<string, string> {
  return {
    WORKONWARD_ENV: 'development',
    WORKONWARD_MCP_TRANSPORT: 'http',
    WORKONWARD_MCP_AUTH: 'none',
    WORKONWARD_MCP_TENANT: 'summit-ridge',
    WORKONWARD_MCP_PORT: '0',
    WORKONWARD_DATABASE_URL: databaseUrl,
    WORKONWARD_LOG_LEVEL: 'silent',
  };
}

/**
 * A real server on an ephemeral loopback port over a fresh database of the given dialect (or over
 * `databaseUrl`, which several servers may share and `stop` leaves in place), with the demo data
 * loaded. `env` overrides any WORKONWARD_* variable.
 */
export async function startTestServer(
  options: {
    dialect?: Dialect;
    databaseUrl?: string;
    env?: Record<string, string>;
    clock?: Clock;
    logger?: Logger;
    serve?: ServeOptions;
    storeOptions?: StoreOptions;
  } = {},
): Promise<TestServer> {
  const database =
    options.databaseUrl === undefined
      ? await createTestDatabase(options.dialect ?? 'sqlite')
      : { url: options.databaseUrl, dispose: () => Promise.resolve() };
  const config = loadConfig({ ...testServerEnv(database.url), ...options.env });
  const runtime = await startRuntime(config, {
    clock: options.clock ?? fixedClock(TEST_NOW),
    logger: options.logger ?? createLogger('silent'),
    ...(options.storeOptions !== undefined && { storeOptions: options.storeOptions }),
  });
  const serving = await serveRuntime(runtime, options.serve);
  return {
    url: serving.url ?? '',
    runtime,
    config,
    sdkServersBuilt: () => serving.mcpServersBuilt?.() ?? 0,
    coreAnswered: () => serving.coreAnswered?.() ?? 0,
    async stop() {
      await serving.stop();
      await runtime.close();
      await database.dispose();
    },
  };
}
