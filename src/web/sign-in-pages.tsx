import { Layout } from './layout.js';

interface Common {
  readonly csrf: string;
  readonly next: string;
  readonly devMailbox: boolean;
  readonly error?: string | undefined;
}

export function EmailPage(props: Common) {
  return (
    <Layout title="Sign in" devMailbox={props.devMailbox}>
      <div class="card">
        <p>We will email you a one-time code.</p>
        {props.error !== undefined && (
          <p class="error" role="alert">
            {props.error}
          </p>
        )}
        <form method="post" action="/login">
          <input type="hidden" name="csrf" value={props.csrf} />
          <input type="hidden" name="next" value={props.next} />
          <label for="email">Email</label>
          <input id="email" name="email" type="email" autocomplete="email" required />
          <button type="submit">Send code</button>
        </form>
      </div>
    </Layout>
  );
}

export function CodePage(props: Common & { readonly email: string }) {
  return (
    <Layout title="Enter your code" devMailbox={props.devMailbox}>
      <div class="card">
        <p>
          If <strong>{props.email}</strong> may sign in, a code is on its way. It works once, for 10 minutes.
          {props.devMailbox && ' No SMTP server is configured: open the dev mailbox to read it.'}
        </p>
        {props.error !== undefined && (
          <p class="error" role="alert">
            {props.error}
          </p>
        )}
        <form method="post" action="/login/verify">
          <input type="hidden" name="csrf" value={props.csrf} />
          <input type="hidden" name="next" value={props.next} />
          <input type="hidden" name="email" value={props.email} />
          <label for="code">Code</label>
          <input
            id="code"
            name="code"
            type="text"
            inputmode="numeric"
            autocomplete="one-time-code"
            required
          />
          <button type="submit">Sign in</button>
        </form>
        <p>
          <a href={`/login?next=${encodeURIComponent(props.next)}`}>Use another address</a>
        </p>
      </div>
    </Layout>
  );
}

export function MessagePage(props: { title: string; message: string; devMailbox?: boolean }) {
  return (
    <Layout title={props.title} devMailbox={props.devMailbox ?? false}>
      <div class="card">
        <p>{props.message}</p>
      </div>
    </Layout>
  );
}

/** The landing page: what this server is, where MCP clients connect, and where people sign in. */
export function HomePage(props: { issuer: string; devMailbox: boolean }) {
  return (
    <Layout title="BuildWorkPro MCP server" devMailbox={props.devMailbox}>
      <div class="card">
        <p>Connect ChatGPT, Claude, VS Code, Cursor or any MCP client to one of these URLs:</p>
        <pre>{`${props.issuer}/mcp\n${props.issuer}/api/mcp`}</pre>
        <p>The client sends you here to sign in, choose a tenant and the permissions it gets.</p>
        <p>
          <a href="/settings/developer/connected-apps">Connected apps</a> ·{' '}
          <a href="/settings/tenants">Tenants</a> · <a href="/login">Sign in</a>
        </p>
      </div>
    </Layout>
  );
}

/** The answer to a settings form whose CSRF token is missing or wrong (403). */
export function FormRefusedPage() {
  return (
    <MessagePage
      title="Request refused"
      message="The form expired or came from another site. Reload the page and try again."
    />
  );
}
