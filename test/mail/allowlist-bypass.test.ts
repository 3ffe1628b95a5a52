import { simpleParser } from 'mailparser';
import nodemailer from 'nodemailer';
import { describe, expect, it } from 'vitest';
import { AllowlistConfigError, compileAllowlist } from '../../src/domain/mail/allowlist.js';
import { checkMessage } from '../../src/domain/mail/message.js';
import { checkRecipient, type RecipientInput } from '../../src/domain/mail/recipients.js';
import { messageOptions } from '../../src/outbox/compose.js';
import { outgoingMail } from '../../src/outbox/outgoing.js';
import { BYPASS_VECTORS, OTHER_VALID, VALID_CONTROLS } from './bypass-corpus.js';

const allowlist = compileAllowlist('@gitdate\\.ink$');
const from = { name: 'PING8', address: 'mail@gitdate.ink' };
const vectors = Object.entries(BYPASS_VECTORS).flatMap(([category, list]) =>
  list.map((input) => ({ category, input })),
);

/** What nodemailer would put in the SMTP envelope and the To: header for one recipient entry. */
async function differential(entry: RecipientInput) {
  const checked = checkMessage({ to: [entry], subject: 's', text: 't' }, from, allowlist);
  const transport = nodemailer.createTransport({ streamTransport: true, buffer: true });
  const info = (await transport.sendMail(
    messageOptions(outgoingMail(checked.message, checked.envelopeTo, 'x')),
  )) as {
    envelope: { to: string[] };
    message: Buffer;
  };
  const parsed = await simpleParser(info.message);
  const to =
    parsed.to === undefined
      ? []
      : (Array.isArray(parsed.to) ? parsed.to : [parsed.to]).flatMap((a) => a.value);
  return { checked, envelope: info.envelope.to, header: to.map((a) => a.address ?? '') };
}

describe('recipient allowlist against bypass attempts', () => {
  it(`has at least 200 vectors across the reference's categories (${vectors.length})`, () => {
    expect(vectors.length).toBeGreaterThanOrEqual(200);
    expect(Object.keys(BYPASS_VECTORS)).toHaveLength(10);
  });

  // The time bound guards against catastrophic backtracking in the parser (seconds to hours on a
  // hostile vector), not speed: linear parsing takes microseconds, so 1 s holds on a loaded machine.
  it('lets 0 vectors through to anything but a gitdate.ink address, none backtracking (each within 1 s)', () => {
    const bypasses: string[] = [];
    let slowest = 0;
    for (const { category, input } of vectors) {
      const started = performance.now();
      const verdict = checkRecipient(input, allowlist);
      slowest = Math.max(slowest, performance.now() - started);
      if (verdict.allowed && !/^[^@]+@gitdate\.ink$/.test(verdict.canonical ?? ''))
        bypasses.push(`${category}: ${JSON.stringify(input)}`);
      if (!verdict.allowed) expect(verdict.reason, JSON.stringify(input)).toBeTruthy();
    }
    expect(bypasses).toEqual([]);
    expect(slowest).toBeLessThan(1_000);
  });

  it('rejects 0 of the valid controls and canonicalises each exactly', () => {
    expect(VALID_CONTROLS.length).toBeGreaterThanOrEqual(30);
    for (const [input, canonical] of VALID_CONTROLS)
      expect(checkRecipient(input, allowlist), input).toMatchObject({
        allowed: true,
        canonical,
        reason: null,
      });
    for (const [input, canonical] of OTHER_VALID)
      expect(checkRecipient(input, allowlist), input).toMatchObject({ allowed: false, canonical });
  });

  it('differential envelope: for every accepted input, envelope.to is [canonical] and To: holds only that address', async () => {
    const accepted: RecipientInput[] = [
      ...VALID_CONTROLS.map(([input]) => input),
      ...vectors.map((v) => v.input).filter((input) => checkRecipient(input, allowlist).allowed),
      { name: 'Evil <attacker@evil.com>, other@evil.com', address: 'person@gitdate.ink' },
      { name: '"attacker@evil.com" ;', address: 'person@gitdate.ink' },
      { name: 'Dana Reyes', address: 'Dana.Reyes@GITDATE.ink' },
    ];
    let mismatches = 0;
    for (const entry of accepted) {
      const { checked, envelope, header } = await differential(entry);
      const canonical = checked.recipients[0]?.canonical ?? '?';
      if (
        JSON.stringify(envelope) !== JSON.stringify([canonical]) ||
        JSON.stringify(header) !== JSON.stringify([canonical])
      ) {
        mismatches += 1;
        console.error('mismatch', entry, envelope, header);
      }
    }
    expect(mismatches).toBe(0);
  });

  it('refuses at start-up an invalid, catastrophic-backtracking or dot-sloppy pattern, and denies all when unset', () => {
    expect(() => compileAllowlist('@gitdate\\.ink$(')).toThrow(AllowlistConfigError);
    expect(() => compileAllowlist('^(a+)+@gitdate\\.ink$')).toThrow(/backtrack/);
    expect(() => compileAllowlist('@gitdate.ink$')).toThrow(/unescaped/);
    expect(() => compileAllowlist('@gitdate.ink$')).toThrow(
      /WORKONWARD_MCP_RECIPIENT_ALLOWLIST='@gitdate\\\.ink\$'/,
    );
    const unset = compileAllowlist(undefined);
    expect(checkRecipient('person@gitdate.ink', unset)).toMatchObject({
      allowed: false,
      canonical: 'person@gitdate.ink',
    });
    // Always end-anchored, even when an alternative is not.
    const loose = compileAllowlist('@gitdate\\.ink|@example\\.org$');
    expect(checkRecipient('a@gitdate.ink.evil.com', loose).allowed).toBe(false);
    expect(checkRecipient('a@gitdate.ink', loose).allowed).toBe(true);
  });
});
