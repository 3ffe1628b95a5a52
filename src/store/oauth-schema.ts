/** Row shapes of the authorization server's tables (migration 0004-oauth). */
export interface OAuthModelRow {
  model: string;
  /** The engine's id, or its SHA-256 for models whose id is a bearer secret. */
  id: string;
  grant_id: string | null;
  uid: string | null;
  user_code: string | null;
  payload: string;
  expires_at: number | null;
  consumed_at: number | null;
  created_at: string;
}

export interface OAuthKeyRow {
  id: string;
  sealed_jwk: string;
  created_at: string;
  retired_at: string | null;
}

export interface OAuthConnectionRow {
  grant_id: string;
  user_id: string;
  tenant_id: string;
  client_id: string;
  client_name: string;
  redirect_host: string;
  scopes: string;
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
}

export interface WebSessionRow {
  id_hash: string;
  user_id: string;
  tenant_id: string | null;
  created_at: string;
  expires_at: string;
}

export interface SignInCodeRow {
  id: string;
  email: string;
  code_hash: string;
  attempts: number;
  created_at: string;
  expires_at: string;
  consumed_at: string | null;
}

/** A sign-in code waiting to be mailed (migration 0011): the address, never the code. */
export interface SignInMailRow {
  id: string;
  email: string;
  refused: 'limited' | null;
  status: 'queued' | 'sending' | 'failed';
  attempts: number;
  next_attempt_at: string;
  lease_owner: string | null;
  lease_until: string | null;
  last_error: string | null;
  created_at: string;
  updated_at: string;
}

export interface RefreshReplayRow {
  parent_hash: string;
  child_hash: string;
  sealed_response: string;
  created_at: number;
}

export interface OAuthTables {
  oauth_models: OAuthModelRow;
  oauth_keys: OAuthKeyRow;
  oauth_connections: OAuthConnectionRow;
  web_sessions: WebSessionRow;
  sign_in_codes: SignInCodeRow;
  sign_in_mail: SignInMailRow;
  oauth_refresh_replays: RefreshReplayRow;
  auth_epoch: AuthEpochRow;
}

/**
 * One row (id 1): a counter that triggers bump whenever a verified access token could stop being
 * valid (migration 0014); cached verifications are trusted only while it is unchanged.
 */
export interface AuthEpochRow {
  id: number;
  /** int8, read as a number (open-store's type override). */
  value: number;
}
