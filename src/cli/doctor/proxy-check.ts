import { isLoopbackHost } from '../../config/loopback.js';
import { FORWARDED_VIEW_PATH, type ForwardedView } from '../../lib/forwarded-view.js';
import { type CheckResult, type DoctorCheck, SYMPTOMS, pass, problem } from './doctor-check.js';
import { askDeployment } from './http-checks.js';

const SET_FLAG = 'set WORKONWARD_MCP_BEHIND_PROXY=1 where the server runs, and restart it';
const UNSET_FLAG = 'unset WORKONWARD_MCP_BEHIND_PROXY unless a proxy you run is the only way in';
const PROXY_HEADERS =
  'make the proxy append X-Forwarded-For and set X-Forwarded-Proto (deploy/haproxy-tls.cfg: `option forwardfor` and `http-request set-header X-Forwarded-Proto https`)';
const ONE_CLIENT = 'every client looks like the proxy (one shared rate limit, its address in the audit log)';
const SPOOFABLE =
  'forwarded headers are trusted from whatever connects: a client can name any address in X-Forwarded-For (its own rate limit, the audit log)';

/**
 * `WORKONWARD_MCP_BEHIND_PROXY` against what the server saw of doctor's own request through the
 * issuer (`GET /healthz/forwarded`): TLS ends before this server, so a request that came in over
 * https must reach it with forwarded headers it trusts, and the origin it derives must be the
 * issuer. Asked at another `--url`, or not answering, only the configuration is judged.
 */
export const proxyCheck: DoctorCheck = {
  id: 'proxy',
  async run(context) {
    const issuer = new URL(context.config.oauth.issuer);
    const { response, error } = await askDeployment(context, FORWARDED_VIEW_PATH);
    const view =
      response?.status === 200
        ? ((await response.json().catch(() => undefined)) as ForwardedView | undefined)
        : undefined;
    if (view?.headers_seen === undefined) {
      const why = error ?? `${FORWARDED_VIEW_PATH} answered ${response?.status ?? 'nothing'}`;
      return fromConfiguration(
        issuer,
        context.config.http.behindProxy,
        `judged from this shell's configuration only: ${why}`,
      );
    }
    const differs =
      view.behind_proxy === context.config.http.behindProxy
        ? ''
        : ` (this shell has WORKONWARD_MCP_BEHIND_PROXY=${context.config.http.behindProxy ? 1 : 0}; the running server's value counts)`;
    const result =
      new URL(context.url).origin === issuer.origin
        ? fromView(issuer, view)
        : fromConfiguration(
            issuer,
            view.behind_proxy,
            `asked at ${context.url}, not through the issuer: run doctor without --url to check the proxy's headers`,
          );
    return { ...result, detail: `${result.detail}${differs}`, observed: view };
  },
};

/** What the server saw of a request through the issuer, judged. */
function fromView(issuer: URL, view: ForwardedView): CheckResult {
  const seen = (name: string) => view.headers_seen.includes(name);
  const headers =
    view.headers_seen.length === 0 ? 'no forwarded headers' : `headers ${view.headers_seen.join(', ')}`;
  const saw = `the server saw ${view.origin ?? 'no valid Host'} with ${headers}`;
  const tls = issuer.protocol === 'https:';
  if (!view.behind_proxy && (tls || seen('x-forwarded-for')))
    return problem(
      'proxy',
      'fail',
      `${issuer.origin} reaches this plain-HTTP server through a proxy; ${saw} and trusts none of them (WORKONWARD_MCP_BEHIND_PROXY off): ${ONE_CLIENT}`,
      SYMPTOMS.oauth,
      SET_FLAG,
    );
  if (view.behind_proxy && !seen('x-forwarded-for')) {
    if (!tls)
      return problem(
        'proxy',
        isLoopbackHost(issuer.hostname) ? 'warn' : 'fail',
        `WORKONWARD_MCP_BEHIND_PROXY=1, but ${saw}: the request reached the server directly, so ${SPOOFABLE}`,
        SYMPTOMS.oauth,
        UNSET_FLAG,
      );
    const only = seen('forwarded') ? ' (only Forwarded, which this server does not read)' : '';
    return problem(
      'proxy',
      'fail',
      `WORKONWARD_MCP_BEHIND_PROXY=1, but ${saw}: the proxy adds no X-Forwarded-For${only}, so ${ONE_CLIENT}`,
      SYMPTOMS.oauth,
      PROXY_HEADERS,
    );
  }
  if (view.origin !== issuer.origin) {
    const host = view.origin === null || new URL(view.origin).host !== issuer.host;
    return host
      ? problem(
          'proxy',
          'fail',
          `requests to ${issuer.origin} arrive with another Host: ${saw}; /mcp answers only the issuer's host (and WORKONWARD_MCP_ALLOWED_HOSTS)`,
          SYMPTOMS.connector,
          'make the proxy pass the Host header through unchanged (HAProxy does; nginx: proxy_set_header Host $host)',
        )
      : problem(
          'proxy',
          'fail',
          `requests to ${issuer.origin} arrive as ${view.origin}: ${saw}, and no X-Forwarded-Proto ${issuer.protocol.slice(0, -1)}`,
          SYMPTOMS.oauth,
          PROXY_HEADERS,
        );
  }
  return pass(
    'proxy',
    view.behind_proxy
      ? `through ${issuer.origin}, ${saw}, trusted (WORKONWARD_MCP_BEHIND_PROXY=1)`
      : `no proxy: ${saw}`,
  );
}

/** The configuration alone: an https issuer means a TLS proxy in front, which must be trusted. */
function fromConfiguration(issuer: URL, behindProxy: boolean, note: string): CheckResult {
  const tls = issuer.protocol === 'https:';
  if (tls && !behindProxy && !isLoopbackHost(issuer.hostname))
    return problem(
      'proxy',
      'fail',
      `the issuer is https but WORKONWARD_MCP_BEHIND_PROXY is off: this server speaks plain HTTP, so a TLS proxy is in front and ${ONE_CLIENT}; ${note}`,
      SYMPTOMS.oauth,
      SET_FLAG,
    );
  if (!tls && behindProxy)
    return problem(
      'proxy',
      'warn',
      `WORKONWARD_MCP_BEHIND_PROXY=1 with a plain-http issuer: ${SPOOFABLE}; ${note}`,
      SYMPTOMS.oauth,
      UNSET_FLAG,
    );
  return pass(
    'proxy',
    `${behindProxy ? 'behind a TLS proxy (forwarded headers trusted)' : 'no proxy'}; ${note}`,
  );
}
