import { SCOPES, type Scope } from '../domain/scopes.js';
import { Layout } from './layout.js';

export interface ConsentProps {
  readonly uid: string;
  readonly user: { email: string; csrf: string };
  readonly clientName: string;
  readonly clientId: string;
  /** Where the user will be sent back: the redirect host, or the metadata document's domain. */
  readonly redirectHost: string;
  readonly metadataDocument: boolean;
  readonly localhostOnly: boolean;
  readonly tenants: readonly { id: string; name: string }[];
  readonly selectedTenant: string | undefined;
  readonly scopes: readonly { scope: Scope; checked: boolean }[];
  readonly identity: boolean;
  readonly error?: string | undefined;
}

const riskText = {
  low: 'Low risk',
  medium: 'Medium risk',
  high: 'High risk',
  highest: 'Highest risk',
} as const;

/** Tenant choice and per-scope consent on one page (A11). Everything shown is escaped by JSX. */
export function ConsentPage(props: ConsentProps) {
  return (
    <Layout title="Connect an app" signedIn={props.user}>
      <div class="card">
        <p>
          <strong>{props.clientName}</strong> wants to use your BuildWorkPro data.
        </p>
        <p>
          After you decide, you will be sent to <strong>{props.redirectHost}</strong>
          {props.metadataDocument ? ` (app identity published at ${new URL(props.clientId).host})` : ''}.
        </p>
        {props.localhostOnly && (
          <p class="error">
            This app only returns to this computer (localhost). Allow it only if you started it yourself.
          </p>
        )}
        <p>Signed in as {props.user.email}.</p>
        {props.error !== undefined && (
          <p class="error" role="alert">
            {props.error}
          </p>
        )}
        <form method="post" action={`/oauth/interaction/${props.uid}`}>
          <input type="hidden" name="csrf" value={props.user.csrf} />
          <fieldset>
            <legend>Tenant</legend>
            {props.tenants.map((tenant) => (
              <div class="choice">
                <input
                  type="radio"
                  id={`tenant-${tenant.id}`}
                  name="tenant"
                  value={tenant.id}
                  checked={tenant.id === props.selectedTenant}
                  required
                />
                <label for={`tenant-${tenant.id}`}>{tenant.name}</label>
              </div>
            ))}
          </fieldset>
          <fieldset>
            <legend>Permissions</legend>
            {props.scopes.map(({ scope, checked }) => (
              <div class="choice">
                <input type="checkbox" id={`scope-${scope}`} name="scope" value={scope} checked={checked} />
                <label for={`scope-${scope}`}>
                  {SCOPES[scope].label} <code>{scope}</code>
                  <span class={`meaning risk-${SCOPES[scope].risk}`}>
                    {SCOPES[scope].meaning} {riskText[SCOPES[scope].risk]}.
                  </span>
                </label>
              </div>
            ))}
            {props.identity && <p class="meaning">The app also learns your name and email address.</p>}
          </fieldset>
          <button type="submit" name="decision" value="allow">
            Allow
          </button>
          <button type="submit" name="decision" value="deny" class="secondary">
            Deny
          </button>
        </form>
      </div>
    </Layout>
  );
}
