/**
 * PING8 email benchmark (separate from bench/run.ts): `npm run bench:mail -- [--messages N] [--seconds S]
 * [--rounds R] [--skip-tools] [--dialect sqlite|postgres] [--designs window,rounds] [--profile DIR]`.
 *
 * 1. Tool-call throughput over HTTP (in-process server, SQLite): preview_send, send_email in
 *    dry-run, and send_email queued (worker off, so only the enqueue transaction is measured).
 * 2. Worker delivery rate for N messages (default 10,000) to a local SMTP sink, beside a plain
 *    nodemailer loop with the same pooled transport in the same run; prints the ratio (target ≥ 0.8),
 *    and the main thread's CPU per message of each. `--designs window,rounds` adds the previous
 *    design in the same rounds: `window` (the runtime's worker, delivery-loop.ts: 16 in flight at
 *    all times, one transaction records 8 outcomes and leases the next 8), `rounds` (2 lanes ×
 *    lease 8 → send → settle, via deliverOnce). `--profile DIR`: CPU profiles of the timed
 *    sections only, summarised per contender at the end.
 */
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import nodemailer from 'nodemailer';
import { SMTPServer } from 'smtp-server';
import { systemClock } from '../src/lib/clock.js';
import { createLogger } from '../src/lib/logger.js';
import { smtpSender } from '../src/outbox/smtp-sender.js';
import { startOutboxWorker } from '../src/outbox/delivery-loop.js';
import { DEFAULT_BATCH, deliverOnce } from '../src/outbox/worker.js';
import { unsentIds } from '../test/support/outbox-check.js';
import { startTestServer } from '../test/support/server.js';
import { postToolCall } from '../test/support/tool-call.js';
import { summariseProfile } from './profile-summary.js';
import { sectionProfiler } from './section-profile.js';

const { values } = parseArgs({
  options: {
    messages: { type: 'string', default: '10000' },
    seconds: { type: 'string', default: '5' },
    rounds: { type: 'string', default: '3' },
    'skip-tools': { type: 'boolean', default: false },
    dialect: { type: 'string', default: 'sqlite' },
    designs: { type: 'string', default: 'window' },
    profile: { type: 'string' },
  },
});
const DIALECT = values.dialect === 'postgres' ? 'postgres' : 'sqlite';
/** --profile DIR: CPU profiles of the timed delivery sections only, summarised at the end. */
const profiler = sectionProfiler(values.profile);
const DESIGNS = values.designs.split(',').filter((d): d is Design => ['window', 'rounds'].includes(d));
const MESSAGES = Number(values.messages);
const SECONDS = Number(values.seconds);
const ROUNDS = Number(values.rounds);
const CONCURRENCY = 16;
/** Messages in flight for both delivery contenders (the worker: 2 lanes × DEFAULT_BATCH). */
const INFLIGHT = 2 * DEFAULT_BATCH;
const ALLOW = {
  WORKONWARD_MCP_RECIPIENT_ALLOWLIST: '@gitdate\\.ink$',
  WORKONWARD_MAIL_FROM: 'PING8 <mail@gitdate.ink>',
};

/** This process's memory (server, SMTP sink and load generator all live here), after a GC when exposed. */
function memory(): string {
  (globalThis as { gc?: () => void }).gc?.();
  const { rss, heapUsed } = process.memoryUsage();
  return `RSS ${(rss / 1e6).toFixed(0)} MB, heap ${(heapUsed / 1e6).toFixed(0)} MB`;
}

/** This process's main-thread CPU time so far, µs (utime + stime of its thread, clock ticks of 10 ms). */
function mainThreadCpuMicros(): number {
  const fields = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return (Number(fields[11]) + Number(fields[12])) * 10_000;
}

/** A delivery contender's figures: messages per second, and main-thread CPU per message. */
interface Measured {
  rate: number;
  mainCpuMicros: number;
}

/**
 * Times `work` (which delivers `count` messages): wall time, and the CPU the main thread spent —
 * what the event loop (requests, SMTP replies) loses; a thread's work is not counted. Profiled
 * under --profile.
 */
async function timed(label: string, count: number, work: () => Promise<unknown>): Promise<Measured> {
  const cpu = mainThreadCpuMicros();
  const started = performance.now();
  await profiler.around(label, work);
  const seconds = (performance.now() - started) / 1000;
  return { rate: count / seconds, mainCpuMicros: (mainThreadCpuMicros() - cpu) / count };
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] ?? 0;
}

async function callLoop(url: string, tool: string, args: (n: number) => Record<string, unknown>) {
  const latencies: number[] = [];
  let n = 0;
  let errors = 0;
  const end = Date.now() + SECONDS * 1000;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (Date.now() < end) {
        const started = performance.now();
        const response = await postToolCall(url, tool, args(n++));
        const text = await response.text();
        if (!response.ok || text.includes('"isError":true')) errors += 1;
        latencies.push(performance.now() - started);
      }
    }),
  );
  latencies.sort((a, b) => a - b);
  const rate = latencies.length / SECONDS;
  console.log(
    `${tool.padEnd(28)} ${rate.toFixed(0).padStart(6)} calls/s  p50 ${percentile(latencies, 50).toFixed(1)} ms  p99 ${percentile(latencies, 99).toFixed(1)} ms  errors ${errors}  ${memory()}`,
  );
}

async function toolThroughput() {
  const message = (n: number) => ({ to: ['person@gitdate.ink'], subject: `Bench ${n}`, text: `Body ${n}` });
  const dry = await startTestServer({
    env: { ...ALLOW, WORKONWARD_MCP_DRY_RUN: '1', WORKONWARD_MAIL_WORKER: '0' },
  });
  await callLoop(dry.url, 'preview_send', message);
  await callLoop(dry.url, 'send_email', (n) => ({ ...message(n), idempotency_key: `dry-${n}` }));
  await dry.stop();
  const queued = await startTestServer({
    env: {
      ...ALLOW,
      WORKONWARD_MAIL_WORKER: '0',
      WORKONWARD_MAIL_RATE_PER_MINUTE: '100000',
      WORKONWARD_MAIL_QUOTA_PER_DAY: '10000000',
    },
  });
  console.log(
    '(send_email below is queued: one transaction with claim, outbox row, audit entry and stored result)',
  );
  await callLoop(queued.url, 'send_email', (n) => ({ ...message(n), idempotency_key: `q-${n}` }));
  await queued.stop();
}

async function smtpSink(): Promise<{ url: string; count: () => number; close: () => Promise<void> }> {
  let received = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, _session, callback) {
      stream.on('data', () => undefined);
      stream.on('end', () => {
        received += 1;
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}`,
    count: () => received,
    close: () =>
      new Promise((resolve) => {
        server.close(() => {
          resolve();
        });
      }),
  };
}

async function plainNodemailer(url: string, count = MESSAGES): Promise<Measured> {
  const transport = nodemailer.createTransport({ url, pool: true, maxConnections: 4 } as never);
  let next = 0;
  const measured = await timed('plain', count, () =>
    Promise.all(
      Array.from({ length: INFLIGHT }, async () => {
        while (next < count) {
          const n = next++;
          await transport.sendMail({
            from: { name: 'PING8', address: 'mail@gitdate.ink' },
            to: ['person@gitdate.ink'],
            subject: `Plain ${n}`,
            text: `Body ${n}`,
            envelope: { from: 'mail@gitdate.ink', to: ['person@gitdate.ink'] },
          });
        }
      }),
    ),
  );
  transport.close();
  return measured;
}

/** `window`: the runtime's worker (delivery-loop.ts); `rounds`: the design before it (deliverOnce). */
type Design = 'window' | 'rounds';

async function workerRate(url: string, design: Design): Promise<Measured> {
  const server = await startTestServer({
    dialect: DIALECT,
    env: {
      ...ALLOW,
      WORKONWARD_MAIL_WORKER: '0',
      WORKONWARD_MAIL_RATE_PER_MINUTE: '100000',
      WORKONWARD_MAIL_QUOTA_PER_DAY: '10000000',
    },
  });
  const { store, mailDeps } = server.runtime;
  const principal = {
    tenantId: (await store.db.selectFrom('tenants').select('id').limit(1).executeTakeFirstOrThrow()).id,
    tenantSlug: 'x',
    tenantName: 'x',
    userId: null,
    clientId: null,
    scopes: [],
  };
  const { sendMessages } = await import('../src/domain/mail/send.js');
  for (let i = 0; i < MESSAGES; i += 20) {
    const items = Array.from({ length: Math.min(20, MESSAGES - i) }, (_, j) => ({
      message: { to: ['person@gitdate.ink'], subject: `Worker ${i + j}`, text: `Body ${i + j}` },
    }));
    await sendMessages({ ...mailDeps, clock: systemClock }, principal, {
      tool: 'send_batch_email',
      key: `w-${i}`,
      items,
    });
  }
  const sender = smtpSender(url, { timeoutMs: 30_000 });
  const options = {
    db: store.db,
    traits: store.traits,
    clock: systemClock,
    sender,
    logger: createLogger('silent'),
    maxAttempts: 8,
    retryBaseMs: 30_000,
    retryMaxMs: 3_600_000,
    pollMs: 10,
    dryRun: false,
    batch: DEFAULT_BATCH,
  };
  const measured = await timed(design, MESSAGES, async () => {
    if (design === 'rounds') {
      // The previous design: two lanes of rounds, one sends while the other records its outcomes.
      const lane = async () => {
        while ((await deliverOnce(options, 'bench')) > 0);
      };
      await Promise.all([lane(), lane()]);
    } else {
      // The runtime's worker, until its observer has seen every message recorded as sent.
      let recorded = 0;
      let allRecorded = () => undefined as void;
      const done = new Promise<void>((resolve) => (allRecorded = resolve));
      const observer = {
        settled: ({ sent }: { sent: number }) => {
          recorded += sent;
          if (recorded >= MESSAGES) allRecorded();
        },
      };
      const worker = startOutboxWorker({ ...options, lanes: 2, observer });
      await done;
      await worker.stop();
    }
  });
  const unsent = await unsentIds(store.db);
  if (unsent.length > 0) console.log(`WARNING: ${unsent.length} messages not sent`);
  await sender.close();
  await server.stop();
  return measured;
}

console.log(
  `# PING8 mail benchmark — ${SECONDS} s per tool scenario, ${CONCURRENCY} concurrent callers, ${MESSAGES} messages for delivery, ${DIALECT} store`,
);
if (!values['skip-tools']) await toolThroughput();
const sink = await smtpSink();
await plainNodemailer(sink.url, 300); // warm-up (JIT, sockets), not measured
// Interleaved rounds, medians compared: one run of each swings by ±10 % on a shared machine.
const plainRuns: Measured[] = [];
const workerRuns: Record<Design, Measured[]> = { window: [], rounds: [] };
const shown = (m: Measured | undefined) =>
  `${m?.rate.toFixed(0)} msgs/s (main thread ${m?.mainCpuMicros.toFixed(0)} µs CPU/msg)`;
for (let round = 1; round <= ROUNDS; round += 1) {
  plainRuns.push(await plainNodemailer(sink.url));
  const afterPlain = memory();
  for (const design of DESIGNS) workerRuns[design].push(await workerRate(sink.url, design));
  const workers = DESIGNS.map((d) => `${d} ${shown(workerRuns[d].at(-1))}`).join(', ');
  console.log(
    `round ${round}: plain ${shown(plainRuns.at(-1))} (${afterPlain}), worker ${workers} (${memory()})`,
  );
}
const median = (list: number[]) => [...list].sort((a, b) => a - b)[Math.floor(list.length / 2)] ?? 0;
const medians = (runs: Measured[]): Measured => ({
  rate: median(runs.map((m) => m.rate)),
  mainCpuMicros: median(runs.map((m) => m.mainCpuMicros)),
});
const plain = medians(plainRuns);
console.log(`plain nodemailer loop        ${shown(plain)} (medians of ${ROUNDS})`);
for (const design of DESIGNS) {
  const worker = medians(workerRuns[design]);
  console.log(
    `outbox worker, ${design.padEnd(6)} (lease→send→record, audit per message) ${shown(worker)} (medians of ${ROUNDS}), ratio to plain ${(worker.rate / plain.rate).toFixed(2)}${design === 'window' ? ' (target ≥ 0.80)' : ''}`,
  );
}
console.log(
  `SMTP sink received ${sink.count()} messages (expected ${(1 + DESIGNS.length) * ROUNDS * MESSAGES + 300})`,
);
await sink.close();
if (values.profile !== undefined)
  for (const label of ['plain', ...DESIGNS])
    console.log(
      `\n${label}: CPU profile of the timed sections\n${summariseProfile(`${values.profile}/${label}`, 30)}`,
    );
