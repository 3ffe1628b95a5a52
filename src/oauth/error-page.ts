const escapes: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => escapes[c] ?? c);
}

/**
 * The authorization server's own error page (errors raised before the redirect URI is trusted
 * render here and never redirect, RFC 9700 §4.11.2). No third-party assets.
 */
export function errorPage(error: string, description: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Authorization error</title></head><body style="font-family:system-ui,sans-serif;max-width:32rem;margin:2rem auto;padding:0 1rem"><h1>Authorization error</h1><p><strong>${escapeHtml(error)}</strong></p><p>${escapeHtml(description)}</p><p>Return to the application and try connecting again.</p></body></html>`;
}
