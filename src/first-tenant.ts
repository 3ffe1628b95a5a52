import { ForeignTenants, ensureFirstTenant, mirrorAccountTenant } from './domain/accounts/first-run.js';
import type { Runtime } from './runtime.js';

/** How often a front retries reading its key's account when the backend was down at start. */
const ACCOUNT_RETRY_MS = 10_000;

/**
 * The tenant people sign in to on a fresh deployment, so an address listed in
 * WORKONWARD_MCP_OAUTH_ALLOWED_EMAILS needs no CLI step (issue 7 item 3). Embedded: a first
 * tenant on an empty store. Remote backend mode: the key's account, mirrored; a backend that is
 * down at start does not stop the server (it is retried, and /readyz says why meanwhile).
 * Returns what stops the retries.
 */
export async function prepareFirstTenant(runtime: Runtime): Promise<() => void> {
  const { config, store, clock, logger, backendAccount } = runtime;
  if (backendAccount === undefined) {
    if (config.oauth.allowedEmails.length === 0) return () => undefined;
    const created = await ensureFirstTenant(store.db, clock, config.oauth.firstTenantName);
    if (created !== undefined)
      logger.info(
        { event: 'tenant.first_created', tenant: created.slug },
        `created the first tenant "${created.name}" (${created.slug}) on an empty store; addresses in WORKONWARD_MCP_OAUTH_ALLOWED_EMAILS join it on their first sign-in`,
      );
    return () => undefined;
  }
  const backend = config.ping8.baseUrl ?? '';
  let failures = 0;
  const mirror = async (): Promise<boolean> => {
    let tenant;
    try {
      ({ tenant } = await backendAccount.account());
    } catch (error) {
      // Said once, not every 10 s: /readyz and `doctor` tell the current state.
      if (failures === 0)
        logger.warn(
          { event: 'tenant.account_unavailable' },
          `could not read the account of WORKONWARD_API_KEY at ${backend} (${(error as Error).message}); sign-in waits for it, retried every ${ACCOUNT_RETRY_MS / 1000} s`,
        );
      failures += 1;
      return false;
    }
    const { created } = await mirrorAccountTenant(store.db, clock, tenant);
    if (created)
      logger.info(
        { event: 'tenant.first_created', tenant: tenant.slug },
        `this front acts in the account "${tenant.name}" (${tenant.slug}) of WORKONWARD_API_KEY at ${backend}; addresses in WORKONWARD_MCP_OAUTH_ALLOWED_EMAILS join it on their first sign-in`,
      );
    return true;
  };
  // At start, a store holding another tenant stops the server (ForeignTenants says why and what to do).
  if (await mirror()) return () => undefined;
  const retry = setInterval(() => {
    void mirror().then(
      (done) => {
        if (done) clearInterval(retry);
      },
      (error: unknown) => {
        if (!(error instanceof ForeignTenants)) {
          runtime.reportInternal(error);
          return;
        }
        // Found only once the backend answered: this store is not the account's, and no retry changes that.
        clearInterval(retry);
        logger.error(
          { event: 'tenant.foreign_tenants', tenant: error.account.slug },
          `${error.message} Fix: ${error.hint}`,
        );
      },
    );
  }, ACCOUNT_RETRY_MS);
  retry.unref();
  return () => {
    clearInterval(retry);
  };
}
