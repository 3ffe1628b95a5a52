import { request } from 'node:https';
import { Readable } from 'node:stream';

/**
 * Makes this test process's `fetch` trust `ca` for requests to `origin` only, as a client trusts
 * a real certificate authority (Node 20's fetch takes no CA option, and NODE_EXTRA_CA_CERTS is
 * read at process start, before a test made its certificate). Requests go over node:https;
 * redirects are never followed (the callers here read them with `redirect: 'manual'`). Returns
 * the function that restores the original fetch.
 */
export function trustCertificateFor(origin: string, ca: string): () => void {
  const original = globalThis.fetch;
  globalThis.fetch = async (input, init) => {
    const outgoing = new Request(input, init);
    if (new URL(outgoing.url).origin !== origin) return original(input, init);
    const body = outgoing.body === null ? undefined : Buffer.from(await outgoing.arrayBuffer());
    return new Promise<Response>((resolve, reject) => {
      const sent = request(
        outgoing.url,
        { method: outgoing.method, headers: Object.fromEntries(outgoing.headers), ca },
        (incoming) => {
          const headers = new Headers();
          for (const [name, value] of Object.entries(incoming.headers))
            for (const item of Array.isArray(value) ? value : [value ?? '']) headers.append(name, item);
          const status = incoming.statusCode ?? 502;
          const empty = [101, 204, 205, 304].includes(status) || outgoing.method === 'HEAD';
          if (empty) incoming.resume();
          resolve(
            new Response(empty ? null : (Readable.toWeb(incoming) as ReadableStream<Uint8Array>), {
              status,
              statusText: incoming.statusMessage ?? '',
              headers,
            }),
          );
        },
      );
      sent.on('error', reject);
      outgoing.signal.addEventListener('abort', () => sent.destroy(outgoing.signal.reason as Error));
      sent.end(body);
    });
  };
  return () => {
    globalThis.fetch = original;
  };
}
