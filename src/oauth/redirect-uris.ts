/** Schemes that can never be a redirect target (script execution or local file access). */
const FORBIDDEN_SCHEMES = new Set([
  'javascript:',
  'data:',
  'file:',
  'vbscript:',
  'blob:',
  'about:',
  'ftp:',
  'ws:',
  'wss:',
]);

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

export const CHATGPT_STABLE_REDIRECT = 'https://chatgpt.com/connector_platform_oauth_redirect';

/** ChatGPT's per-connection callback: https, host chatgpt.com, no port/userinfo/query/fragment, one opaque segment. */
const CHATGPT_PER_CONNECTION = /^https:\/\/chatgpt\.com\/connector\/oauth\/[A-Za-z0-9_-]{1,128}$/;

export function isLoopbackHttp(url: URL): boolean {
  return url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname);
}

export function isCustomScheme(url: URL): boolean {
  return url.protocol !== 'http:' && url.protocol !== 'https:';
}

/**
 * An http(s) host must already be in its normal form: written exactly as the parser reads it
 * (lower case, no percent-encoding, full-width dots or other IDNA mappings, no default port) and
 * without a trailing dot, so a look-alike of a host this policy names (chatgpt.com) cannot slip
 * past its exact compare.
 */
function hostIsNormal(raw: string, url: URL): boolean {
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return true;
  const written = /^https?:\/\/([^/?#]*)/i.exec(raw)?.[1];
  return written === url.host && !url.hostname.endsWith('.');
}

/** A `.` or `..` path segment, written plainly or percent-encoded: the parser would resolve it away. */
const DOT_SEGMENT = /\/(?:\.|%2e){1,2}(?:\/|[?#]|$)/i;

/**
 * Whether one redirect URI is acceptable, the one policy for every way a client comes in (Dynamic
 * Client Registration and Client ID Metadata Documents): parseable, no fragment or userinfo, no
 * whitespace/control characters, no dot-segments, never a dangerous scheme, http only on
 * loopback, a host already in normal form, and on chatgpt.com only ChatGPT's two documented shapes.
 */
export function acceptableRedirectUri(raw: unknown): boolean {
  if (typeof raw !== 'string' || raw.length === 0 || raw.length > 2048) return false;
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u0020\u007f-\u009f\\]/.test(raw)) return false;
  const url = URL.parse(raw);
  if (url === null) return false;
  if (FORBIDDEN_SCHEMES.has(url.protocol)) return false;
  if (raw.includes('#') || url.username !== '' || url.password !== '') return false;
  if (DOT_SEGMENT.test(raw)) return false;
  if (url.protocol === 'http:' && !isLoopbackHttp(url)) return false;
  if (!hostIsNormal(raw, url)) return false;
  if (isCustomScheme(url) && !/^[a-z][a-z0-9+.-]*:\/\/?[^/]/i.test(raw)) return false;
  if (url.protocol === 'https:' && url.hostname === 'chatgpt.com')
    return raw === CHATGPT_STABLE_REDIRECT || CHATGPT_PER_CONNECTION.test(raw);
  return true;
}

/** The host shown on the consent page ("where it will redirect"). */
export function redirectHost(raw: string): string {
  const url = URL.parse(raw);
  if (url === null) return raw;
  return isCustomScheme(url) ? `${url.protocol}//${url.host}` : url.host;
}
