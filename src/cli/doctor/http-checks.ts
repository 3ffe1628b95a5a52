import { type DoctorCheck, type DoctorContext, SYMPTOMS, pass, problem } from './doctor-check.js';

/** A request to the deployment at `context.url`: its response, or why there is none, in one line. */
export async function askDeployment(context: DoctorContext, path: string, init: RequestInit = {}) {
  try {
    const response = await fetch(new URL(path, context.url), {
      ...init,
      redirect: 'manual',
      signal: AbortSignal.timeout(context.timeoutMs),
    });
    return { response };
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code;
    return { error: `${context.url}${path}: ${cause ?? (error as Error).message}` };
  }
}

const METADATA = [
  '/.well-known/oauth-authorization-server',
  '/.well-known/openid-configuration',
  '/.well-known/oauth-protected-resource/mcp',
] as const;

/** Both AS metadata documents and the protected-resource metadata answer JSON naming the issuer. */
export const metadataCheck: DoctorCheck = {
  id: 'metadata',
  async run(context) {
    const issuer = context.config.oauth.issuer;
    const wrong: string[] = [];
    for (const path of METADATA) {
      const { response, error } = await askDeployment(context, path);
      if (response === undefined) {
        wrong.push(error ?? path);
        continue;
      }
      const body = (await response.json().catch(() => undefined)) as
        { issuer?: unknown; authorization_servers?: unknown } | undefined;
      const named = path.includes('protected-resource')
        ? Array.isArray(body?.authorization_servers) && body.authorization_servers.includes(issuer)
        : body?.issuer === issuer;
      if (response.status !== 200 || !named)
        wrong.push(
          `${path}: ${response.status}${body === undefined ? ', not JSON' : named ? '' : `, names ${JSON.stringify(body.issuer ?? body.authorization_servers)} instead of ${issuer}`}`,
        );
    }
    if (wrong.length > 0)
      return problem(
        'metadata',
        'fail',
        wrong.join('; '),
        SYMPTOMS.oauth,
        'make the issuer reach this server (DNS, TLS proxy) and set WORKONWARD_MCP_OAUTH_ISSUER to exactly the public origin; exempt /.well-known/* from auth and bot challenges',
      );
    return pass('metadata', `${METADATA.length} metadata documents at ${context.url} name ${issuer}`);
  },
};

/** The MCP endpoint refuses an anonymous call with 401 and the RFC 9728 pointer clients follow. */
export const mcpChallengeCheck: DoctorCheck = {
  id: 'mcp-401',
  async run(context) {
    const { response, error } = await askDeployment(context, '/mcp', {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list', params: {} }),
    });
    const challenge = response?.headers.get('www-authenticate') ?? '';
    if (response?.status !== 401 || !challenge.includes('resource_metadata='))
      return problem(
        'mcp-401',
        'fail',
        error ??
          `POST /mcp without a token answered ${response?.status} (${challenge || 'no WWW-Authenticate'})`,
        SYMPTOMS.connector,
        'run with WORKONWARD_MCP_AUTH=oauth and make the proxy pass /mcp and the WWW-Authenticate header through',
      );
    const pointer = /resource_metadata="([^"]*)"/.exec(challenge)?.[1] ?? '';
    return pass('mcp-401', `POST /mcp without a token: 401, resource_metadata ${pointer}`);
  },
};
