import { z } from 'zod';
import { accountView } from '../../ports/account-port.js';
import { defineOperation } from '../api-operation.js';

export const apiAccountView = accountView.extend({
  key: z.object({
    id: z.string(),
    prefix: z.string(),
    scopes: z.array(z.string()),
    on_behalf_of: z.boolean().describe('The key may name the person it acts for (On-Behalf-Of).'),
  }),
});

export const ACCOUNT_OPERATIONS = [
  defineOperation({
    method: 'GET',
    path: '/account',
    operationId: 'getAccount',
    summary: 'The key’s account: tenant, product name, mail settings, and the key itself',
    description:
      'What a caller (or a front deployment in remote backend mode) needs to know about the account its key acts in: the tenant, the sender, the recipient allowlist, whether dry-run and batch sending are on, and the key’s own scopes. Needs no scope.',
    tag: 'Account',
    scopes: [],
    response: apiAccountView,
    run: async (_input, { account, principal, tools }) => ({
      ...(await account.account()),
      key: {
        id: principal.apiKey?.id ?? '',
        prefix: principal.apiKey?.prefix ?? '',
        scopes: [...tools.principal.scopes],
        on_behalf_of: principal.apiKey?.mayActForPeople === true,
      },
    }),
  }),
  defineOperation({
    method: 'POST',
    path: '/sign-in-codes',
    operationId: 'deliverSignInCode',
    summary: 'Mail a person the sign-in code of a front deployment',
    description:
      'For front deployments only (keys made with --on-behalf-of): sends `email` the one-time sign-in `code` the front issued, through this account’s mail, in this server’s own wording. The front has already checked that the address may sign in.',
    tag: 'Account',
    scopes: [],
    frontOnly: true,
    body: z.strictObject({
      email: z.email().max(320).describe('Who signs in.'),
      code: z
        .string()
        .regex(/^\d{8}$/)
        .describe('The 8-digit code the front issued.'),
    }),
    response: z.object({ status: z.literal('sent') }),
    run: async ({ body }, { account }) => {
      await account.deliverSignInCode(body.email, body.code);
      return { status: 'sent' as const };
    },
  }),
];
