import { createApiKey } from '../../src/domain/api-keys/api-keys.js';
import type { Clock } from '../../src/lib/clock.js';
import { startTestServer, type TestServer } from './server.js';
import type { Dialect } from './stores.js';

/** The two adapters every tool test runs on: this deployment's store, or another deployment's API. */
export const BACKENDS = ['local', 'remote'] as const;
export type BackendKind = (typeof BACKENDS)[number];

export interface ToolServer extends TestServer {
  /** Remote: the front the MCP client talks to (`url` is its URL; `runtime` is the backend's, which owns the data). */
  readonly front: TestServer | undefined;
  /** The server that owns the data (the same as this one when local). */
  readonly backend: TestServer;
}

/**
 * A server whose tools run on the given adapter. `local`: one server over its own store (as
 * `startTestServer`). `remote`: a backend server over the store plus a front started with
 * `WORKONWARD_BASE_URL` + `WORKONWARD_API_KEY` (a key of the tenant, made for a front) and no
 * data of its own; `url` is the front's, `runtime` the backend's, so assertions on stored rows
 * read where the data lives. Both get `env` (mail settings, dry-run, batch) unless `frontEnv` says otherwise.
 */
export async function startToolServer(options: {
  backend: BackendKind;
  dialect?: Dialect;
  env?: Record<string, string>;
  frontEnv?: Record<string, string>;
  clock?: Clock;
}): Promise<ToolServer> {
  const backend = await startTestServer({
    ...(options.dialect !== undefined && { dialect: options.dialect }),
    ...(options.clock !== undefined && { clock: options.clock }),
    env: options.env ?? {},
  });
  if (options.backend === 'local') return { ...backend, front: undefined, backend };
  try {
    const { key } = await createApiKey(backend.runtime.store.db, backend.runtime.clock, {
      tenantSlug: backend.config.tenant ?? 'summit-ridge',
      onBehalfOf: true,
      createdBy: 'tool-server',
    });
    const front = await startTestServer({
      ...(options.clock !== undefined && { clock: options.clock }),
      env: {
        ...(options.frontEnv ?? options.env),
        WORKONWARD_BASE_URL: backend.url,
        WORKONWARD_API_KEY: key,
        WORKONWARD_MCP_TENANT: backend.config.tenant ?? 'summit-ridge',
      },
    });
    return {
      ...backend,
      url: front.url,
      front,
      backend,
      async stop() {
        await front.stop();
        await backend.stop();
      },
    };
  } catch (error) {
    await backend.stop();
    throw error;
  }
}
