import { COMMANDS } from './commands.js';
import type { Command } from './command.js';

/** `import companies FILE.csv --tenant SLUG` */
export function synopsis(command: Command): string {
  return [...command.words, ...(command.positionals ?? []), command.options ?? ''].join(' ').trim();
}

export function usage(): string {
  const lines = COMMANDS.flatMap((command) => [`  ${synopsis(command)}`, `      ${command.summary}`]);
  return [
    'Usage: npx workonward-mcp [command] [options]',
    '',
    'Commands:',
    ...lines,
    '',
    'Options: --json (machine-readable output), --help',
    'Exit codes: 0 ok, 1 failed (nothing half-done), 2 bad usage or configuration.',
    'Configuration comes from WORKONWARD_* environment variables; see docs/configuration.md.',
    'Commands, options and CSV formats: docs/cli.md.',
    '',
  ].join('\n');
}
