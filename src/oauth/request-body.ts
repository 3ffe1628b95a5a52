import type { KoaContextWithOIDC } from 'oidc-provider';

const LIMIT = 56 * 1024;

/**
 * Reads a request body before the engine does (registration pre-processing, refresh grace). The
 * parsed object is left on `req.body`, which the engine's body parser accepts in place of the
 * stream. Returns undefined for bodies that are not JSON or form-encoded, or too large.
 */
export async function readBodyOnce(ctx: KoaContextWithOIDC): Promise<Record<string, unknown> | undefined> {
  const req = ctx.req as typeof ctx.req & { body?: Record<string, unknown> };
  if (req.body !== undefined) return req.body;
  const type = String(ctx.headers['content-type'] ?? '')
    .split(';')[0]
    ?.trim()
    .toLowerCase();
  if (type !== 'application/json' && type !== 'application/x-www-form-urlencoded') return undefined;
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req.iterator({ destroyOnReturn: false }) as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > LIMIT) return undefined;
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  let body: Record<string, unknown>;
  try {
    body =
      type === 'application/json'
        ? (JSON.parse(text) as Record<string, unknown>)
        : Object.fromEntries(new URLSearchParams(text));
  } catch {
    return undefined;
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return undefined;
  req.body = body;
  return body;
}
