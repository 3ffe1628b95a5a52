import { afterAll, describe, expect, it } from 'vitest';
import { ALEX } from '../oauth/support/flow.js';
import { freePort, startOAuthServer, type OAuthTestServer } from '../oauth/support/oauth-server.js';
import { formField, UserAgent } from '../oauth/support/user-agent.js';
import { ManualClock } from '../support/clock.js';
import { TEST_NOW } from '../support/server.js';
import { startTestSmtpServer } from '../support/smtp.js';
import { availableDialects, createTestDatabase } from '../support/stores.js';

/**
 * Issue 9, finding 3: a sign-in code is a durable row, not an in-process job. Instance A answers
 * `POST /login` while its mail server is down, tries once, and goes away; instance B, on the same
 * database, delivers the code later (with a fresh code: none is ever stored) and it signs in.
 */
describe.each(await availableDialects())(
  'a sign-in code survives the instance that queued it, on %s',
  (dialect) => {
    const stops: (() => Promise<void>)[] = [];
    afterAll(async () => {
      for (const stop of stops.reverse()) await stop();
    });

    it('is mailed by another instance after the first is gone, and signs in', async () => {
      const database = await createTestDatabase(dialect);
      stops.push(() => database.dispose());
      const clock = new ManualClock(TEST_NOW);
      const a: OAuthTestServer = await startOAuthServer({
        databaseUrl: database.url,
        clock,
        env: { WORKONWARD_SMTP_URL: `smtp://127.0.0.1:${String(await freePort())}` },
      });
      const ua = new UserAgent(a.url);
      const csrf = formField(await (await ua.get('/login')).text(), 'csrf');
      expect((await ua.post('/login', { csrf, next: '/', email: ALEX })).status).toBe(200);
      await a.runtime.signInQueue.settled();
      const db = a.runtime.store.db;
      const queued = await db.selectFrom('sign_in_mail').selectAll().execute();
      expect(queued.map((r) => [r.email, r.status, r.attempts])).toEqual([[ALEX, 'failed', 1]]);
      // Nothing secret in the queue: the address and the state, never a code. (The row id is left
      // out of the look: a random UUID holds eight digits in a row often enough to fail a run.)
      const withoutIds = queued.map((row) => ({ ...row, id: 'uuid' }));
      expect(JSON.stringify(withoutIds)).not.toMatch(/\d{8}/);
      await a.stop();

      const smtp = await startTestSmtpServer();
      stops.push(() => smtp.close());
      clock.advance(60 * 60_000); // past any retry delay
      const b = await startOAuthServer({
        databaseUrl: database.url,
        clock,
        env: { WORKONWARD_SMTP_URL: smtp.url },
      });
      stops.push(() => b.stop());
      const [mail] = await smtp.waitFor(1, 20_000);
      expect(mail?.envelope.to).toEqual([ALEX]);
      const code = /sign-in code is (\d{8})/.exec(mail?.parsed.text ?? '')?.[1];
      expect(code).toMatch(/^\d{8}$/);
      await b.runtime.signInQueue.settled();
      const onB = new UserAgent(b.url);
      const csrfB = formField(await (await onB.get('/login')).text(), 'csrf');
      const verified = await onB.post('/login/verify', {
        csrf: csrfB,
        next: '/',
        email: ALEX,
        code: code ?? '',
      });
      expect(verified.status).toBe(303);
    }, 120_000);
  },
);
