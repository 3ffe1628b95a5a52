import type { KoaContextWithOIDC, Middleware } from 'oidc-provider';

/** The engine's own limit for a form or JSON body; one bound for every reader. */
export const OAUTH_BODY_LIMIT = 56 * 1024;

type BodyRequest = KoaContextWithOIDC['req'] & { body?: Record<string, unknown> };

type Read =
  { ok: true; body: Record<string, unknown> } | { ok: false; status: 400 | 413; description: string };

function mediaType(ctx: KoaContextWithOIDC): string {
  return (
    String(ctx.headers['content-type'] ?? '')
      .split(';')[0]
      ?.trim()
      .toLowerCase() ?? ''
  );
}

async function readWithin(ctx: KoaContextWithOIDC, type: string): Promise<Read> {
  const req = ctx.req as BodyRequest;
  const declared = Number(ctx.headers['content-length'] ?? Number.NaN);
  const tooLarge = {
    ok: false,
    status: 413,
    description: `the request body must not exceed ${String(OAUTH_BODY_LIMIT)} bytes`,
  } as const;
  if (declared > OAUTH_BODY_LIMIT) return tooLarge;
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of req.iterator({ destroyOnReturn: false }) as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > OAUTH_BODY_LIMIT) return tooLarge;
      chunks.push(chunk);
    }
  } catch {
    return { ok: false, status: 400, description: 'the request body could not be read' };
  }
  const text = Buffer.concat(chunks).toString('utf8');
  try {
    const body: unknown =
      type === 'application/json' ? JSON.parse(text) : Object.fromEntries(new URLSearchParams(text));
    if (typeof body === 'object' && body !== null && !Array.isArray(body))
      return { ok: true, body: body as Record<string, unknown> };
  } catch {
    // Falls through to the refusal below.
  }
  return { ok: false, status: 400, description: 'the request body is not a JSON object or a form' };
}

/**
 * Every form or JSON POST to the authorization server is read here, once, within the engine's
 * limit, before any middleware looks at it: the throttle, the registration policy and the refresh
 * grace all see the same parsed body (`req.body`, which the engine accepts in place of the stream).
 * A body that cannot be read whole is refused (413 or 400) instead of being passed on half-read,
 * where the engine would parse whatever followed the part already consumed.
 */
export function readBodiesOnce(): Middleware {
  return async (ctx, next) => {
    const type = mediaType(ctx);
    const form = type === 'application/json' || type === 'application/x-www-form-urlencoded';
    if (ctx.method !== 'POST' || !form || (ctx.req as BodyRequest).body !== undefined) return next();
    const read = await readWithin(ctx, type);
    if (!read.ok) {
      ctx.status = read.status;
      ctx.set('Cache-Control', 'no-store');
      ctx.set('Connection', 'close');
      ctx.body = { error: 'invalid_request', error_description: read.description };
      return;
    }
    (ctx.req as BodyRequest).body = read.body;
    return next();
  };
}

/** The body `readBodiesOnce` parsed, or undefined for a request without a form or JSON body. */
export function bodyOf(ctx: KoaContextWithOIDC): Record<string, unknown> | undefined {
  return (ctx.req as BodyRequest).body;
}
