import type { SendingUsage } from '../domain/mail/sending-limits.js';
import { Layout } from './layout.js';

interface SignedIn {
  readonly user: { email: string; csrf: string };
  readonly devMailbox: boolean;
  readonly tenantName: string;
}

export interface AuditEntryView {
  readonly at: string;
  readonly action: string;
  readonly decision: string;
  readonly reason: string | null;
  readonly details: string;
}

export interface OutboxView {
  readonly message_id: string;
  readonly status: string;
  readonly explanation: string;
  readonly recipients: readonly string[];
  readonly subject: string;
  readonly attempts: number;
  readonly last_error: string | null;
  readonly created_at: string;
}

const when = (iso: string) => `${iso.slice(0, 19).replace('T', ' ')} UTC`;

/** Settings → Audit log: the tenant's email and authorization decisions, newest first. */
export function AuditLogPage(
  props: SignedIn & { readonly entries: readonly AuditEntryView[]; readonly next: string | null },
) {
  return (
    <Layout title="Audit log" signedIn={props.user} devMailbox={props.devMailbox}>
      <p>
        Settings → Audit log for {props.tenantName}. Every email tool call and refusal, every delivery attempt
        and every connection change. Export all of it with{' '}
        <code>npx workonward-mcp audit export --tenant SLUG</code>.
      </p>
      <table class="card">
        <ColumnHeads names={['When', 'Action', 'Decision', 'Details']} />
        <tbody>
          {props.entries.map((e) => (
            <tr>
              <td>{when(e.at)}</td>
              <td>
                <code>{e.action}</code>
              </td>
              <td>
                {e.decision}
                {e.reason !== null && <span class="meaning">{e.reason}</span>}
              </td>
              <td>
                <pre>{e.details}</pre>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {props.entries.length === 0 && <p class="card">Nothing recorded yet.</p>}
      {props.next !== null && (
        <a href={`/settings/audit-log?before=${encodeURIComponent(props.next)}`}>Older entries</a>
      )}
    </Layout>
  );
}

/** The tenant's sending limits and how much of each the last window used (shared by every instance). */
function SendingLimits(props: { readonly usage: readonly SendingUsage[] }) {
  return (
    <table aria-label="Sending limits">
      <caption>Sending limits (messages queued, across every instance)</caption>
      <ColumnHeads names={['Window', 'Used', 'Limit']} />
      <tbody>
        {props.usage.map((u) => (
          <tr class={u.used >= u.limit ? 'error' : undefined}>
            <td>{WINDOW_NAMES[u.windowMs] ?? `${u.windowMs / 1000} s`}</td>
            <td>{u.used}</td>
            <td>{u.limit}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

const WINDOW_NAMES: Record<number, string> = {
  60_000: 'last minute',
  3_600_000: 'last hour',
  86_400_000: 'last 24 hours',
};

/** Settings → Outbox: queued and recent messages, with Cancel (before sending) and Retry (failed or dead). */
export function OutboxPage(
  props: SignedIn & {
    readonly messages: readonly OutboxView[];
    readonly usage: readonly SendingUsage[];
    readonly canManage: boolean;
  },
) {
  const csrf = props.user.csrf;
  return (
    <Layout title="Outbox" signedIn={props.user} devMailbox={props.devMailbox}>
      <p>Settings → Outbox for {props.tenantName}: mail queued by the email tools, newest first.</p>
      <SendingLimits usage={props.usage} />
      {props.messages.length === 0 && <p class="card">The outbox is empty.</p>}
      {props.messages.map((m) => (
        <section class="card" aria-label={`${m.subject} (${m.status})`}>
          <h2>{m.subject}</h2>
          <p>
            <strong>{m.status}</strong> — {m.explanation}
          </p>
          <p>
            {/* A dry-run row was never queued: "queued <time>" beside its explanation contradicted it. */}
            To {m.recipients.join(', ')} · {m.status === 'dry_run' ? 'recorded' : 'queued'}{' '}
            {when(m.created_at)} · attempts {m.attempts}
            {m.last_error !== null && <span class="error"> · {m.last_error}</span>}
          </p>
          {props.canManage && (m.status === 'queued' || m.status === 'failed') && (
            <form method="post" action={`/settings/outbox/${m.message_id}/cancel`} class="inline">
              <input type="hidden" name="csrf" value={csrf} />
              <button type="submit" class="secondary" aria-label={`Cancel ${m.subject}`}>
                Cancel
              </button>
            </form>
          )}
          {props.canManage && (m.status === 'failed' || m.status === 'dead') && (
            <form method="post" action={`/settings/outbox/${m.message_id}/retry`} class="inline">
              <input type="hidden" name="csrf" value={csrf} />
              <button type="submit" aria-label={`Retry ${m.subject}`}>
                Retry now
              </button>
            </form>
          )}
        </section>
      ))}
    </Layout>
  );
}

/** A table's header row: one column header per name (screen readers announce them per cell). */
function ColumnHeads(props: { readonly names: readonly string[] }) {
  return (
    <thead>
      <tr>
        {props.names.map((name) => (
          <th scope="col">{name}</th>
        ))}
      </tr>
    </thead>
  );
}
