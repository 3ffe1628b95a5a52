import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runCli } from '../../src/cli/run-cli.js';

export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Kysely's PostgreSQL introspection (run by every migrate) reads every schema in the database, so
 * it fails with `schema "t_…" does not exist` when another test file drops its own schema at that
 * instant. That is a test-infrastructure race, never our database, so such a run is retried once.
 */
export const foreignSchemaRace = (stderr: string) =>
  /schema \\?"t_\d+_[0-9a-f]{12}\\?" does not exist/.test(stderr);

/** Runs the real CLI in-process against `databaseUrl`, capturing what it prints. */
export async function cli(
  databaseUrl: string,
  argv: string[],
  env: Record<string, string> = {},
): Promise<CliRun> {
  const once = async () => {
    let stdout = '';
    let stderr = '';
    const code = await runCli(argv, {
      stdout: (text) => (stdout += text),
      stderr: (text) => (stderr += text),
      env: { WORKONWARD_DATABASE_URL: databaseUrl, WORKONWARD_LOG_LEVEL: 'silent', ...env },
    });
    return { code, stdout, stderr };
  };
  const run = await once();
  return foreignSchemaRace(run.stderr) ? once() : run;
}

/** Parses the one JSON document a `--json` run printed on stdout. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read the printed JSON freely
export function json<T = any>(run: CliRun): T {
  const lines = run.stdout.trim().split('\n');
  if (lines.length !== 1 || lines[0] === '')
    throw new Error(`expected one JSON line on stdout, got: ${run.stdout}${run.stderr}`);
  return JSON.parse(lines[0]!) as T;
}

/** A temp directory for CSV files; `file(name, content)` writes one and returns its path. */
export function scratch() {
  const dir = mkdtempSync(path.join(tmpdir(), 'workonward-cli-'));
  return {
    dir,
    file(name: string, content: string | Uint8Array): string {
      const target = path.join(dir, name);
      writeFileSync(target, content);
      return target;
    },
    dispose() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export const csv = (...lines: string[]) => `${lines.join('\n')}\n`;
