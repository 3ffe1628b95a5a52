import { appendAudit } from '../domain/audit/audit-log.js';
import { maskAddress } from '../domain/mail/mask.js';
import { decideSignIn } from './sign-in-policy.js';
import type { WebDeps } from './web-deps.js';
import type { WebKit } from './web-kit.js';

/** What deciding, issuing and mailing a code needs (the delivery loop builds it at start-up). */
export type SignInCodeDeps = Pick<
  WebDeps,
  'db' | 'clock' | 'config' | 'logger' | 'signInMail' | 'frontAccount'
>;

/** Thrown when the mail could not be handed over: the queued row is tried again later. */
export class SignInMailFailed extends Error {
  override readonly name = 'SignInMailFailed';
}

/**
 * After the sign-in page has answered (the same page for everyone), from the durable queue:
 * decides whether `email` gets a code, issues and mails it, and records the outcome. A refusal or
 * a mail failure is invisible to the person but never silent: one operator log line says why,
 * with the address masked and the fix, and an audit entry (in the tenant's log when the deployment
 * has one tenant) records it. A mail failure then throws, so the row is retried with a new code.
 */
export async function sendSignInCode(
  deps: SignInCodeDeps,
  kit: Pick<WebKit, 'codes'>,
  email: string,
  refused: 'limited' | undefined,
): Promise<void> {
  const { db, clock, config, logger } = deps;
  const decision = await decideSignIn(config, db, email, deps.frontAccount);
  const outcome =
    refused === 'limited'
      ? {
          code: 'rate limited',
          reason: 'rate limited (too many codes for the address or the client IP in 10 minutes)',
          fix: 'wait 10 minutes',
        }
      : decision.allowed
        ? await mailCode(deps, kit, email)
        : { code: decision.code, reason: decision.reason, fix: decision.fix };
  const masked = maskAddress(email);
  if (outcome === undefined)
    logger.info({ event: 'sign_in.code_sent', email: masked }, `sign-in code sent to ${masked}`);
  else
    logger.warn(
      { event: 'sign_in.code_not_sent', email: masked, reason: outcome.reason },
      `sign-in code not sent to ${masked}: ${outcome.reason}. Fix: ${outcome.fix}.`,
    );
  await appendAudit(db, clock, {
    tenantId: decision.auditTenantId,
    userId: decision.allowed ? (decision.userId ?? null) : null,
    clientId: null,
    action: 'web.sign_in_code',
    decision: outcome === undefined ? 'sent' : 'denied',
    reason: outcome?.code ?? null,
    details: {
      domain: email.slice(email.indexOf('@') + 1),
      ...(outcome !== undefined && { why: outcome.reason, fix: outcome.fix }),
    },
  });
  if (outcome?.code === 'mail failed') throw new SignInMailFailed(outcome.reason);
}

async function mailCode(deps: SignInCodeDeps, kit: Pick<WebKit, 'codes'>, email: string) {
  const code = await kit.codes.issue(email);
  try {
    await deps.signInMail(email, code);
    return undefined;
  } catch (error) {
    return {
      code: 'mail failed',
      reason: `the mail could not be sent (${error instanceof Error ? error.message : 'unknown error'})`,
      fix: 'check WORKONWARD_SMTP_URL (run `npx workonward-mcp doctor`)',
    };
  }
}
