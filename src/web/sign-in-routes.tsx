import type { Hono } from 'hono';
import { appendAudit } from '../domain/audit/audit-log.js';
import { RateLimiter } from '../domain/limits/rate-limiter.js';
import { CodePage, EmailPage, MessagePage } from './sign-in-pages.js';
import { joinOnFirstSignIn } from '../domain/accounts/first-run.js';
import { decideSignIn, normalizeEmail } from './sign-in-policy.js';
import type { WebDeps } from './web-deps.js';
import { formOf, only, safeNext, single, type WebKit } from './web-kit.js';

export const SIGN_IN_CODES_PER_ADDRESS = 5;

/** Sign-in with an emailed one-time code, and sign out. Answers never reveal who may sign in. */
export function signInRoutes(app: Hono, deps: WebDeps, kit: WebKit): void {
  const { db, clock, config } = deps;
  // Against mail bombing and code guessing across codes: 5 codes per address, 30 per client IP, per 10 minutes.
  const perAddress = new RateLimiter(db, clock, {
    name: 'sign-in-codes-per-address',
    limit: deps.signInCodesPerAddress ?? SIGN_IN_CODES_PER_ADDRESS,
    windowMs: 10 * 60_000,
  });
  const perIp = new RateLimiter(db, clock, {
    name: 'sign-in-codes-per-ip',
    limit: 30,
    windowMs: 10 * 60_000,
  });
  const forbidden = (devMailbox: boolean) => (
    <MessagePage
      title="Request refused"
      message="The form expired or came from another site. Go back, reload and try again."
      devMailbox={devMailbox}
    />
  );

  app.get('/login', async (c) => {
    const next = safeNext(c.req.query('next'));
    if ((await kit.sessions.current(c)) !== undefined) return c.redirect(next, 303);
    return c.html(<EmailPage csrf={kit.csrf.token(c)} next={next} devMailbox={kit.devMailbox} />);
  });

  app.post('/login', async (c) => {
    const form = await formOf(c);
    if (!kit.csrf.verify(c, only(form.csrf))) return c.html(forbidden(kit.devMailbox), 403);
    const next = safeNext(single(form.next));
    const email = normalizeEmail(single(form.email));
    if (email === undefined)
      return c.html(
        <EmailPage
          csrf={kit.csrf.token(c)}
          next={next}
          devMailbox={kit.devMailbox}
          error="Enter an email address."
        />,
        400,
      );
    const ip = kit.clientIp(c);
    // Every address costs the request the same two counter updates and one durable queued row;
    // who may sign in is decided, and the code issued and mailed, only after the answer (status,
    // page and time alike), by whichever instance leases the row.
    const limited = !(await perAddress.take(email)).allowed || !(await perIp.take(ip)).allowed;
    await deps.signInQueue.enqueue(email, limited ? 'limited' : undefined);
    return c.html(
      <CodePage csrf={kit.csrf.token(c)} next={next} email={email} devMailbox={kit.devMailbox} />,
    );
  });

  app.post('/login/verify', async (c) => {
    const form = await formOf(c);
    if (!kit.csrf.verify(c, only(form.csrf))) return c.html(forbidden(kit.devMailbox), 403);
    const next = safeNext(single(form.next));
    const email = normalizeEmail(single(form.email)) ?? '';
    const code = (single(form.code) ?? '').replace(/\s+/g, '');
    const decision = email === '' ? undefined : await decideSignIn(config, db, email, deps.frontAccount);
    const redeemed = decision?.allowed === true && (await kit.codes.redeem(email, code));
    // The first sign-in of an allowed address on a deployment with one tenant joins it (issue 7 item 3).
    const userId =
      redeemed && decision.join !== undefined
        ? await joinOnFirstSignIn(db, clock, { email, ...decision.join })
        : redeemed
          ? decision.userId
          : undefined;
    await appendAudit(db, clock, {
      tenantId: decision?.auditTenantId ?? null,
      userId: userId ?? null,
      clientId: null,
      action: 'web.sign_in',
      decision: userId !== undefined ? 'allowed' : 'denied',
      reason: userId !== undefined ? null : 'wrong, expired or used code',
      details: {
        domain: email.slice(email.indexOf('@') + 1),
        ...(userId !== undefined &&
          decision?.allowed === true &&
          decision.join !== undefined && {
            joined: decision.join.role,
          }),
      },
    });
    if (userId === undefined)
      return c.html(
        <CodePage
          csrf={kit.csrf.token(c)}
          next={next}
          email={email}
          devMailbox={kit.devMailbox}
          error="That code is wrong, expired or already used."
        />,
        400,
      );
    await kit.sessions.start(c, userId, null);
    return c.redirect(next, 303);
  });

  app.post('/logout', async (c) => {
    const form = await formOf(c);
    if (!kit.csrf.verify(c, only(form.csrf))) return c.html(forbidden(kit.devMailbox), 403);
    const user = await kit.sessions.current(c);
    await kit.sessions.end(c, user);
    if (user !== undefined)
      await appendAudit(db, clock, {
        tenantId: null,
        userId: user.userId,
        clientId: null,
        action: 'web.sign_out',
        decision: 'allowed',
      });
    return c.redirect('/login', 303);
  });
}
