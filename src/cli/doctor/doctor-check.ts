import type { Config } from '../../config/config.js';
import type { Store } from '../../store/open-store.js';

/** `fail` counts toward the exit code; `warn` is worth reading but not broken; `skip` does not apply. */
export type CheckStatus = 'pass' | 'warn' | 'fail' | 'skip';

export interface CheckResult {
  readonly id: string;
  readonly status: CheckStatus;
  /** What was found, in one line. */
  readonly detail: string;
  /** The PING8 guide's Troubleshooting symptom this explains (on warn and fail). */
  readonly symptom?: string;
  readonly fix?: string;
  /** What the deployment answered when that is worth keeping (`proxy`: its `/healthz/forwarded`). */
  readonly observed?: object;
}

/** What every check may read: the configuration, the deployment's public URL, its store. */
export interface DoctorContext {
  readonly config: Config;
  /** Where the running deployment is reached: the issuer, or `--url`. */
  readonly url: string;
  /** Scopes for the tools check (`--scopes`), default every scope. */
  readonly scopes: readonly string[];
  readonly store: Store;
  readonly timeoutMs: number;
  /** The running Node's version (`process.versions.node`; tests pass others). */
  readonly nodeVersion: string;
}

export interface DoctorCheck {
  readonly id: string;
  run(context: DoctorContext): Promise<CheckResult>;
}

/** The rows of the PING8 guide's Troubleshooting table, as the guide words them. */
export const SYMPTOMS = {
  connector: 'Connector cannot be added',
  oauth: 'OAuth fails (verify issuer, HTTPS, metadata endpoints, and allowed login email)',
  tools: 'Tools are missing',
  noQueue: 'Send appears to succeed but no email queues',
} as const;

export const pass = (id: string, detail: string): CheckResult => ({ id, status: 'pass', detail });

export const problem = (
  id: string,
  status: 'warn' | 'fail',
  detail: string,
  symptom: string,
  fix: string,
): CheckResult => ({ id, status, detail, symptom, fix });
