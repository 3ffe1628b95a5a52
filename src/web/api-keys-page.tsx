import type { ApiKeyView } from '../domain/api-keys/api-keys.js';
import { ALL_SCOPES, SCOPES } from '../domain/scopes.js';
import { Layout } from './layout.js';

const when = (iso: string | null) => (iso === null ? 'Never' : `${iso.slice(0, 16).replace('T', ' ')} UTC`);

/**
 * Settings → API keys: the tenant's keys for the Workonward HTTP API (`/api/v1`), a form to make
 * one, and Revoke. A new key is shown on this page once, right after it is made, and never again.
 */
export function ApiKeysPage(props: {
  readonly user: { email: string; csrf: string };
  readonly devMailbox: boolean;
  readonly tenantName: string;
  readonly keys: readonly ApiKeyView[];
  readonly created?: { key: string; prefix: string } | undefined;
  readonly error?: string | undefined;
}) {
  const csrf = props.user.csrf;
  const live = props.keys.filter((k) => k.revoked_at === null);
  return (
    <Layout title="API keys" signedIn={props.user} devMailbox={props.devMailbox}>
      <p>
        Settings → API keys for {props.tenantName}. A key lets a script or another deployment (a front in
        remote backend mode) call this server’s HTTP API at <code>/api/v1</code> as this tenant, with the
        scopes ticked here. Revoking ends it on its very next request.
      </p>
      {props.created !== undefined && (
        <section class="card" aria-label="New API key">
          <h2>Your new key {props.created.prefix}…</h2>
          <p>Copy it now: this is the only time it is shown. Only a hash of it is kept.</p>
          <pre>{props.created.key}</pre>
        </section>
      )}
      {props.error !== undefined && <p class="error">{props.error}</p>}
      <form method="post" action="/settings/api-keys" class="card">
        <input type="hidden" name="csrf" value={csrf} />
        <label for="key-name">Name</label>
        <input type="text" id="key-name" name="name" maxlength={100} placeholder="PING8 front" required />
        <fieldset>
          <legend>Scopes</legend>
          {ALL_SCOPES.map((scope) => (
            <div class="choice">
              <input type="checkbox" id={`key-scope-${scope}`} name="scope" value={scope} />
              <label for={`key-scope-${scope}`}>
                {SCOPES[scope].label} <code>{scope}</code>
              </label>
            </div>
          ))}
        </fieldset>
        <div class="choice">
          <input type="checkbox" id="key-on-behalf-of" name="on_behalf_of" value="1" />
          <label for="key-on-behalf-of">
            For a front deployment
            <span class="meaning">
              It may name the signed-in person it acts for (On-Behalf-Of, kept in the audit log) and send that
              front’s sign-in codes through this server’s mail.
            </span>
          </label>
        </div>
        <button type="submit">Create key</button>
      </form>
      {live.length === 0 && <p class="card">No live keys.</p>}
      {live.map((k) => (
        <section class="card" aria-label={`${k.name} ${k.prefix}`}>
          <h2>
            {k.name} <code>{k.prefix}…</code>
          </h2>
          <table>
            <tbody>
              <tr>
                <th scope="row">Scopes</th>
                <td>{k.scopes.join(', ')}</td>
              </tr>
              <tr>
                <th scope="row">Front</th>
                <td>{k.on_behalf_of ? 'yes (On-Behalf-Of, sign-in codes)' : 'no'}</td>
              </tr>
              <tr>
                <th scope="row">Created</th>
                <td>
                  {when(k.created_at)} by {k.created_by}
                </td>
              </tr>
              <tr>
                <th scope="row">Last used</th>
                <td>{when(k.last_used_at)}</td>
              </tr>
            </tbody>
          </table>
          <form method="post" action={`/settings/api-keys/${k.id}/revoke`}>
            <input type="hidden" name="csrf" value={csrf} />
            <button type="submit" aria-label={`Revoke ${k.name} (${k.prefix})`}>
              Revoke
            </button>
          </form>
        </section>
      ))}
    </Layout>
  );
}
