/**
 * The text a person reads from a raw RFC 5322 message, for the dev mailbox: the first text/plain
 * part, its transfer encoding undone (nodemailer writes quoted-printable for long or non-ASCII
 * lines, so the raw body shows "did =⏎not" and "=E2=80=99"). Not a general MIME parser: it reads
 * the shapes composeRaw makes (one text part, or multipart with a text part) and falls back to
 * the raw body. Trailing line breaks are dropped.
 */
export function readableBody(raw: string): string {
  const part = textPart(raw);
  const text =
    part === undefined ? bodyOf(raw) : decode(bodyOf(part), header(part, 'content-transfer-encoding'));
  // nodemailer ends a body that has no final line break with one: not part of what was written.
  return text.replace(/(\r?\n)+$/, '');
}

function splitAt(message: string): number {
  const at = message.indexOf('\r\n\r\n');
  return at < 0 ? message.length : at;
}

function bodyOf(message: string): string {
  return message.slice(splitAt(message) + 4);
}

/** One header's value (unfolded), lower-cased; '' when absent. */
function header(message: string, name: string): string {
  const head = message.slice(0, splitAt(message)).replace(/\r\n[ \t]+/g, ' ');
  const line = head.split('\r\n').find((l) => l.toLowerCase().startsWith(`${name}:`));
  return line === undefined
    ? ''
    : line
        .slice(name.length + 1)
        .trim()
        .toLowerCase();
}

function textPart(message: string): string | undefined {
  const type = header(message, 'content-type');
  if (type === '' || type.startsWith('text/plain')) return message;
  const boundary = /boundary="?([^";]+)"?/i.exec(message.slice(0, splitAt(message)))?.[1];
  if (!type.startsWith('multipart/') || boundary === undefined) return undefined;
  // The segment after the closing `--boundary--` is the epilogue, not a part.
  const parts = bodyOf(message)
    .split(`--${boundary}`)
    .slice(1)
    .filter((p) => !p.startsWith('--'));
  for (const part of parts) {
    // The CRLF before a boundary belongs to the boundary (RFC 2046), not to the part.
    const found = textPart(part.replace(/^\r\n/, '').replace(/\r\n$/, ''));
    if (found !== undefined) return found;
  }
  return undefined;
}

function decode(body: string, encoding: string): string {
  if (encoding === 'base64') return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
  if (encoding !== 'quoted-printable') return body;
  const soft = body.replace(/=\r?\n/g, '');
  const bytes: number[] = [];
  for (let i = 0; i < soft.length; i += 1) {
    const hex = soft.slice(i + 1, i + 3);
    if (soft[i] === '=' && /^[0-9A-Fa-f]{2}$/.test(hex)) {
      bytes.push(Number.parseInt(hex, 16));
      i += 2;
    } else bytes.push(...Buffer.from(soft[i] ?? ''));
  }
  return Buffer.from(bytes).toString('utf8');
}
