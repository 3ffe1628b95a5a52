import { simpleParser } from 'mailparser';
import { describe, expect, it } from 'vitest';
import { compileAllowlist } from '../../src/domain/mail/allowlist.js';
import { checkMessage, type MessageInput } from '../../src/domain/mail/message.js';
import { parseSender } from '../../src/domain/mail/policy.js';
import { composeRaw } from '../../src/outbox/compose.js';
import { outgoingMail } from '../../src/outbox/outgoing.js';
import { sendEmailTool } from '../../src/tools/send-email.js';

const allowlist = compileAllowlist('@gitdate\\.ink$');
const from = { name: 'PING8', address: 'mail@gitdate.ink' };
const BREAKS = [
  '\r',
  '\n',
  '\r\n',
  '\n\r',
  '\0',
  '\u0085',
  '\u2028',
  '\u2029',
  '%0d%0a',
  '%0A',
  '=0D=0A',
  '\\r\\n',
  '&#13;&#10;',
  '=?utf-8?q?=0D=0A?=',
  '=?utf-8?b?DQo=?=',
];
const INJECTED = [
  'Bcc: attacker@evil.com',
  'To: attacker@evil.com',
  'Cc: x@evil.com',
  'Content-Type: text/html',
  'X-Injected: 1',
];
const PAYLOADS = BREAKS.flatMap((br) => INJECTED.flatMap((inj) => [`Hello${br}${inj}`, `${br}${inj}`]));

const base: MessageInput = { to: ['person@gitdate.ink'], subject: 'Hello', text: 'Body' };
const FIELDS: Record<string, (payload: string) => MessageInput> = {
  subject: (p) => ({ ...base, subject: p }),
  'to-name': (p) => ({ ...base, to: [{ name: p, address: 'person@gitdate.ink' }] }),
  'cc-name': (p) => ({ ...base, cc: [{ name: p, address: 'other@gitdate.ink' }] }),
  'reply-to name': (p) => ({ ...base, reply_to: { name: p, address: 'person@gitdate.ink' } }),
  'reply-to address': (p) => ({ ...base, reply_to: `person@gitdate.ink${p}` }),
  'to address': (p) => ({ ...base, to: [`person@gitdate.ink${p}`] }),
};
const SEND_ARGS = { to: ['person@gitdate.ink'], subject: 'Hello', text: 'Body', idempotency_key: 'k' };

describe('header injection', () => {
  it(`refuses all ${PAYLOADS.length} payloads in every message field at validation`, () => {
    expect(PAYLOADS.length).toBeGreaterThanOrEqual(100);
    const injected: string[] = [];
    for (const [field, make] of Object.entries(FIELDS))
      for (const payload of PAYLOADS)
        if (checkMessage(make(payload), from, allowlist).ok)
          injected.push(`${field}: ${JSON.stringify(payload)}`);
    expect(injected).toEqual([]);
  });

  it('refuses every payload in the configured sender name at start-up', () => {
    for (const payload of PAYLOADS)
      expect(() => parseSender(`PING8 ${payload} <mail@gitdate.ink>`), JSON.stringify(payload)).toThrow();
  });

  it('has no field for custom headers, attachments, template variables, from or bcc: passing one is an error', () => {
    for (const extra of [
      { headers: { 'X-Injected': `a\r\nBcc: attacker@evil.com` } },
      { attachments: [{ filename: `a\r\nBcc: attacker@evil.com.txt`, content: 'x' }] },
      { variables: { name: `a\r\nBcc: attacker@evil.com` } },
      { from: 'attacker@evil.com' },
      { bcc: ['attacker@evil.com'] },
    ])
      expect(sendEmailTool.input.safeParse({ ...SEND_ARGS, ...extra }).success, Object.keys(extra)[0]).toBe(
        false,
      );
    expect(sendEmailTool.input.safeParse(SEND_ARGS).success).toBe(true);
  });

  it('a message with tricky but legal names parses back with exactly the expected headers and recipients', async () => {
    const checked = checkMessage(
      {
        to: [{ name: 'Reyes, Dana "D" <boss@evil.com>', address: 'dana@gitdate.ink' }],
        cc: ['ops@gitdate.ink'],
        reply_to: { name: 'Office; Bcc: attacker@evil.com', address: 'office@gitdate.ink' },
        subject: 'Bid #123: follow-up; Bcc: attacker@evil.com',
        text: 'Line one\r\nBcc: attacker@evil.com\r\n',
      },
      from,
      allowlist,
    );
    expect(checked.problems).toEqual([]);
    const { raw } = await composeRaw(outgoingMail(checked.message, checked.envelopeTo, 'msg_x'));
    const parsed = await simpleParser(raw);
    const names = [...parsed.headers.keys()].sort();
    expect(names).toEqual([
      'cc',
      'content-transfer-encoding',
      'content-type',
      'date',
      'from',
      'message-id',
      'mime-version',
      'reply-to',
      'subject',
      'to',
    ]);
    const addresses = (field: typeof parsed.to) =>
      (field === undefined ? [] : Array.isArray(field) ? field : [field]).flatMap((a) =>
        a.value.map((v) => v.address),
      );
    expect(addresses(parsed.to)).toEqual(['dana@gitdate.ink']);
    expect(addresses(parsed.cc)).toEqual(['ops@gitdate.ink']);
    expect(addresses(parsed.replyTo)).toEqual(['office@gitdate.ink']);
    expect(parsed.headers.has('bcc')).toBe(false);
    expect(checked.envelopeTo).toEqual(['dana@gitdate.ink', 'ops@gitdate.ink']);
  });
});
