import { hostHeaderValidationResponse, localhostAllowedHostnames } from '@modelcontextprotocol/server';
import type { Hono } from 'hono';
import { listDevMailbox } from '../outbox/dev-mailbox.js';
import { readableBody } from '../outbox/readable-body.js';
import { DevMailboxPage } from './settings-pages.js';
import type { WebDeps } from './web-deps.js';

/** The development mailbox: the 20 latest messages the server queued, sign-in codes included (loopback only). */
export function devMailboxRoutes(app: Hono, deps: WebDeps): void {
  app.get('/dev/mailbox', async (c) => {
    // DNS rebinding: a page on another name that resolves to 127.0.0.1 must not read the codes.
    const wrongHost = hostHeaderValidationResponse(c.req.raw, localhostAllowedHostnames());
    if (wrongHost !== undefined) return wrongHost;
    const rows = await listDevMailbox(deps.db, 20);
    const messages = rows.map((r) => ({
      id: r.id,
      to: (JSON.parse(r.envelope_to) as string[]).join(', '),
      subject: r.subject,
      at: r.created_at,
      body: readableBody(r.raw),
    }));
    return c.html(<DevMailboxPage messages={messages} />);
  });
}
