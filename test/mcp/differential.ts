import http from 'node:http';
import { type Case, MAX_BODY } from './differential-corpus.js';
import { exchange } from './raw-http.js';

/**
 * What the differential tests (core-differential, oauth-differential, stdio-differential)
 * observe of an answer and where the core and the SDK path may differ, and why (normalise() and
 * send() apply exactly these, nothing else):
 * 1. JSON key order: a JSON object is unordered (RFC 8259 §4); the core writes `result` before
 *    `jsonrpc`/`id` like the SDK's transport, but nested objects (a tool's structuredContent)
 *    are compared as values, not as bytes.
 * 2. `change_id` and `requestState` (HMACs over a per-store key) and `preview_id` (random per
 *    preview): the two servers have two stores, so these are compared for presence only.
 * 3. Headers that describe the transfer, not the answer: `date`, `content-length` (equal bytes
 *    modulo 1.), `connection`/`keep-alive` (Node decides them per connection), `transfer-encoding`,
 *    `vary` (the core's lists say `vary: accept-encoding`: they are gzip-compressed for clients
 *    that accept it, list-bytes.test.ts).
 * 4. The server's own origin (OAuth mode: the issuer in WWW-Authenticate and in the answers):
 *    each server listens on its own port.
 */
const TRANSFER_HEADERS = new Set([
  'date',
  'content-length',
  'connection',
  'keep-alive',
  'transfer-encoding',
  'vary',
]);

export interface Observed {
  status: number;
  headers: Record<string, string>;
  /** The JSON-RPC message(s): the JSON body, or every SSE `data:` line; raw text otherwise. */
  messages: unknown[] | string;
}

/**
 * The servers' settings in every differential test: the corpus's small body limit (so oversized
 * bodies are cheap), no per-grant limit in the way of thousands of calls from one grant (the
 * limit is tested by grant-and-tenant-limits), and an allowlist the corpus's addresses pass.
 */
export const DIFFERENTIAL_ENV = {
  WORKONWARD_MCP_MAX_BODY_BYTES: String(MAX_BODY),
  WORKONWARD_MCP_GRANT_CALLS_PER_MINUTE: '1000000',
  WORKONWARD_MCP_RECIPIENT_ALLOWLIST: '@gitdate\\.ink$',
};

/**
 * Kept-alive connections for ordinary bodies, a fresh one for bodies the server may refuse before
 * reading them whole (so no later request lands on a socket being closed).
 */
export const keepAlive = new http.Agent({ keepAlive: true, maxSockets: 1 });

/** One request of the corpus and what a client observes of its answer, normalised. */
export async function send(url: string, input: Case): Promise<Observed> {
  const size = Buffer.byteLength(input.body);
  const answer = await exchange(url, {
    headers: input.chunked ? input.headers : { ...input.headers, 'content-length': String(size) },
    body: input.body,
    agent: input.chunked || size > MAX_BODY ? false : keepAlive,
    chunked: input.chunked,
    refusable: true,
  });
  const { status, headers: raw, text } = answer;
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(raw))
    if (!TRANSFER_HEADERS.has(name) && value !== undefined) headers[name] = String(value);
  const contentType = headers['content-type'] ?? '';
  let messages: unknown[] | string = text;
  try {
    if (contentType.startsWith('text/event-stream'))
      messages = text
        .split('\n')
        .filter((line) => line.startsWith('data: '))
        .map((line) => JSON.parse(line.slice(6)) as unknown);
    else if (text !== '') messages = [JSON.parse(text) as unknown];
    else messages = [];
  } catch {
    messages = text;
  }
  return { status, headers, messages: normalise(messages) as unknown[] | string };
}

/** Random or per-store values (difference 2), wherever they appear: a field or inside a text. */
const PER_STORE = [
  { key: 'change_id', text: /(change_id["=:\s]+)[A-Za-z0-9._~-]{16,}/g },
  { key: 'requestState', text: /(requestState["=:\s]+)[A-Za-z0-9._~-]{16,}/g },
  { key: 'preview_id', text: /(pv_)[A-Za-z0-9_-]{22}/g },
];

/** Applies differences 1 and 2: sorted keys, per-store HMACs and random ids reduced to a mark. */
export function normalise(value: unknown): unknown {
  if (typeof value === 'string')
    return PER_STORE.reduce((text, { text: pattern }) => text.replace(pattern, '$1<per-store>'), value);
  if (Array.isArray(value)) return value.map(normalise);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) {
    const item = (value as Record<string, unknown>)[key];
    out[key] =
      PER_STORE.some((entry) => entry.key === key) && typeof item === 'string'
        ? '<per-store>'
        : normalise(item);
  }
  return out;
}

/** Applies difference 4: the server's origin, wherever it appears, reduced to a mark. */
export function withoutOrigin(observed: Observed, origin: string): Observed {
  return JSON.parse(JSON.stringify(observed).replaceAll(origin, '<origin>')) as Observed;
}
