/**
 * Imported first by the load-generating bench scripts (run.ts, tail.ts): runs the script again
 * under `--no-parallel-scavenge` when it was started without it. autocannon allocates every
 * answer's body (~10 KB, ~30 MB/s), and on this busy 2-core machine V8's parallel scavenger waits
 * for helper threads the host has not scheduled: the generator's scavenges took 1.3 ms at the
 * median, 5.3 at p90 and up to 55 ms (`--trace-gc`, 87 in 10 s), against 0.46 / 3.4 / 20 ms with
 * the flag — and while the generator is paused, every answer waiting to be read counts the pause
 * as server latency. The servers run with the same flag (the image's, bench/node-flags.ts).
 */
import { spawnSync } from 'node:child_process';

const FLAG = '--no-parallel-scavenge';
if (!process.execArgv.includes(FLAG)) {
  const again = spawnSync(process.execPath, [FLAG, ...process.execArgv, ...process.argv.slice(1)], {
    stdio: 'inherit',
  });
  process.exit(again.status ?? 1);
}
