import type { Config } from '../../config/config.js';
import { DomainError } from '../../domain/errors.js';
import type { AccountView } from '../account-port.js';
import { BackendClient } from './backend-client.js';
import { remoteAccount } from './remote-account.js';

export interface BackendCheck {
  readonly ok: boolean;
  /** One line for a person: what was found. */
  readonly detail: string;
  /** When not ok: what to do. */
  readonly fix?: string;
  /** When ok in remote mode: the key's account. */
  readonly account?: AccountView;
}

/**
 * "Is the backend reachable and the API key valid?", for `doctor` and start-up: one
 * `GET /api/v1/account` with the key, bounded by the timeout. Never throws; embedded mode (no
 * `WORKONWARD_BASE_URL`) passes with nothing to check.
 */
export async function checkBackend(
  config: Config,
  options: { timeoutMs?: number } = {},
): Promise<BackendCheck> {
  const { baseUrl, apiKey } = config.ping8;
  if (baseUrl === undefined || apiKey === undefined)
    return {
      ok: true,
      detail: 'embedded mode: this deployment serves its own store (no WORKONWARD_BASE_URL).',
    };
  const client = new BackendClient({
    baseUrl,
    apiKey,
    timeoutMs: options.timeoutMs ?? config.ping8.timeoutMs,
    attempts: 1,
  });
  try {
    const account = await remoteAccount(client).account();
    return {
      ok: true,
      detail: `backend ${client.origin} answers; the key acts in account ${account.tenant.slug} (dry-run ${account.mail.dry_run ? 'on' : 'off'} there).`,
      account,
    };
  } catch (error) {
    const message = error instanceof DomainError ? error.message : String(error);
    return {
      ok: false,
      detail: message,
      fix:
        error instanceof DomainError && /API key/.test(message)
          ? 'Create a key on the backend (`npx workonward-mcp api-key create --tenant SLUG --on-behalf-of`) and set WORKONWARD_API_KEY to it.'
          : `Check that WORKONWARD_BASE_URL (${client.origin}) is the Workonward deployment and that it is running: \`curl ${client.origin}/readyz\`.`,
    };
  }
}
