/**
 * Header fields (subject, display names, reply-to) are refused, never cleaned, when they carry
 * anything that could end a header line or start a new one: CR, LF, NUL, any other C0/C1 control,
 * U+0085, U+2028/U+2029, bidi overrides, or an encoded-word or percent-escape that decodes to one.
 * nodemailer would fold most of these harmlessly, but refusing them means no transport (SMTP or
 * an HTTP provider API) ever sees them.
 */
// eslint-disable-next-line no-control-regex -- control characters are exactly what this refuses
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]/u;
const ESCAPED_BREAK = /%0[ad0]|=0[ad]|=00|\\[rn0]|&#(?:x0*[ad]|0*1[03]);/i;
const ENCODED_WORD = /=\?[^?]*\?[bq]\?[^?]*\?=/i;

export const MAX_SUBJECT = 255;
export const MAX_NAME = 100;

/** Why a header value is refused, or undefined when it is safe to place in a header. */
export function headerProblem(field: string, value: string, max: number): string | undefined {
  if (CONTROL.test(value))
    return `${field} contains a line break or control character (CR, LF, NUL, U+0085, U+2028/2029 or a bidi control); header fields must be one plain line`;
  if (ESCAPED_BREAK.test(value))
    return `${field} contains an escaped line break or NUL (such as %0D%0A or =0D=0A)`;
  if (ENCODED_WORD.test(value))
    return `${field} contains a MIME encoded-word (=?…?=); write the plain text instead, it is encoded for you`;
  if (value.normalize('NFC') !== value) return `${field} is not in Unicode normal form C`;
  if (Array.from(value).length > max) return `${field} is longer than ${max} characters`;
  return undefined;
}

/** Bodies may hold line breaks and tabs, but no NUL or other control characters. */
export function bodyProblem(field: string, value: string, maxBytes: number): string | undefined {
  // eslint-disable-next-line no-control-regex -- control characters are exactly what this refuses
  if (/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(value))
    return `${field} contains a NUL or control character`;
  if (Buffer.byteLength(value, 'utf8') > maxBytes) return `${field} is larger than ${maxBytes} bytes`;
  return undefined;
}
