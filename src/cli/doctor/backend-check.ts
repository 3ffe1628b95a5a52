import { isRemoteMode } from '../../backend-choice.js';
import { ForeignTenants, foreignTenants } from '../../domain/accounts/first-run.js';
import { checkBackend } from '../../ports/remote/check-backend.js';
import { type DoctorCheck, SYMPTOMS, pass, problem } from './doctor-check.js';

/**
 * Remote backend mode: the backend at WORKONWARD_BASE_URL answers and accepts the API key, and
 * this store holds no tenant besides the key's account (the front would not start on it).
 */
export const backendCheck: DoctorCheck = {
  id: 'backend',
  async run({ config, store, timeoutMs }) {
    if (!isRemoteMode(config))
      return { id: 'backend', status: 'skip', detail: 'embedded mode (no WORKONWARD_BASE_URL)' };
    const result = await checkBackend(config, { timeoutMs });
    if (result.account !== undefined) {
      const others = await foreignTenants(store.db, result.account.tenant);
      if (others.length > 0) {
        const foreign = new ForeignTenants(result.account.tenant, others);
        return problem('backend', 'fail', foreign.message, SYMPTOMS.oauth, foreign.hint);
      }
    }
    return result.ok
      ? pass('backend', result.detail)
      : problem(
          'backend',
          'fail',
          result.detail,
          SYMPTOMS.noQueue,
          result.fix ?? 'check WORKONWARD_BASE_URL and WORKONWARD_API_KEY',
        );
  },
};
