import { isRemoteMode } from '../../backend-choice.js';
import { checkBackend } from '../../ports/remote/check-backend.js';
import { type DoctorCheck, SYMPTOMS, pass, problem } from './doctor-check.js';

/** Remote backend mode: the backend at WORKONWARD_BASE_URL answers and accepts the API key. */
export const backendCheck: DoctorCheck = {
  id: 'backend',
  async run({ config, timeoutMs }) {
    if (!isRemoteMode(config))
      return { id: 'backend', status: 'skip', detail: 'embedded mode (no WORKONWARD_BASE_URL)' };
    const result = await checkBackend(config, { timeoutMs });
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
