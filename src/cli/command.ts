import type { Config } from '../config/config.js';
import { openStore, type Store } from '../store/open-store.js';

/** Options every command may read; parsed once by run-cli (node:util parseArgs). */
export interface CommandOptions {
  readonly json?: boolean | undefined;
  readonly tenant?: string | undefined;
  readonly slug?: string | undefined;
  readonly name?: string | undefined;
  readonly email?: string | undefined;
  readonly role?: string | undefined;
  readonly scopes?: string | undefined;
  readonly onBehalfOf?: boolean | undefined;
  readonly url?: string | undefined;
}

export interface CommandContext {
  readonly config: Config;
  readonly options: CommandOptions;
  /** Positional arguments after the command words, as many as the command declares. */
  readonly args: string[];
}

export interface CommandResult {
  /** false: the command ran but failed (exit code 1); `text` then goes to stderr. */
  readonly ok?: boolean;
  /** What `--json` prints. */
  readonly data: unknown;
  /** What a person reads. */
  readonly text: string;
  /** An exit code other than 0/1 (`doctor`: the number of failed checks); the text goes to stdout. */
  readonly exitCode?: number;
}

export interface Command {
  readonly words: readonly string[];
  /** Positional arguments, named for usage (e.g. `FILE.csv`); anything else is a usage error. */
  readonly positionals?: readonly string[];
  /** Options, as usage shows them. */
  readonly options?: string;
  readonly summary: string;
  run(context: CommandContext): Promise<CommandResult | undefined>;
}

/** Bad invocation (missing option, wrong arguments): exit code 2 with the usage text. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** Opens the store, migrates it, runs `work`, and always closes it. */
export async function withStore<T>(config: Config, work: (store: Store) => Promise<T>): Promise<T> {
  const store = openStore(config.store.url, { runtimeRole: config.store.runtimeRole });
  try {
    await store.migrate();
    // Owner work (store/owner-work.ts): the operator works on every tenant.
    return await store.asOwner('cli and backups', () => work(store));
  } finally {
    await store.close();
  }
}

export function required(value: string | undefined, flag: string): string {
  if (value === undefined || value.trim() === '') throw new UsageError(`${flag} is required`);
  return value.trim();
}
