import { Hono } from 'hono';
import { expect, it } from 'vitest';
import type { Config } from '../../src/config/config.js';
import { KeyRing } from '../../src/lib/secrets.js';
import { cookieJar } from '../../src/web/cookies.js';
import { csrfGuard } from '../../src/web/csrf.js';

it('a page that asks for the form token twice on a cookie-less request mints one secret, not two', async () => {
  const issuer = 'http://127.0.0.1:8787';
  const guard = csrfGuard(new KeyRing('cd'.repeat(32)), cookieJar({ oauth: { issuer } } as Config), issuer);
  const app = new Hono();
  app.get('/form', (c) => c.json([guard.token(c), guard.token(c)]));
  app.post('/form', async (c) => c.json(guard.verify(c, (await c.req.parseBody()).csrf)));

  const page = await app.request('/form');
  const [first, second] = (await page.json()) as string[];
  expect(second).toBe(first);
  const cookies = page.headers.getSetCookie();
  expect(cookies).toHaveLength(1);
  const submitted = await app.request('/form', {
    method: 'POST',
    headers: { cookie: cookies[0]?.split(';')[0] ?? '' },
    body: new URLSearchParams({ csrf: first ?? '' }),
  });
  expect(await submitted.json()).toBe(true);
});
