import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../oauth/support/oauth-server.js';
import { startAll } from './support/cluster.js';
import { instance } from './support/instance.js';

/**
 * The harness's own promise: a cluster that fails to start leaves no process behind. Real child
 * processes, started as the harness starts `serve` (`node <cli> serve` with the instance's port),
 * of a stand-in CLI that answers /readyz, or exits at start when told to; no PostgreSQL needed.
 */
const dir = mkdtempSync(path.join(tmpdir(), 'workonward-harness-'));
const cli = path.join(dir, 'stand-in.mjs');
writeFileSync(
  cli,
  `import http from 'node:http';
if (process.env.FAIL_AT_START === '1') process.exit(3);
http.createServer((_, res) => res.end('ok')).listen(Number(process.env.WORKONWARD_MCP_PORT), '127.0.0.1');
`,
);
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('starting the cluster harness', () => {
  it('kills the instances already started when a later one fails, and throws its failure', async () => {
    const [a, b, c] = [await freePort(), await freePort(), await freePort()];
    const instances = [
      instance('instance1', a, {}, cli),
      instance('instance2', b, { FAIL_AT_START: '1' }, cli),
      instance('instance3', c, {}, cli),
    ];
    await expect(startAll(instances)).rejects.toThrow(/instance2 exited at start/);
    expect(instances.map((i) => i.running)).toEqual([false, false, false]);
    // Nothing answers on their ports any more.
    for (const port of [a, c]) await expect(fetch(`http://127.0.0.1:${port}/readyz`)).rejects.toThrow();
  });

  it('starts every instance when none fails', async () => {
    const instances = [await freePort(), await freePort()].map((port, i) =>
      instance(`instance${i + 1}`, port, {}, cli),
    );
    await startAll(instances);
    expect(instances.map((i) => i.running)).toEqual([true, true]);
    await Promise.all(instances.map((i) => i.kill()));
  });
});
