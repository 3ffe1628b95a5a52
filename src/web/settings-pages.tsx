import { SCOPES, type Scope } from '../domain/scopes.js';
import { Layout } from './layout.js';

export interface ConnectionView {
  readonly grantId: string;
  readonly clientName: string;
  readonly redirectHost: string;
  readonly tenantName: string;
  readonly scopes: readonly Scope[];
  readonly createdAt: string;
  readonly lastUsedAt: string | null;
}

interface SignedIn {
  readonly user: { email: string; csrf: string };
  readonly devMailbox: boolean;
}

const day = (iso: string | null) => (iso === null ? 'Never' : iso.slice(0, 16).replace('T', ' ') + ' UTC');

/** Settings → Developer → Connected apps: one row per grant, Revoke, and narrowing in place. */
export function ConnectedAppsPage(props: SignedIn & { readonly connections: readonly ConnectionView[] }) {
  const csrf = props.user.csrf;
  return (
    <Layout title="Connected apps" signedIn={props.user} devMailbox={props.devMailbox}>
      <p>Settings → Developer → Connected apps. Revoking ends the app’s access on its very next request.</p>
      {props.connections.length === 0 && <p class="card">No apps are connected.</p>}
      {props.connections.length > 1 && (
        <form method="post" action="/settings/developer/connected-apps/revoke-all" class="card">
          <input type="hidden" name="csrf" value={csrf} />
          <p>Lost a device, or not sure which app is which? End every connection at once.</p>
          <button type="submit">Revoke all {props.connections.length} apps</button>
        </form>
      )}
      {props.connections.map((c) => (
        <section class="card" aria-label={`${c.clientName} in ${c.tenantName}`}>
          <h2>{c.clientName}</h2>
          <table>
            <tbody>
              <tr>
                <th scope="row">App</th>
                <td>
                  {c.clientName} ({c.redirectHost})
                </td>
              </tr>
              <tr>
                <th scope="row">Tenant</th>
                <td>{c.tenantName}</td>
              </tr>
              <tr>
                <th scope="row">Scopes</th>
                <td>{c.scopes.join(', ') || 'none'}</td>
              </tr>
              <tr>
                <th scope="row">Connected</th>
                <td>{day(c.createdAt)}</td>
              </tr>
              <tr>
                <th scope="row">Last used</th>
                <td>{day(c.lastUsedAt)}</td>
              </tr>
            </tbody>
          </table>
          <form method="post" action={`/settings/developer/connected-apps/${c.grantId}/scopes`}>
            <input type="hidden" name="csrf" value={csrf} />
            <fieldset>
              <legend>Keep these scopes</legend>
              {c.scopes.map((scope) => (
                <div class="choice">
                  <input
                    type="checkbox"
                    id={`keep-${c.grantId}-${scope}`}
                    name="scope"
                    value={scope}
                    checked
                  />
                  <label for={`keep-${c.grantId}-${scope}`}>
                    {SCOPES[scope].label} <code>{scope}</code>
                  </label>
                </div>
              ))}
            </fieldset>
            <button type="submit" class="secondary">
              Save scopes
            </button>
          </form>
          <form method="post" action={`/settings/developer/connected-apps/${c.grantId}/revoke`}>
            <input type="hidden" name="csrf" value={csrf} />
            <button type="submit" aria-label={`Revoke ${c.clientName} (${c.tenantName})`}>
              Revoke
            </button>
          </form>
        </section>
      ))}
    </Layout>
  );
}

export function TenantsPage(
  props: SignedIn & {
    readonly tenants: readonly { id: string; name: string; role: string }[];
    readonly current: string | undefined;
  },
) {
  return (
    <Layout title="Tenants" signedIn={props.user} devMailbox={props.devMailbox}>
      <form method="post" action="/settings/tenants" class="card">
        <input type="hidden" name="csrf" value={props.user.csrf} />
        <fieldset>
          <legend>Current tenant (preselected when you connect an app)</legend>
          {props.tenants.map((t) => (
            <div class="choice">
              <input
                type="radio"
                id={`tenant-${t.id}`}
                name="tenant"
                value={t.id}
                checked={t.id === props.current}
              />
              <label for={`tenant-${t.id}`}>{t.name}</label> <span class="meaning">({t.role})</span>
            </div>
          ))}
        </fieldset>
        <button type="submit">Switch tenant</button>
      </form>
    </Layout>
  );
}

export function DevMailboxPage(props: {
  readonly messages: readonly { id: string; to: string; subject: string; at: string; body: string }[];
}) {
  return (
    <Layout title="Dev mailbox" devMailbox>
      <p>Development only: mail is kept here because no SMTP server is configured.</p>
      {props.messages.map((m) => (
        <article class="card" aria-label={m.subject}>
          <h2>{m.subject}</h2>
          <p>
            To {m.to} · {day(m.at)}
          </p>
          <pre>{m.body}</pre>
        </article>
      ))}
    </Layout>
  );
}
