import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_BATCH } from '../../src/outbox/worker.js';
import { drained, outboxFacts } from '../support/outbox-check.js';
import { testServerEnv } from '../support/server.js';
import { availableDialects, createTestDatabase } from '../support/stores.js';
import { type SmtpRecorder, startSmtpRecorder } from '../support/smtp-recorder.js';
import { postToolCall } from '../support/tool-call.js';

const dialects = await availableDialects();

/**
 * kill -9 of a real server process, repeatedly, during a stream of sends (one process; SQLite and PostgreSQL).
 * A client retries every unacknowledged send with the same key, as a model would.
 */
const KILLS = 6;
/**
 * New keys per round: bounds the test's length on a fast machine and spreads the sends over every
 * round, so each kill lands while sends or deliveries are in flight.
 */
const SENDS_PER_ROUND = 60;

let smtp: SmtpRecorder;
let dir: string;
beforeAll(async () => {
  smtp = await startSmtpRecorder();
  dir = mkdtempSync(path.join(tmpdir(), 'workonward-kill-'));
});
afterAll(async () => {
  await smtp.close();
  rmSync(dir, { recursive: true, force: true });
});

function startChild(
  databaseUrl: string,
): Promise<{ child: ChildProcess; url: string; exited: Promise<unknown> }> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', path.join(import.meta.dirname, 'fixtures/child-server.ts')],
    {
      env: {
        ...process.env,
        ...testServerEnv(databaseUrl),
        WORKONWARD_SMTP_URL: smtp.url,
        WORKONWARD_MCP_RECIPIENT_ALLOWLIST: '@gitdate\\.ink$',
        WORKONWARD_MAIL_FROM: 'PING8 <mail@gitdate.ink>',
        WORKONWARD_MAIL_POLL_MS: '20',
        // Short, so rows of a killed worker are re-leased within the test; the SMTP silence
        // timeout is a quarter of it (1 s), generous for a local recorder on a loaded CI machine.
        WORKONWARD_MAIL_LEASE_MS: '4000',
        WORKONWARD_MAIL_CLAIM_MS: '2000',
        WORKONWARD_MAIL_RATE_PER_MINUTE: '100000',
        // The stream is bounded by MAX_SENDS below; the daily quota must not be what stops it.
        WORKONWARD_MAIL_QUOTA_PER_DAY: '100000',
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const exited = new Promise((resolve) => child.once('exit', resolve));
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
    lines.once('line', (line) => {
      resolve({ child, url: (JSON.parse(line) as { url: string }).url, exited });
    });
    child.once('exit', (code) => {
      reject(new Error(`child exited early (${String(code)})`));
    });
  });
}

/** One tools/call over plain JSON-RPC (stateless 2026 era needs no session), or undefined if the server died. */
async function send(url: string, key: string): Promise<string | undefined> {
  try {
    const response = await postToolCall(
      url,
      'send_email',
      { to: ['person@gitdate.ink'], subject: key, text: 'x', idempotency_key: key },
      { signal: AbortSignal.timeout(20_000) },
    );
    const text = await response.text();
    const match = /"message_id":"(msg_[^"]+)"/.exec(text);
    if (match === null) console.error('send without message_id', key, response.status, text.slice(0, 300));
    return match?.[1];
  } catch {
    return undefined;
  }
}

describe.each(dialects)('kill -9 during a stream of sends on %s', (dialect) => {
  it(`loses no accepted send across ${KILLS} kills; outbox and audit agree; duplicates only in the lease window`, async () => {
    const database =
      dialect === 'sqlite'
        ? { url: `sqlite:${path.join(dir, 'kill.sqlite')}`, dispose: () => Promise.resolve() }
        : await createTestDatabase(dialect);
    const firstDelivery = smtp.messageIds.length;
    const acked = new Map<string, string>();
    const pending: string[] = [];
    let next = 0;
    for (let round = 0; round <= KILLS; round += 1) {
      const { child, url, exited } = await startChild(database.url);
      const deadline = Date.now() + (round === KILLS ? 1500 : 200 + Math.random() * 400);
      const roundLimit = next + SENDS_PER_ROUND;
      const streams = Array.from({ length: 4 }, async () => {
        while (Date.now() < deadline && child.exitCode === null) {
          const key = pending.shift() ?? (next < roundLimit ? `kill-${next++}` : undefined);
          if (key === undefined) break;
          const id = await send(url, key);
          if (id === undefined) pending.push(key);
          else {
            if (acked.has(key)) expect(acked.get(key)).toBe(id);
            acked.set(key, id);
          }
        }
      });
      if (round < KILLS) {
        setTimeout(() => child.kill('SIGKILL'), deadline - Date.now());
        await Promise.all(streams);
        await exited;
      } else {
        await Promise.all(streams);
        // Retry whatever was never acknowledged, then let the worker drain the outbox.
        // A key whose claim died with a killed process answers idempotency_in_progress until the
        // claim expires (WORKONWARD_MAIL_CLAIM_MS), so keep retrying with the same key, as a client would.
        for (const key of pending.splice(0)) {
          let id: string | undefined;
          for (let tries = 0; id === undefined && tries < 60; tries += 1) {
            id = await send(url, key);
            if (id === undefined) await new Promise((resolve) => setTimeout(resolve, 1000));
          }
          acked.set(key, id ?? 'lost');
        }
        try {
          await drained(database.url, 60_000, 50);
        } finally {
          child.kill('SIGTERM');
          await exited;
        }
        const { rows, byKey, queuedIds, sentAudits } = await outboxFacts(database.url);

        expect([...acked.values()]).not.toContain('lost');
        const keyedTwice = rows.filter((r) => byKey.get(r.idempotency_key) !== r.id);
        expect(keyedTwice).toEqual([]); // one row per key, ever
        for (const [key, id] of acked) expect(byKey.get(key), key).toBe(id); // no accepted send lost
        expect(rows.every((r) => r.status === 'sent')).toBe(true);
        expect(queuedIds.sort()).toEqual(rows.map((r) => r.id).sort()); // audit 1:1 with enqueued rows
        expect(sentAudits).toHaveLength(rows.length);

        const ids = new Set(rows.map((r) => `<${r.id}@gitdate.ink>`));
        await smtp.waitForDistinct(rows.length, { among: (id) => ids.has(id), timeoutMs: 30_000 });
        const delivered = smtp.messageIds.slice(firstDelivery);
        await database.dispose();
        expect(delivered.every((d) => ids.has(d))).toBe(true);
        expect(new Set(delivered).size).toBe(rows.length); // every row delivered
        const duplicates = delivered.length - new Set(delivered).size;
        // Only messages the mail server had accepted but whose `sent` status had not committed
        // when a kill hit are sent again: at most the messages in flight (2 lanes × batch) per kill.
        expect(duplicates).toBeLessThanOrEqual(KILLS * 2 * DEFAULT_BATCH);
        console.info(
          `kill -9 on ${dialect}: ${KILLS} kills, ${acked.size} acknowledged sends, ${rows.length} outbox rows, ${duplicates} duplicate deliveries`,
        );
      }
    }
  }, 240_000);
});
