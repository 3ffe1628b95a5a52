import { z } from 'zod';

const mailbox = z.object({ name: z.string().nullable(), address: z.string() });

/** The account a principal acts in: its tenant, the product name, and the mail settings that apply to it. */
export const accountView = z.object({
  tenant: z.object({ id: z.string(), slug: z.string(), name: z.string() }),
  product: z.string().describe('The product name mail and pages carry (WORKONWARD_PRODUCT_NAME).'),
  mail: z.object({
    sender: mailbox.describe('Who the account’s mail comes from.'),
    recipient_allowlist: z
      .string()
      .nullable()
      .describe('The pattern every recipient must match; null: no allowlist, so every send is refused.'),
    dry_run: z.boolean().describe('True: sends are checked and recorded but never queued.'),
    batch_send: z.boolean().describe('send_batch_email is switched on.'),
    batch_max: z.number().int(),
  }),
});
export type AccountView = z.output<typeof accountView>;

/** What a front needs of its account: who it is, and a way to mail a person their sign-in code. */
export interface AccountPort {
  account(): Promise<AccountView>;
  /** Sends `email` a sign-in code through the account's mail (the message text is the server's). */
  deliverSignInCode(email: string, code: string): Promise<void>;
}
