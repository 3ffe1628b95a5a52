import type { Child } from 'hono/jsx';

/** The only stylesheet: served by us (no third-party assets), readable on a phone. */
export const STYLESHEET = `
*{box-sizing:border-box}body{font:16px/1.5 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0;color:#1b1f24;background:#f6f7f9}
header{background:#1f3a5f;color:#fff;padding:.75rem 1rem;display:flex;flex-wrap:wrap;gap:.75rem;align-items:center}
header a{color:#fff}header strong{margin-right:auto}
main{max-width:40rem;margin:1rem auto;padding:0 1rem}
.card{background:#fff;border:1px solid #d8dde3;border-radius:8px;padding:1rem;margin:0 0 1rem}
label{display:block;font-weight:600;margin:.5rem 0 .25rem}
input[type=email],input[type=text]{width:100%;padding:.6rem;font-size:1rem;border:1px solid #9aa4b0;border-radius:6px}
fieldset{border:1px solid #d8dde3;border-radius:6px;margin:.75rem 0;padding:.5rem .75rem}
legend{font-weight:600}.choice{display:flex;gap:.6rem;align-items:flex-start;margin:.5rem 0}
.choice input{margin-top:.3rem;width:1.2rem;height:1.2rem}.choice label{margin:0;font-weight:600}
.meaning{display:block;font-weight:400;color:#48515c}.risk-high,.risk-highest{color:#a4161a}
button{font-size:1rem;padding:.6rem 1.2rem;border-radius:6px;border:1px solid #1f3a5f;background:#1f3a5f;color:#fff;cursor:pointer;margin:.5rem .5rem 0 0}
button.secondary{background:#fff;color:#1f3a5f}.error{color:#a4161a;font-weight:600}
table{width:100%;border-collapse:collapse}td,th{text-align:left;padding:.4rem;border-bottom:1px solid #e3e7eb;vertical-align:top}
pre{white-space:pre-wrap;word-break:break-word;background:#f0f2f5;padding:.5rem;border-radius:6px}
.inline{display:inline}
`;

export interface LayoutProps {
  readonly title: string;
  readonly signedIn?: { email: string; csrf: string } | undefined;
  readonly devMailbox?: boolean;
  readonly children?: Child;
}

export function Layout(props: LayoutProps) {
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{`${props.title} · BuildWorkPro`}</title>
        <link rel="stylesheet" href="/assets/web.css" />
      </head>
      <body>
        <header>
          <strong>BuildWorkPro</strong>
          {props.signedIn !== undefined && (
            <>
              <a href="/settings/developer/connected-apps">Connected apps</a>
              <a href="/settings/tenants">Tenants</a>
              <a href="/settings/outbox">Outbox</a>
              <a href="/settings/audit-log">Audit log</a>
              <a href="/settings/api-keys">API keys</a>
            </>
          )}
          {props.devMailbox === true && <a href="/dev/mailbox">Dev mailbox</a>}
          {props.signedIn !== undefined && (
            <form method="post" action="/logout" class="inline">
              <input type="hidden" name="csrf" value={props.signedIn.csrf} />
              <button type="submit" class="secondary">
                Sign out
              </button>
            </form>
          )}
        </header>
        <main>
          <h1>{props.title}</h1>
          {props.children}
        </main>
      </body>
    </html>
  );
}
