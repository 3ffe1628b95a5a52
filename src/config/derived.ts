import type { ParsedVariables } from './variables.js';

/** The settings several variables decide together; both the checks and the config read them. */
export interface DerivedSettings {
  /** `WORKONWARD_MCP_AUTH`, or by transport: stdio serves one local user, http needs sign-in. */
  readonly auth: 'none' | 'oauth';
  /** `WORKONWARD_MCP_OAUTH_ISSUER`, or the origin the server listens on. */
  readonly issuer: string;
  readonly issuerUrl: URL;
  readonly production: boolean;
  /** Remote backend mode: the backend at WORKONWARD_BASE_URL owns the data and delivers the mail. */
  readonly remote: boolean;
}

export function deriveSettings(v: ParsedVariables): DerivedSettings {
  const host = v.WORKONWARD_MCP_HOST;
  const issuer =
    v.WORKONWARD_MCP_OAUTH_ISSUER ??
    `http://${host.includes(':') ? `[${host}]` : host}:${v.WORKONWARD_MCP_PORT}`;
  return {
    auth: v.WORKONWARD_MCP_AUTH ?? (v.WORKONWARD_MCP_TRANSPORT === 'stdio' ? 'none' : 'oauth'),
    issuer,
    issuerUrl: new URL(issuer),
    production: v.WORKONWARD_ENV === 'production',
    remote: v.WORKONWARD_BASE_URL !== undefined && v.WORKONWARD_API_KEY !== undefined,
  };
}
