import type { DerivedSettings } from './derived.js';
import { isLoopbackHost } from './loopback.js';
import type { ParsedVariables } from './variables.js';

/**
 * The problems no single variable's schema can see: each value is valid alone, but the mix is
 * unsafe or cannot work. Each problem names a variable and its fix, in a fixed order.
 */
export function combinationProblems(v: ParsedVariables, d: DerivedSettings): string[] {
  return [
    ...openWithoutSignIn(v, d),
    ...issuerNotAnOrigin(d),
    ...productionOAuthProblems(v, d),
    ...remoteBackendProblems(v),
    ...productionMailProblems(v, d),
  ];
}

function openWithoutSignIn(v: ParsedVariables, d: DerivedSettings): string[] {
  const host = v.WORKONWARD_MCP_HOST;
  if (d.auth !== 'none' || v.WORKONWARD_MCP_TRANSPORT !== 'http' || isLoopbackHost(host)) return [];
  return [
    `WORKONWARD_MCP_AUTH: \`none\` would serve tenant data without authentication on ${host}. Fix: bind WORKONWARD_MCP_HOST=127.0.0.1, or set WORKONWARD_MCP_AUTH=oauth.`,
  ];
}

function issuerNotAnOrigin({ issuer, issuerUrl }: DerivedSettings): string[] {
  if (issuerUrl.pathname === '/' && !issuer.endsWith('/') && !issuerUrl.search && !issuerUrl.hash) return [];
  return [
    `WORKONWARD_MCP_OAUTH_ISSUER: must be an origin with no path, query or trailing slash (got ${JSON.stringify(issuer)}). Fix: use e.g. \`https://mcp.gitdate.ink\`.`,
  ];
}

/** Production sign-in needs a real signing key and an https issuer. */
function productionOAuthProblems(v: ParsedVariables, d: DerivedSettings): string[] {
  if (!d.production || d.auth !== 'oauth') return [];
  const problems: string[] = [];
  if (v.WORKONWARD_MCP_OAUTH_SIGNING_KEY === undefined) {
    problems.push(
      'WORKONWARD_MCP_OAUTH_SIGNING_KEY: required in production with WORKONWARD_MCP_AUTH=oauth. Fix: export WORKONWARD_MCP_OAUTH_SIGNING_KEY="$(openssl rand -hex 32)".',
    );
  } else if (new Set(Buffer.from(v.WORKONWARD_MCP_OAUTH_SIGNING_KEY, 'hex')).size < 16) {
    // A key typed by hand (repeated or patterned digits) is not a random 256-bit secret.
    problems.push(
      'WORKONWARD_MCP_OAUTH_SIGNING_KEY: is too weak (not random). Fix: export WORKONWARD_MCP_OAUTH_SIGNING_KEY="$(openssl rand -hex 32)".',
    );
  }
  if (d.issuerUrl.protocol !== 'https:' && !isLoopbackHost(d.issuerUrl.hostname)) {
    problems.push(
      `WORKONWARD_MCP_OAUTH_ISSUER: must be https in production (got ${JSON.stringify(d.issuer)}). Fix: serve through TLS and set the https origin.`,
    );
  }
  return problems;
}

/** The backend URL and its API key go together, and the key only travels over https. */
function remoteBackendProblems(v: ParsedVariables): string[] {
  const problems: string[] = [];
  if ((v.WORKONWARD_BASE_URL === undefined) !== (v.WORKONWARD_API_KEY === undefined))
    problems.push(
      `${v.WORKONWARD_BASE_URL === undefined ? 'WORKONWARD_BASE_URL' : 'WORKONWARD_API_KEY'}: required with ${v.WORKONWARD_BASE_URL === undefined ? 'WORKONWARD_API_KEY' : 'WORKONWARD_BASE_URL'} (together they make this server a front for another Workonward deployment). Fix: set both, or neither for an embedded store.`,
    );
  if (v.WORKONWARD_BASE_URL !== undefined) {
    const base = new URL(v.WORKONWARD_BASE_URL);
    if (base.protocol !== 'https:' && !(base.protocol === 'http:' && isLoopbackHost(base.hostname)))
      problems.push(
        `WORKONWARD_BASE_URL: must be https (the API key travels with every call), except on loopback (got ${JSON.stringify(base.origin)}). Fix: use e.g. \`https://mail.gitdate.ink\`.`,
      );
  }
  return problems;
}

/** The dev mailbox is for development only: in production mail must leave the machine. */
function productionMailProblems(v: ParsedVariables, d: DerivedSettings): string[] {
  if (!d.production || d.remote || v.WORKONWARD_SMTP_URL !== undefined) return [];
  const needs = [
    ...(d.auth === 'oauth' ? ['sign-in codes are emailed'] : []),
    ...(!v.WORKONWARD_MCP_DRY_RUN && v.WORKONWARD_MCP_RECIPIENT_ALLOWLIST !== undefined
      ? ['email tools would queue mail']
      : []),
  ];
  if (needs.length === 0) return [];
  return [
    `WORKONWARD_SMTP_URL: required in production (${needs.join('; ')}), and this server has no other way to deliver it. Fix: set it to the SMTP submission URL of your mail account, e.g. smtps://user:password@smtp.example.com:465 — or set WORKONWARD_BASE_URL and WORKONWARD_API_KEY to serve everything, mail included, from another Workonward deployment.`,
  ];
}
