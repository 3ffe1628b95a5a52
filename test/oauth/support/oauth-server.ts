import { createServer } from 'node:net';
import type { Config } from '../../../src/config/config.js';
import { loadConfig } from '../../../src/config/load.js';
import { type Clock, fixedClock } from '../../../src/lib/clock.js';
import { createLogger, type Logger } from '../../../src/lib/logger.js';
import type { AuthorizationServerOptions } from '../../../src/oauth/authorization-server.js';
import { startRuntime, type Runtime } from '../../../src/runtime.js';
import { serveRuntime } from '../../../src/serve.js';
import { TEST_NOW } from '../../support/server.js';
import { createTestDatabase, type Dialect } from '../../support/stores.js';

export interface OAuthTestServer {
  /** Where the server listens: `http://127.0.0.1:<port>` (also the issuer, unless `httpsIssuer`). */
  readonly url: string;
  readonly runtime: Runtime;
  readonly config: Config;
  /** How many MCP requests the core answered itself (the rest were handed to the SDK path). */
  coreAnswered(): number;
  stop(): Promise<void>;
}

/** A free loopback port: the issuer must name the real port, so 0 cannot be used. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      probe.close(() => {
        resolve(port);
      });
    });
  });
}

/** The real server with WORKONWARD_MCP_AUTH=oauth over a fresh database with the demo data. */
export async function startOAuthServer(
  options: {
    dialect?: Dialect;
    env?: Record<string, string>;
    oauth?: AuthorizationServerOptions;
    logger?: Logger;
    /** Announce an https issuer (as behind a TLS proxy) while the test talks plain http to `url`. */
    httpsIssuer?: boolean;
    /** The injected clock (default: fixed at TEST_NOW); pass a manual clock to move time. */
    clock?: Clock;
    /** Serve an existing database (a second instance of one deployment); its owner disposes of it. */
    databaseUrl?: string;
    /** Every MCP request on the SDK path, never the core (the differential tests). */
    sdkPathOnly?: boolean;
  } = {},
): Promise<OAuthTestServer> {
  const database =
    options.databaseUrl === undefined
      ? await createTestDatabase(options.dialect ?? 'sqlite')
      : { url: options.databaseUrl, dispose: () => Promise.resolve() };
  const port = await freePort();
  const config = loadConfig({
    WORKONWARD_ENV: 'development',
    WORKONWARD_MCP_TRANSPORT: 'http',
    WORKONWARD_MCP_AUTH: 'oauth',
    WORKONWARD_MCP_PORT: String(port),
    WORKONWARD_DATABASE_URL: database.url,
    WORKONWARD_LOG_LEVEL: 'silent',
    WORKONWARD_MAIL_FROM: 'BuildWorkPro <no-reply@buildworkpro.example>',
    ...(options.httpsIssuer === true && { WORKONWARD_MCP_OAUTH_ISSUER: `https://127.0.0.1:${String(port)}` }),
    ...options.env,
  });
  const runtime = await startRuntime(config, {
    clock: options.clock ?? fixedClock(TEST_NOW),
    logger: options.logger ?? createLogger(process.env.TEST_LOG ?? 'silent'),
  });
  // Suites sign the same demo users in many times; the per-address limit is tested on its own.
  const serving = await serveRuntime(runtime, {
    oauth: { signInCodesPerAddress: 1000, ...options.oauth },
    ...(options.sdkPathOnly === true && { sdkPathOnly: true }),
  });
  return {
    url: config.oauth.issuer.replace(/^https:/, 'http:'),
    runtime,
    config,
    coreAnswered: () => serving.coreAnswered?.() ?? 0,
    async stop() {
      await serving.stop();
      await runtime.close();
      await database.dispose();
    },
  };
}
