import type { Kysely } from 'kysely';
import { DomainError } from '../../domain/errors.js';
import { auditEmail, type EmailTool } from '../../domain/mail/deps.js';
import type { MailPolicy } from '../../domain/mail/policy.js';
import type { Principal } from '../../domain/principal.js';
import type { Clock } from '../../lib/clock.js';
import type { Database } from '../../store/schema.js';
import {
  previewResult,
  sendResult,
  statusResult,
  validationResult,
  type MailPort,
  type SendResult,
} from '../mail-port.js';
import type { BackendClient } from './backend-client.js';
import { narrowPreview, narrowValidation, refuseOffFront, sendBatchNarrowed } from './front-allowlist.js';

export interface RemoteMailDeps {
  readonly client: BackendClient;
  /** The front's own policy: its dry-run holds whatever the backend would do; its allowlist narrows the backend's. */
  readonly policy: MailPolicy;
  /** The front's store and clock, for its own audit log (the backend keeps its own). */
  readonly db: Kysely<Database>;
  readonly clock: Clock;
}

/**
 * Email for one principal through another deployment's `/api/v1`. The front's dry-run is sent
 * with every send (`dry_run: true`), so it holds even when the backend would send; a backend in
 * dry-run says so in its answers, which pass through. Every call is recorded in the front's
 * audit log too, with the backend's answer.
 */
export function remoteMail(deps: RemoteMailDeps, principal: Principal, forceDryRun: boolean): MailPort {
  const { client, policy } = deps;
  const dryRun = forceDryRun || policy.dryRun;
  const audited = async <T>(
    tool: EmailTool,
    work: () => Promise<T>,
    describe: (out: T) => [string, object],
  ) => {
    const record = (decision: string, reason: string | null, details: object) =>
      auditEmail(deps.db, deps.clock, principal, tool, decision, reason, {
        ...details,
        backend: client.origin,
      });
    try {
      const out = await work();
      const [decision, details] = describe(out);
      await record(decision, null, details);
      return out;
    } catch (error) {
      if (error instanceof DomainError) await record('refused', error.code, { message: error.message });
      throw error;
    }
  };
  const sent =
    (key: string) =>
    (out: SendResult): [string, object] => [
      out.replayed ? 'replayed' : out.dry_run ? 'dry_run' : 'queued',
      {
        idempotency_key: key,
        messages: out.results.map((r) => ({
          status: r.status,
          message_id: r.message_id,
          recipients: r.recipients,
        })),
      },
    ];
  return {
    batchMax: policy.batchMax,
    validateRecipients: (entries) =>
      audited(
        'validate_recipients',
        async () => {
          const out = await client.call(
            { method: 'POST', path: '/mail/validate', body: { recipients: entries }, principal },
            validationResult,
          );
          return { ...narrowValidation(policy.allowlist, out), dry_run: out.dry_run || dryRun };
        },
        (out) => [
          'checked',
          { recipients: out.recipients.map((r) => ({ canonical: r.canonical, allowed: r.allowed })) },
        ],
      ),
    preview: (input) =>
      audited(
        'preview_send',
        async () => {
          const out = await client.call(
            { method: 'POST', path: '/mail/preview', body: input, principal },
            previewResult,
          );
          return { ...narrowPreview(policy.allowlist, out), dry_run: out.dry_run || dryRun };
        },
        (out) => [out.sendable ? 'previewed' : 'blocked', { content_hash: out.content_hash }],
      ),
    send: (tool, key, items, bid) =>
      audited(
        tool,
        () => {
          const flag = dryRun ? { dry_run: true } : {};
          const [first] = items;
          if (tool === 'send_email' && first !== undefined) {
            refuseOffFront(policy.allowlist, first.message);
            const body = { ...first.message, preview_id: first.previewId, bid, ...flag };
            return client.call(
              { method: 'POST', path: '/mail/send', idempotencyKey: key, principal, body },
              sendResult,
            );
          }
          return sendBatchNarrowed(policy.allowlist, items, (kept) => {
            const messages = kept.map((i) => ({ ...i.message, preview_id: i.previewId }));
            return client.call(
              {
                method: 'POST',
                path: '/mail/batch',
                idempotencyKey: key,
                principal,
                body: { messages, ...flag },
              },
              sendResult,
            );
          });
        },
        sent(key),
      ),
    status: async (query) => {
      const out = await client.call(
        { method: 'GET', path: '/mail/status', query: { ...query }, principal },
        statusResult,
      );
      return { ...out, dry_run_enabled: out.dry_run_enabled || policy.dryRun };
    },
    async refuseInput(tool, problems) {
      await auditEmail(deps.db, deps.clock, principal, tool, 'refused', 'invalid_input', { problems });
    },
  };
}
