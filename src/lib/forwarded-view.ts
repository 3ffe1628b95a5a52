/** Where `doctor` asks a running deployment what it saw of a request's forwarding. */
export const FORWARDED_VIEW_PATH = '/healthz/forwarded';

/** The headers a proxy adds; only their presence is ever reported, never their values. */
const FORWARDING_HEADERS = ['x-forwarded-for', 'x-forwarded-proto', 'x-forwarded-host', 'forwarded'] as const;

/** A Host header that is only a host (name, IPv4 or [IPv6], optional port): nothing a URL would reinterpret. */
const HOST = /^(?:[a-z0-9.-]+|\[[0-9a-f:.]+\])(?::\d{1,5})?$/i;

/**
 * What this server made of one request's forwarding (`GET /healthz/forwarded`), for `doctor` to
 * compare with the URL it asked through. A flag, header names and the derived origin only: the
 * forwarded values themselves (client addresses) are never echoed back.
 */
export interface ForwardedView {
  /** WORKONWARD_MCP_BEHIND_PROXY as this server runs. */
  readonly behind_proxy: boolean;
  /** The forwarding headers the request carried, by name. */
  readonly headers_seen: readonly string[];
  /**
   * The origin the request came to, as this server takes it: the scheme from X-Forwarded-Proto
   * when forwarded headers are trusted, else `http` (it never speaks TLS), and the Host header (the
   * one the MCP endpoint's host check reads). Null when Host is missing or not a host.
   */
  readonly origin: string | null;
}

/** The last item of a comma-separated forwarded header: the one the nearest proxy added. */
export function lastForwarded(value: string | readonly string[] | null | undefined): string | undefined {
  const joined = typeof value === 'string' ? value : (value ?? []).join(',');
  return joined
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean)
    .at(-1);
}

export function forwardedView(headers: Headers, behindProxy: boolean): ForwardedView {
  const proto = behindProxy ? lastForwarded(headers.get('x-forwarded-proto'))?.toLowerCase() : undefined;
  const scheme = proto === 'https' || proto === 'http' ? proto : 'http';
  const host = headers.get('host') ?? '';
  return {
    behind_proxy: behindProxy,
    headers_seen: FORWARDING_HEADERS.filter((name) => headers.has(name)),
    origin: HOST.test(host) ? (URL.parse(`${scheme}://${host}`)?.origin ?? null) : null,
  };
}
