import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '../config/load.js';
import { DomainError } from '../domain/errors.js';
import { type CommandContext, UsageError } from './command.js';
import { COMMANDS } from './commands.js';
import { usage } from './usage.js';

/** Where the CLI writes and what environment it reads; tests pass their own. */
export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /** The WORKONWARD_* variables; the process environment when absent. */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

const processIo: CliIo = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
};

/**
 * `npx workonward-mcp [command] [options]`. With no command it serves MCP. Every command takes
 * `--json` for scriptable output; exit codes: 0 ok, 1 failed, 2 bad usage or configuration.
 */
export async function runCli(argv: string[], io: CliIo = processIo): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
        tenant: { type: 'string' },
        slug: { type: 'string' },
        name: { type: 'string' },
        email: { type: 'string' },
        role: { type: 'string' },
        scopes: { type: 'string' },
        'on-behalf-of': { type: 'boolean' },
        url: { type: 'string' },
      },
    });
  } catch (error) {
    io.stderr(`${(error as Error).message}\n\n${usage()}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help || positionals[0] === 'help') {
    io.stdout(usage());
    return 0;
  }
  const words = positionals.length === 0 ? ['serve'] : positionals;
  const command = COMMANDS.find((candidate) => candidate.words.every((word, index) => words[index] === word));
  if (command === undefined) {
    io.stderr(`Unknown command: ${words.join(' ')}\n\n${usage()}`);
    return 2;
  }
  const args = words.slice(command.words.length);
  const expected = command.positionals ?? [];
  if (args.length !== expected.length) {
    const want = expected.length === 0 ? 'no arguments' : expected.join(' ');
    io.stderr(`${command.words.join(' ')} takes ${want}; got: ${args.join(' ') || 'none'}\n\n${usage()}`);
    return 2;
  }

  let config;
  try {
    config = loadConfig(io.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      io.stderr(`${error.message}\n`);
      return 2;
    }
    throw error;
  }
  const { 'on-behalf-of': onBehalfOf, ...rest } = values;
  const context: CommandContext = { config, options: { ...rest, onBehalfOf }, args };
  try {
    const result = await command.run(context);
    if (result === undefined) return 0;
    if (values.json) io.stdout(`${JSON.stringify(result.data)}\n`);
    else if (result.ok === false) io.stderr(`${result.text}\n`);
    else io.stdout(`${result.text}\n`);
    return result.exitCode ?? (result.ok === false ? 1 : 0);
  } catch (error) {
    return reportFailure(error, values.json, io, storeName(config.store.url));
  }
}

/** The store a command opened, for its error messages (a password in a URL is never shown). */
export function storeName(url: string): string {
  const parsed = URL.parse(url);
  if (parsed === null || parsed.protocol === 'sqlite:') return url;
  parsed.password = '';
  parsed.search = '';
  return parsed.toString();
}

/** One place renders failures: usage errors exit 2, everything else 1 (with the hint, if any). */
function reportFailure(error: unknown, json: boolean, io: CliIo, store: string): number {
  const message = error instanceof Error ? error.message : String(error);
  const hint = error instanceof DomainError ? error.hint : undefined;
  const code = error instanceof DomainError ? error.code : error instanceof UsageError ? 'usage' : 'failed';
  // Which store the command read (`./data` unless configured): what someone debugging a failure
  // needs first. A usage error is about the invocation, not the store.
  const where = error instanceof UsageError ? {} : { store };
  if (json)
    io.stderr(
      `${JSON.stringify({ error: message, code, ...(hint === undefined ? {} : { hint }), ...where })}\n`,
    );
  else
    io.stderr(
      `Error: ${message}\n${hint === undefined ? '' : `Hint: ${hint}\n`}${'store' in where ? `Store: ${store}\n` : ''}`,
    );
  return error instanceof UsageError ? 2 : 1;
}
