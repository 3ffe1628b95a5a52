import { z } from 'zod';
import { accountView, type AccountPort } from '../account-port.js';
import type { BackendClient } from './backend-client.js';

const SENT = z.object({ status: z.literal('sent') });

/** The key's account on the backend, and sign-in codes mailed through the backend's mail. */
export function remoteAccount(client: BackendClient): AccountPort {
  return {
    // `GET /account` also describes the key itself; `accountView` keeps only the account.
    account: () => client.call({ method: 'GET', path: '/account' }, accountView),
    async deliverSignInCode(email, code) {
      await client.call({ method: 'POST', path: '/sign-in-codes', body: { email, code } }, SENT);
    },
  };
}
