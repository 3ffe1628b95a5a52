import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { composeRaw } from '../../src/outbox/compose.js';
import { readableBody } from '../../src/outbox/readable-body.js';

/** The dev mailbox shows what the person would read, not the transfer encoding (issue 7 item 6). */
const mail = (text: string, html?: string) =>
  composeRaw({
    from: 'no-reply@gitdate.ink',
    to: ['person@gitdate.ink'],
    subject: 'Hello',
    text,
    ...(html !== undefined && { html }),
    envelope: { from: 'no-reply@gitdate.ink', to: ['person@gitdate.ink'] },
  });

describe('readableBody', () => {
  it('undoes quoted-printable: soft line breaks and encoded bytes', async () => {
    const text = `The team did not reply — it’s been ${'a long while '.repeat(8)}= 14 days.`;
    const { raw } = await mail(text);
    expect(raw).toMatch(/quoted-printable/i);
    expect(raw).not.toContain(text);
    expect(readableBody(raw)).toBe(text);
  });

  it('reads the text part of a text + html message', async () => {
    const { raw } = await mail('Plain words, naïve café.', '<p>Plain words</p>');
    expect(raw).toMatch(/multipart\/alternative/i);
    expect(readableBody(raw)).toBe('Plain words, naïve café.');
  });

  it('gives back any text composeRaw encoded, with or without html', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.string({ unit: 'grapheme', minLength: 1, maxLength: 300 }),
        fc.boolean(),
        async (text, html) => {
          // Line ends may become CRLF on the wire (a lone CR is no line end a reader sees), and
          // trailing ones are dropped.
          const written = text.replace(/\r/g, '');
          const { raw } = await mail(written, html ? '<p>x</p>' : undefined);
          expect(readableBody(raw).replace(/\r\n/g, '\n')).toBe(written.replace(/\n+$/, ''));
        },
      ),
      { numRuns: 200 },
    );
  });
});
