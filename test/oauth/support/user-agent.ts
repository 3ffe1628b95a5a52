/**
 * A minimal browser stand-in for protocol tests: a cookie jar and manual redirects over fetch.
 * Pages that matter are driven in real Chromium (see browser.ts); this one is for the many
 * attack cases that need a signed-in user quickly.
 */
export class UserAgent {
  private readonly cookies = new Map<string, string>();

  constructor(private readonly origin: string) {}

  private store(response: Response) {
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const index = pair?.indexOf('=') ?? -1;
      if (pair === undefined || index < 0) continue;
      const name = pair.slice(0, index).trim();
      const value = pair.slice(index + 1).trim();
      if (value === '' || /max-age=0|expires=thu, 01 jan 1970/i.test(line)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  async request(url: string, init: RequestInit = {}): Promise<Response> {
    const target = new URL(url, this.origin);
    const headers = new Headers(init.headers);
    if (target.origin === this.origin && this.cookies.size > 0) headers.set('cookie', this.cookieHeader());
    const response = await fetch(target, { ...init, headers, redirect: 'manual' });
    if (target.origin === this.origin) this.store(response);
    return response;
  }

  get(url: string) {
    return this.request(url);
  }

  post(url: string, form: Record<string, string | string[]>, headers: Record<string, string> = {}) {
    const body = new URLSearchParams();
    for (const [k, v] of Object.entries(form))
      for (const item of Array.isArray(v) ? v : [v]) body.append(k, item);
    return this.request(url, {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: this.origin, ...headers },
    });
  }

  /** Follows same-origin redirects; stops at the first response that is not one, or that leaves the server. */
  async follow(response: Response, limit = 10): Promise<{ response: Response; url: string }> {
    let current = response;
    let url = '';
    for (let i = 0; i < limit && current.status >= 300 && current.status < 400; i += 1) {
      const location = current.headers.get('location');
      if (location === null) break;
      url = new URL(location, this.origin).toString();
      if (new URL(url).origin !== this.origin) return { response: current, url };
      current = await this.get(url);
    }
    return { response: current, url };
  }
}

/** The value of a hidden form field named `name` in an HTML page. */
export function formField(html: string, name: string): string {
  const match = new RegExp(`name="${name}" value="([^"]*)"`).exec(html);
  if (match?.[1] === undefined) throw new Error(`no ${name} field in page`);
  return match[1].replace(/&amp;/g, '&');
}
