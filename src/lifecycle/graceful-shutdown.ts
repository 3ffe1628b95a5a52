import type { Logger } from '../lib/logger.js';

/**
 * Whether this instance wants new traffic. `/readyz` answers 503 once `drain()` was called, so a
 * load balancer's health check takes the instance out of rotation before it stops listening.
 */
export interface Readiness {
  readonly draining: boolean;
  drain(): void;
}

export function readiness(): Readiness {
  let draining = false;
  return {
    get draining() {
      return draining;
    },
    drain() {
      draining = true;
    },
  };
}

export interface ShutdownSteps {
  readonly readiness: Readiness | undefined;
  /** How long the balancer needs to see `/readyz` fail and stop routing here (`WORKONWARD_MCP_DRAIN_MS`). */
  readonly drainMs: number;
  /** Stops listening and finishes the requests in flight. */
  readonly stopServing: () => Promise<void>;
  /** Lets the outbox worker settle its leases, then closes the mail transport and the store. */
  readonly closeRuntime: () => Promise<void>;
  readonly logger: Logger;
}

/**
 * The one shutdown order, so a rolling restart fails no request: not ready first, then wait for
 * the balancer to notice (requests that still arrive meanwhile are served normally), then stop
 * listening and finish what is in flight, then finish the worker's leased round and close.
 */
export async function shutDownGracefully(steps: ShutdownSteps, reason: string): Promise<void> {
  steps.readiness?.drain();
  steps.logger.info({ reason, drainMs: steps.drainMs }, 'shutting down: not ready, draining');
  if (steps.drainMs > 0) await new Promise((resolve) => setTimeout(resolve, steps.drainMs));
  steps.logger.info({ reason }, 'shutting down: finishing in-flight requests');
  await steps.stopServing();
  await steps.closeRuntime();
  steps.logger.info({ reason }, 'shut down');
}
