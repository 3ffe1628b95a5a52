import type { Hono } from 'hono';
import { appendAudit } from '../domain/audit/audit-log.js';
import { RateLimiter } from '../domain/limits/rate-limiter.js';
import { CodePage, EmailPage, MessagePage } from './sign-in-pages.js';
import { normalizeEmail, signInUser } from './sign-in-policy.js';
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
    // Every address costs the request the same two counter updates; who may sign in is decided,
    // and the code issued and mailed, only after the answer (status, page and time alike).
    const limited = !(await perAddress.take(email)).allowed || !(await perIp.take(ip)).allowed;
    deps.backgroundMail.enqueue(async () => {
      const user = limited ? undefined : await signInUser(config, db, email);
      if (user !== undefined) {
        const code = await kit.codes.issue(email);
        await deps.signInMail(email, code);
      }
      await appendAudit(db, clock, {
        tenantId: null,
        userId: user?.id ?? null,
        clientId: null,
        action: 'web.sign_in_code',
        decision: user === undefined ? 'denied' : 'sent',
        reason: limited ? 'rate limited' : user === undefined ? 'address not allowed or unknown' : null,
        details: { domain: email.slice(email.indexOf('@') + 1) },
      });
    });
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
    const user = email === '' ? undefined : await signInUser(config, db, email);
    const redeemed = user !== undefined && (await kit.codes.redeem(email, code));
    await appendAudit(db, clock, {
      tenantId: null,
      userId: user?.id ?? null,
      clientId: null,
      action: 'web.sign_in',
      decision: redeemed ? 'allowed' : 'denied',
      reason: redeemed ? null : 'wrong, expired or used code',
    });
    if (user === undefined || !redeemed)
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
    await kit.sessions.start(c, user.id, null);
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
