/**
 * `bench:tools --generator wrk`: one target's load from wrk 4.1 (a C load generator, Debian's
 * `apt-get install -y wrk`), one thread, `connections` keep-alive connections, the target's exact
 * POST body and headers (bench/requests.ts). autocannon runs inside the bench's own Node process,
 * whose event loop stalls for GC and for a core on this shared 2-core machine; every answer
 * waiting to be read then counts the stall as server latency (bench/README.md, "what sets p99").
 * wrk's loop is C (epoll), allocates nothing per response, and times every response to the µs.
 *
 * The Lua script wrk runs is written per target to a temporary file. Its `response` hook checks
 * every answer, as autocannon's `verifyBody` does: a refusal answered with 200 (a JSON-RPC
 * error, an `isError` result) is counted as a failure, never as a request served. Its `done`
 * hook prints one JSON line with wrk's own figures (latency quantiles in µs from its histogram).
 * wrk's CPU is read from this process's reaped-children times (/proc/self/stat cutime + cstime),
 * so every run also says what the generator itself cost per request.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const WRK = '/usr/bin/wrk';

export interface WrkTarget {
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/** Latency quantiles and the slowest response. */
export interface Quantiles {
  readonly p50: number;
  readonly p75: number;
  readonly p90: number;
  readonly p97_5: number;
  readonly p99: number;
  readonly max: number;
}

/** One load's figures (latency in ms); bench/run.ts gives autocannon's the same shape. */
export interface LoadResult extends Quantiles {
  /** Responses completed over the load, and per second of the generator's measured duration. */
  readonly requests: number;
  readonly rps: number;
  /** Socket errors (connect, read, write, timeout), answers ≥ 400, and 200s that were refusals. */
  readonly errors: number;
  /** The generator's own CPU (user + system) per completed request, µs. */
  readonly generatorCpu: number;
}

/** Throws a message that says how to install wrk when it is not there. */
export function requireWrk(): void {
  const probe = spawnSync(WRK, ['-v'], { encoding: 'utf8' });
  if (probe.error !== undefined || !/wrk/.test(`${probe.stdout}${probe.stderr}`))
    throw new Error(
      `--generator wrk needs ${WRK} (wrk 4.1): apt-get install -y wrk (${probe.error?.message ?? 'not wrk'})`,
    );
}

/** A Lua string literal of any text: every byte outside printable ASCII, `"` and `\` escaped. */
function luaString(text: string): string {
  let literal = '"';
  for (const byte of Buffer.from(text, 'utf8'))
    literal +=
      byte >= 0x20 && byte < 0x7f && byte !== 0x22 && byte !== 0x5c
        ? String.fromCharCode(byte)
        : `\\${String(byte).padStart(3, '0')}`;
  return `${literal}"`;
}

/**
 * The script: method, body and headers; a refusal check on every answer (plain `find`, no
 * patterns); and the summary as one JSON line. `done` runs in wrk's main Lua state, so each
 * thread's refusal count is read back through `thread:get`.
 */
function script(target: WrkTarget): string {
  const headers = Object.entries(target.headers)
    .map(([name, value]) => `wrk.headers[${luaString(name)}] = ${luaString(value)}`)
    .join('\n');
  return `wrk.method = "POST"
wrk.body = ${luaString(target.body)}
${headers}
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) refused = 0 end
function response(status, headers, body)
  if body:find('"isError":true', 1, true) or body:find('"error":{"code"', 1, true) then
    refused = refused + 1
  end
end
function done(summary, latency, requests)
  local refusals = 0
  for _, thread in ipairs(threads) do refusals = refusals + thread:get("refused") end
  local e = summary.errors
  io.write(string.format(
    'WRK_SUMMARY {"requests":%d,"durationUs":%d,"p50":%d,"p75":%d,"p90":%d,"p97_5":%d,"p99":%d,' ..
    '"max":%d,"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d,"refused":%d}\\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(75),
    latency:percentile(90), latency:percentile(97.5), latency:percentile(99), latency.max,
    e.connect, e.read, e.write, e.status, e.timeout, refusals))
end
`;
}

/** User + system CPU of this process's children that have been waited for, µs (10 ms ticks). */
function reapedChildrenCpuMicros(): number {
  const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1]?.split(' ') ?? [];
  // After the ")": state is field 3, so cutime (16) and cstime (17) are at 13 and 14.
  return (Number(fields[13]) + Number(fields[14])) * 10_000;
}

/** What the script's `done` prints: wrk's counts, its duration and quantiles in µs. */
interface Summary extends Quantiles {
  readonly requests: number;
  readonly durationUs: number;
  readonly connect: number;
  readonly read: number;
  readonly write: number;
  readonly status: number;
  readonly timeout: number;
  readonly refused: number;
}

/** `wrk -t1 -c<connections> -d<seconds>s --latency -s <script> <url>` against one target. */
export async function loadWithWrk(
  target: WrkTarget,
  seconds: number,
  connections: number,
): Promise<LoadResult> {
  const directory = mkdtempSync(path.join(os.tmpdir(), 'bench-wrk-'));
  const file = path.join(directory, 'target.lua');
  writeFileSync(file, script(target));
  const cpuBefore = reapedChildrenCpuMicros();
  try {
    const output = await new Promise<string>((resolve, reject) => {
      const child = spawn(
        WRK,
        ['-t1', `-c${connections}`, `-d${seconds}s`, '--latency', '-s', file, target.url],
        { stdio: ['ignore', 'pipe', 'inherit'] },
      );
      let text = '';
      child.stdout.setEncoding('utf8');
      child.stdout.on('data', (chunk: string) => {
        text += chunk;
      });
      child.once('error', reject);
      child.once('close', (code) => {
        if (code === 0) resolve(text);
        else reject(new Error(`wrk exited with ${code}: ${text}`));
      });
    });
    const line = /^WRK_SUMMARY (.*)$/m.exec(output)?.[1];
    if (line === undefined) throw new Error(`no summary in wrk's output: ${output}`);
    const summary = JSON.parse(line) as Summary;
    const ms = (us: number) => us / 1000;
    const requests = summary.requests;
    return {
      requests,
      rps: requests / (summary.durationUs / 1e6),
      p50: ms(summary.p50),
      p75: ms(summary.p75),
      p90: ms(summary.p90),
      p97_5: ms(summary.p97_5),
      p99: ms(summary.p99),
      max: ms(summary.max),
      errors:
        summary.connect + summary.read + summary.write + summary.status + summary.timeout + summary.refused,
      generatorCpu: (reapedChildrenCpuMicros() - cpuBefore) / Math.max(requests, 1),
    };
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}
