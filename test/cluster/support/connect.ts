import { expect } from 'vitest';
import type { SmtpRecorder } from '../../support/smtp-recorder.js';
import {
  ALEX,
  LOOPBACK_REDIRECT,
  consent,
  pkce,
  registerPublicClient,
  tokenRequest,
} from '../../oauth/support/flow.js';
import { UserAgent, formField } from '../../oauth/support/user-agent.js';

/** The steps of a ChatGPT-style connection, in order; each may be routed to its own instance. */
export const STEPS = [
  'register',
  'send code',
  'verify code',
  'authorize',
  'consent',
  'token',
  'refresh',
] as const;
export type Step = (typeof STEPS)[number];

/** The sign-in code mailed to `email` after `since` messages had arrived. */
async function mailedCode(smtp: SmtpRecorder, email: string, since: number): Promise<string> {
  const literal = email.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  // A message that names `email` anywhere and carries a code.
  const addressed = new RegExp(`^(?=[\\s\\S]*${literal})[\\s\\S]*sign-in code is (\\d{8})`);
  const [, code = ''] = await smtp.waitForMatch(addressed, since, 20_000);
  return code;
}

/**
 * Registration, sign-in by emailed code, authorization, consent, code exchange and one refresh,
 * through the real pages and endpoints at `url`; `route(step)` runs before each step.
 */
export async function connectClient(
  url: string,
  smtp: SmtpRecorder,
  options: { scopes: string[]; route?: (step: Step) => void },
) {
  const route = options.route ?? (() => undefined);
  const server = { url };
  route('register');
  const clientId = await registerPublicClient(server);
  const ua = new UserAgent(url);
  route('send code');
  const csrf = formField(await (await ua.get('/login')).text(), 'csrf');
  const since = smtp.raw.length;
  expect(
    (await ua.post('/login', { csrf, next: '/settings/developer/connected-apps', email: ALEX })).status,
  ).toBe(200);
  const code = await mailedCode(smtp, ALEX, since);
  route('verify code');
  const verified = await ua.post('/login/verify', {
    csrf,
    next: '/settings/developer/connected-apps',
    email: ALEX,
    code,
  });
  expect(verified.status).toBe(303);
  const { verifier, challenge } = pkce();
  route('authorize');
  const back = await consent(
    server,
    ua,
    { clientId, challenge, scope: options.scopes.join(' ') },
    { tenant: 'Summit Ridge Builders', scopes: options.scopes },
    () => {
      route('consent');
    },
  );
  route('token');
  const tokens = await tokenRequest(server, {
    grant_type: 'authorization_code',
    code: back.searchParams.get('code') ?? '',
    code_verifier: verifier,
    client_id: clientId,
    redirect_uri: LOOPBACK_REDIRECT,
    resource: `${url}/mcp`,
  });
  expect(tokens.status, JSON.stringify(tokens.body)).toBe(200);
  route('refresh');
  const refreshed = await tokenRequest(server, {
    grant_type: 'refresh_token',
    refresh_token: tokens.body.refresh_token ?? '',
    client_id: clientId,
    resource: `${url}/mcp`,
  });
  expect(refreshed.status, JSON.stringify(refreshed.body)).toBe(200);
  return { clientId, ua, accessToken: refreshed.body.access_token ?? '' };
}
