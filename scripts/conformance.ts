/**
 * Runs the official MCP conformance suite against a real server, for both protocol eras.
 *
 *   npm run test:conformance
 *
 * Starts `src/main.ts` (HTTP, WORKONWARD_MCP_AUTH=none, loopback, ephemeral port) over a fresh
 * SQLite database with the demo data, then runs `@modelcontextprotocol/conformance` (pinned; it
 * needs Node 22, fetched with `npx -p node@22`) with `--requirements 2025-11-25` and
 * `--requirements 2026-07-28`. Each run is judged (by the suite's own `--expected-failures`) against
 * `conformance/expected-failures.json`: any other failure or warning fails this script, and so does
 * an expected failure that now passes (stale).
 * Results are kept under `.conformance/<revision>/`.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';

const SUITE = '@modelcontextprotocol/conformance@0.2.0-alpha.12';
const REVISIONS = ['2025-11-25', '2026-07-28'] as const;
const root = path.resolve(import.meta.dirname, '..');
const resultsRoot = path.join(root, '.conformance');

/** Revision → (scenario or scenario:check-id → one-line reason); `$comment` documents the file. */
const expected = JSON.parse(
  readFileSync(path.join(root, 'conformance/expected-failures.json'), 'utf8'),
) as Record<string, Record<string, unknown> | string>;

async function startServer(dataDir: string): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: root,
    stdio: ['ignore', 'inherit', 'pipe'],
    env: {
      ...process.env,
      WORKONWARD_ENV: 'development',
      WORKONWARD_MCP_TRANSPORT: 'http',
      WORKONWARD_MCP_AUTH: 'none',
      WORKONWARD_MCP_HOST: '127.0.0.1',
      WORKONWARD_MCP_PORT: '0',
      WORKONWARD_MCP_TENANT: 'summit-ridge',
      WORKONWARD_DATA_DIR: dataDir,
      WORKONWARD_DATABASE_URL: '',
      WORKONWARD_LOG_LEVEL: 'info',
    },
  });
  // The server logs (pino JSON lines) on stderr.
  const lines = createInterface({ input: child.stderr });
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error('the server did not start within 60 s'));
    }, 60_000);
    const said: string[] = [];
    child.once('exit', (code) => {
      reject(new Error(`the server exited with code ${code} before listening:\n${said.join('\n')}`));
    });
    lines.on('line', (line) => {
      said.push(line);
      try {
        const entry = JSON.parse(line) as { msg?: string; url?: string };
        if (entry.msg === 'serving MCP over HTTP' && entry.url !== undefined) {
          clearTimeout(timer);
          resolve(entry.url);
        }
      } catch {
        // not a log line
      }
    });
  });
  // Keep draining the log so the child never blocks on a full pipe.
  lines.on('line', () => undefined);
  return { url, child };
}

function runSuite(url: string, revision: string, baseline: string, outDir: string): Promise<number> {
  const args = [
    '-y',
    '-p',
    'node@22',
    '-p',
    SUITE,
    'conformance',
    'server',
    '--url',
    url,
    '--requirements',
    revision,
    '--expected-failures',
    baseline,
    '-o',
    outDir,
  ];
  return new Promise((resolve, reject) => {
    const child = spawn('npx', args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code) => {
      // The per-scenario chatter is in the results directory; show the verdicts.
      const shown = output
        .split('\n')
        .filter((line) => !line.startsWith('npm warn') && !/^(Running|Results saved|=== Running)/.test(line))
        .join('\n')
        .replace(/\n{3,}/g, '\n\n')
        // Worded so a CI log reader never mistakes a scenario's tally for the test run's closing line.
        .replace(/(\d+) passed, (\d+) failed/g, '$1 checks ok, $2 checks not ok');
      process.stdout.write(shown);
      resolve(code ?? 1);
    });
  });
}

/** Every entry must say why it is there. */
for (const [revision, entries] of Object.entries(expected)) {
  if (typeof entries === 'string') continue;
  for (const [entry, reason] of Object.entries(entries)) {
    if (typeof reason !== 'string' || reason.trim() === '')
      throw new Error(`conformance/expected-failures.json: ${revision} ${entry} needs a one-line reason`);
  }
}

/** Baseline entries naming a scenario this run never ran (the suite tolerates those silently). */
function unknownEntries(entries: readonly string[], outDir: string): string[] {
  const ran = new Set(
    readdirSync(outDir).map((dir) => dir.replace(/^server-/, '').replace(/-\d{4}-\d\d-\d\dT[\d-]+Z$/, '')),
  );
  return entries.filter((entry) => !ran.has(entry.split(':')[0] ?? ''));
}

const dataDir = mkdtempSync(path.join(tmpdir(), 'workonward-conformance-'));
const { url, child } = await startServer(dataDir);
let failed = false;
try {
  for (const revision of REVISIONS) {
    const outDir = path.join(resultsRoot, revision);
    rmSync(outDir, { recursive: true, force: true });
    const baseline = path.join(dataDir, `baseline-${revision}.yml`);
    const listed = expected[revision];
    const entries = typeof listed === 'object' ? Object.keys(listed) : [];
    writeFileSync(baseline, `server:\n${entries.map((entry) => `  - '${entry}'`).join('\n')}\n`);
    console.log(`\n### conformance --requirements ${revision} against ${url}/mcp`);
    // The suite judges the baseline itself: exit 1 on a failure (or warning) not listed AND on a
    // listed scenario or check that now passes (stale entry).
    const code = await runSuite(`${url}/mcp`, revision, baseline, outDir);
    const unknown = unknownEntries(entries, outDir);
    for (const entry of unknown)
      console.error(`  ✗ stale expected failure: ${entry} was not run at ${revision}`);
    if (code !== 0 || unknown.length > 0) {
      failed = true;
      console.error(`✗ ${revision}: unexpected failures or stale expected-failure entries (see above)`);
    } else {
      console.log(
        `✓ ${revision}: only the ${entries.length} expected failures in conformance/expected-failures.json`,
      );
    }
  }
} finally {
  child.kill('SIGTERM');
  rmSync(dataDir, { recursive: true, force: true });
}
process.exitCode = failed ? 1 : 0;
