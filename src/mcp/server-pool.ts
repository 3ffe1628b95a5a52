import type { McpServer } from '@modelcontextprotocol/server';

export type Era = 'modern' | 'legacy';

/**
 * Reuses McpServer instances across requests instead of building one per request (building costs
 * ~0.6 ms with our tools; see bench/README.md). `createMcpHandler` connects an instance to one
 * exchange at a time and closes it afterwards; a closed instance returns to the idle list of its
 * era and serves a later request. Concurrent requests each get their own instance, so no two
 * exchanges ever share one. Per-request data (the principal) rides on the request context, never
 * on the instance. Eras are pooled apart because the modern path installs `server/discover`
 * on the instances it serves.
 */
export class ServerPool {
  private readonly idle: Record<Era, McpServer[]> = { modern: [], legacy: [] };
  private readonly pooled = new WeakSet<McpServer>();
  created = 0;

  constructor(
    private readonly build: () => McpServer,
    private readonly maxIdlePerEra = 64,
  ) {}

  acquire(era: Era): McpServer {
    const server = this.idle[era].pop();
    if (server !== undefined) {
      this.pooled.delete(server);
      return server;
    }
    return this.create(era);
  }

  private create(era: Era): McpServer {
    const server = this.build();
    this.created += 1;
    server.server.onclose = () => {
      // onclose can fire more than once for one exchange; an instance is pooled at most once.
      if (this.pooled.has(server) || server.isConnected() || this.idle[era].length >= this.maxIdlePerEra)
        return;
      this.pooled.add(server);
      this.idle[era].push(server);
    };
    return server;
  }
}
