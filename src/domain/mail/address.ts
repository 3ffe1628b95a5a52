import { domainToASCII, domainToUnicode } from 'node:url';
import { confusableReason } from './confusables.js';

/**
 * Parses one recipient entry into exactly one canonical addr-spec, or says why not. Deliberately
 * narrower than RFC 5322: an entry is a bare `local@domain`, nothing else. Display names travel
 * separately (structured `{name, address}`), so anything that could smuggle a second address, a
 * route or a comment into the SMTP envelope is refused here, before any allowlist is consulted.
 *
 * Canonical form: ASCII dot-atom local part (case kept: RFC 5321 says it is the receiver's), the
 * domain lower-cased and converted to UTS #46 A-labels (punycode).
 */
export type ParsedAddress = { ok: true; canonical: string } | { ok: false; reason: string };

export const MAX_ADDRESS = 254;
export const MAX_LOCAL = 64;
export const MAX_LABEL = 63;
/** Longer raw input is refused before any other work (size/DoS). */
const MAX_RAW = 320;

// C0, DEL, C1 (includes U+0085), bidi and zero-width controls, line/paragraph separators, BOM.
// eslint-disable-next-line no-control-regex -- control characters are exactly what this refuses
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/u;
const ATEXT = /^[A-Za-z0-9#$&'*+/=?^_`{|}~-]+$/;
const LDH_LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;

const fail = (reason: string): ParsedAddress => ({ ok: false, reason });

function structuralReason(value: string): string | undefined {
  if (/[,;]/.test(value)) return 'holds several addresses (comma or semicolon): give one address per entry';
  if (/\s/u.test(value)) return 'contains whitespace: give one bare address such as person@example.com';
  if (/[<>]/.test(value))
    return 'contains a display name or angle brackets: pass {"name": …, "address": …} instead';
  if (/[()]/.test(value)) return 'contains a comment in parentheses';
  if (value.includes('"')) return 'has a quoted local part, which is not accepted';
  if (value.includes('\\')) return 'contains a backslash escape';
  if (value.includes(':')) return 'contains ":" (a group, source route or scheme), which is not accepted';
  if (/=\?/.test(value)) return 'contains an encoded-word (=?…?=), which is not accepted in an address';
  if (/[%!]/.test(value)) return 'contains "%" or "!" (mail routing), which is not accepted';
  if (value.includes('[') || value.includes(']')) return 'uses an IP-literal domain, which is not accepted';
  return undefined;
}

function localReason(local: string): string | undefined {
  if (local.length === 0) return 'has an empty local part (nothing before @)';
  if (local.length > MAX_LOCAL) return `local part is longer than ${MAX_LOCAL} characters`;
  if (/[^\x21-\x7e]/.test(local))
    return 'local part must be ASCII (internationalised local parts are not accepted)';
  const atoms = local.split('.');
  if (atoms.some((atom) => atom.length === 0)) return 'local part has a leading, trailing or double dot';
  if (!atoms.every((atom) => ATEXT.test(atom)))
    return 'local part contains a character not allowed in an address';
  return undefined;
}

/**
 * UTS #46 may silently map, split or drop characters (soft hyphen, ideographic full stop, other
 * ignorables): refuse any change beyond lower-casing and the Unicode → A-label conversion itself.
 */
function sameLabels(input: string, ascii: string): boolean {
  const before = input.split('.');
  const after = ascii.split('.');
  return (
    before.length === after.length &&
    before.every((label, i) =>
      // eslint-disable-next-line no-control-regex -- control characters are exactly what this refuses
      /^[\x00-\x7f]*$/.test(label) ? label === after[i] : domainToUnicode(after[i] ?? '') === label,
    )
  );
}

function domainOf(raw: string): { ok: true; ascii: string } | { ok: false; reason: string } {
  if (raw.length === 0) return { ok: false, reason: 'has an empty domain (nothing after @)' };
  if (raw.endsWith('.')) return { ok: false, reason: 'domain ends with a dot' };
  const unicode = raw.toLowerCase();
  const confusable = confusableReason(unicode);
  if (confusable !== undefined) return { ok: false, reason: confusable };
  const ascii = domainToASCII(unicode);
  if (ascii === '' || !sameLabels(unicode, ascii))
    return { ok: false, reason: 'domain is not a valid internationalised domain name' };
  if (ascii.includes('xn--')) {
    const decoded = confusableReason(domainToUnicode(ascii));
    if (decoded !== undefined) return { ok: false, reason: decoded };
  }
  const labels = ascii.split('.');
  if (labels.length < 2) return { ok: false, reason: 'domain has no dot (a top-level domain is required)' };
  if (labels.some((label) => label.length > MAX_LABEL))
    return { ok: false, reason: `a domain label is longer than ${MAX_LABEL} characters` };
  if (!labels.every((label) => LDH_LABEL.test(label)))
    return { ok: false, reason: 'domain contains a character not allowed in a host name' };
  if (/^\d+$/.test(labels[labels.length - 1] ?? ''))
    return { ok: false, reason: 'domain looks like an IP address, which is not accepted' };
  return { ok: true, ascii };
}

export function parseAddress(input: string): ParsedAddress {
  if (input.length > MAX_RAW) return fail(`is longer than ${MAX_ADDRESS} characters`);
  if (CONTROL.test(input)) return fail('contains a control, line-break or invisible formatting character');
  const value = input.replace(/^ +| +$/g, '');
  if (value.length === 0) return fail('is empty');
  if (value.normalize('NFKC') !== value)
    return fail('changes under Unicode NFKC normalisation (full-width or compatibility characters)');
  const structural = structuralReason(value);
  if (structural !== undefined) return fail(structural);
  const at = value.indexOf('@');
  if (at === -1) return fail('has no @');
  if (value.indexOf('@', at + 1) !== -1) return fail('contains more than one @');
  const local = value.slice(0, at);
  const localProblem = localReason(local);
  if (localProblem !== undefined) return fail(localProblem);
  const domain = domainOf(value.slice(at + 1));
  if (!domain.ok) return fail(domain.reason);
  const canonical = `${local}@${domain.ascii}`;
  if (canonical.length > MAX_ADDRESS) return fail(`is longer than ${MAX_ADDRESS} characters`);
  return { ok: true, canonical };
}
