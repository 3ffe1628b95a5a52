import { expect, it } from 'vitest';
import { DEFAULT_BATCH } from '../../../src/outbox/worker.js';
import type { SmtpRecorder } from '../../support/smtp-recorder.js';
import type { Cluster } from './cluster.js';
import { connectClient } from './connect.js';
import { type LoadReport, mcpPost, sendEmailCall, startLoad } from './load.js';
import { drained, outboxFacts } from '../../support/outbox-check.js';
import type { PrivatePostgres } from './private-postgres.js';

interface Context {
  cluster: Cluster;
  smtp: SmtpRecorder;
  postgres: PrivatePostgres;
}

const CLIENTS = 3;

const until = async (condition: () => boolean | Promise<boolean>, timeoutMs = 30_000) => {
  for (const deadline = Date.now() + timeoutMs; !(await condition());) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
};

/** Retries every unanswered send with its own key until acknowledged, as a model would. */
async function retryUnanswered(url: string, token: string, report: LoadReport): Promise<Map<string, string>> {
  const acknowledged = new Map(report.acknowledged);
  for (const key of report.unanswered) {
    for (let tries = 0; !acknowledged.has(key); tries += 1) {
      if (tries > 60) throw new Error(`send ${key} never acknowledged`);
      const { message } = await mcpPost(url, sendEmailCall(key), { authorization: `Bearer ${token}` }).catch(
        () => ({ message: undefined }),
      );
      const id = (message?.result as { structuredContent?: { message_id?: string } } | undefined)
        ?.structuredContent?.message_id;
      if (id === undefined) await new Promise((resolve) => setTimeout(resolve, 500));
      else acknowledged.set(key, id);
    }
  }
  return acknowledged;
}

/** Every acknowledged send is in the outbox under its key, sent, with its audit pairs; returns duplicate deliveries. */
async function checkSends(
  context: Context,
  prefix: string,
  acknowledged: Map<string, string>,
): Promise<number> {
  await drained(context.cluster.databaseUrl);
  const facts = await outboxFacts(context.cluster.databaseUrl);
  const lost = [...acknowledged].filter(([key, id]) => facts.byKey.get(key) !== id);
  expect(lost).toEqual([]);
  expect(facts.tornEnqueues).toEqual([]);
  expect(facts.tornDeliveries).toEqual([]);
  const rows = facts.rows.filter((r) => r.idempotency_key.startsWith(`${prefix}-`));
  const mine = (id: string) => rows.some((r) => id.startsWith(`<${r.id}@`));
  await until(() => new Set(context.smtp.messageIds.filter(mine)).size === rows.length, 60_000);
  const delivered = context.smtp.messageIds.filter(mine);
  return delivered.length - new Set(delivered).size;
}

/** The fault scenarios, in order, on one running cluster. */
export function faultScenarios(context: () => Context): void {
  let token = '';
  const load = (prefix: string) =>
    startLoad({
      url: context().cluster.url,
      clients: CLIENTS,
      sendEvery: 3,
      maxRequests: 20_000,
      keyPrefix: prefix,
      pauseMs: 20,
      headers: { authorization: `Bearer ${token}` },
    });

  const connected = async () => {
    const { cluster, smtp } = context();
    if (token === '')
      ({ accessToken: token } = await connectClient(cluster.url, smtp, {
        scopes: ['projects:read', 'email:send'],
      }));
  };

  it('a rolling restart under load fails 0 requests and sends nothing twice', async () => {
    const { cluster } = context();
    await connected();
    const running = load('roll');
    await until(() => running.answered() > 30);
    for (const member of cluster.instances) {
      const exit = member.stop();
      // Still serving during the drain, but telling the balancer to stop routing here.
      let readiness: unknown;
      await until(async () => {
        const answer = await fetch(`${member.url}/readyz`);
        readiness = await answer.json();
        return answer.status === 503;
      }, 1500);
      expect(readiness).toMatchObject({ status: 'draining' });
      expect(await exit, member.log().slice(-2000)).toBe(0);
      await cluster.settled();
      await member.start();
      await cluster.settled();
    }
    const before = running.answered();
    await until(() => running.answered() > before + 30);
    const report = await running.stop();
    const duplicates = await checkSends(context(), 'roll', new Map(report.acknowledged));
    console.info(
      `rolling restart: ${report.requests} requests, ${report.failures.length} failed, ${report.acknowledged.size} sends, ${duplicates} duplicate deliveries, served ${JSON.stringify(report.servedBy)}`,
    );
    expect(report.failures).toEqual([]);
    expect(Object.keys(report.servedBy).sort()).toEqual(['instance1', 'instance2', 'instance3']);
    // Graceful stops settle their leased round before exiting.
    expect(duplicates).toBe(0);
  }, 240_000);

  it('kill -9 of one instance fails at most its requests in flight and loses no acknowledged send', async () => {
    const { cluster } = context();
    const victim = cluster.instances[1];
    await connected();
    const running = load('kill');
    await until(() => running.answered() > 60);
    await victim?.kill();
    const afterKill = running.answered();
    // The balancer routes around it: the load goes on at once through the other two.
    await until(() => running.answered() > afterKill + 60);
    await cluster.settled();
    await victim?.start();
    await cluster.settled();
    const report = await running.stop();
    const acknowledged = await retryUnanswered(cluster.url, token, report);
    const duplicates = await checkSends(context(), 'kill', acknowledged);
    console.info(
      `kill -9: ${report.requests} requests, ${report.failures.length} failed (${JSON.stringify(report.failures.map((f) => f.kind))}), ${acknowledged.size} sends acknowledged, 0 lost, ${duplicates} duplicate deliveries`,
    );
    // Each client has one request in flight at a time: only those on the killed instance can fail.
    expect(report.failures.length).toBeLessThanOrEqual(CLIENTS);
    // At-least-once: only messages the mail server accepted before their `sent` committed, at
    // most one round of each of the killed worker's lanes.
    expect(duplicates).toBeLessThanOrEqual(2 * DEFAULT_BATCH);
  }, 240_000);

  it('PostgreSQL restarted under load: every instance reports not ready, then recovers without a restart', async () => {
    const { cluster, postgres } = context();
    await connected();
    const running = load('pg');
    await until(() => running.answered() > 60);
    postgres.stop();
    for (const member of cluster.instances) {
      expect(member.running, member.log().slice(-3000)).toBe(true);
      await until(async () => (await fetch(`${member.url}/readyz`)).status === 503, 15_000);
    }
    await until(
      async () => Object.values(await cluster.balancer.status()).every((s) => s === 'DOWN'),
      15_000,
    );
    postgres.start();
    await cluster.settled(30_000);
    expect(cluster.instances.every((member) => member.running)).toBe(true);
    const back = running.answered();
    await until(() => running.answered() > back + 60);
    const report = await running.stop();
    const acknowledged = await retryUnanswered(cluster.url, token, report);
    const duplicates = await checkSends(context(), 'pg', acknowledged);
    console.info(
      `PostgreSQL restart: ${report.requests} requests, ${report.failures.length} refused while it was down, ${acknowledged.size} sends acknowledged, 0 lost, ${duplicates} duplicate deliveries`,
    );
    // A round whose `sent` could not commit while the database was away is sent again once its
    // lease lapses: at most one round of each lane of each instance.
    expect(duplicates).toBeLessThanOrEqual(cluster.instances.length * 2 * DEFAULT_BATCH);
  }, 240_000);
}
