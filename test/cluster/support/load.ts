/**
 * A bounded load generator for the harness: `clients` loops of MCP tool calls through one URL,
 * a mix of reads (`projects.list`) and queued sends (`send_email` with a fresh idempotency key
 * each), until `stop()` or `maxRequests`. Every request is classified; nothing is retried here
 * (the fault tests retry unacknowledged sends themselves, with the same key, as a model would).
 */
export interface LoadReport {
  readonly requests: number;
  readonly failures: readonly { kind: string; detail: string; servedBy: string | null }[];
  /** idempotency key → message id, for every send the server acknowledged. */
  readonly acknowledged: ReadonlyMap<string, string>;
  /** Keys of sends that got no answer (in flight on a killed instance): the client must retry them. */
  readonly unanswered: readonly string[];
  /** Requests answered per instance (from the balancer's X-Served-By). */
  readonly servedBy: Readonly<Record<string, number>>;
}

export interface RunningLoad {
  stop(): Promise<LoadReport>;
  /** Requests answered so far. */
  readonly answered: () => number;
}

const HEADERS = {
  'content-type': 'application/json',
  accept: 'application/json, text/event-stream',
  'mcp-protocol-version': '2025-11-25',
};

export function sendEmailCall(key: string) {
  return {
    jsonrpc: '2.0',
    id: 1,
    method: 'tools/call',
    params: {
      name: 'send_email',
      arguments: { to: ['person@gitdate.ink'], subject: key, text: `Body of ${key}`, idempotency_key: key },
    },
  };
}

/** One MCP POST; the JSON-RPC message from a JSON or single-frame SSE answer. */
export async function mcpPost(
  url: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; servedBy: string | null; message: Record<string, unknown> | undefined }> {
  const response = await fetch(`${url}/mcp`, {
    method: 'POST',
    headers: { ...HEADERS, ...headers },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(30_000),
  });
  const text = await response.text();
  const data = (response.headers.get('content-type') ?? '').includes('text/event-stream')
    ? text
        .split('\n')
        .find((line) => line.startsWith('data: '))
        ?.slice(6)
    : text;
  let message: Record<string, unknown> | undefined;
  try {
    message = data === undefined || data === '' ? undefined : (JSON.parse(data) as Record<string, unknown>);
  } catch {
    message = undefined;
  }
  return { status: response.status, servedBy: response.headers.get('x-served-by'), message };
}

export function startLoad(options: {
  url: string;
  clients: number;
  /** Every n-th request is a send (0: reads only). */
  sendEvery: number;
  maxRequests: number;
  keyPrefix: string;
  headers?: Record<string, string>;
  /** Each client's pause between requests: a steady load that leaves the cores room to restart instances. */
  pauseMs?: number;
}): RunningLoad {
  let stopped = false;
  let issued = 0;
  let answered = 0;
  const failures: { kind: string; detail: string; servedBy: string | null }[] = [];
  const acknowledged = new Map<string, string>();
  const unanswered: string[] = [];
  const servedBy: Record<string, number> = {};
  const client = async () => {
    while (!stopped && issued < options.maxRequests) {
      const n = issued++;
      const key =
        options.sendEvery > 0 && n % options.sendEvery === 0 ? `${options.keyPrefix}-${n}` : undefined;
      const body =
        key === undefined
          ? {
              jsonrpc: '2.0',
              id: n,
              method: 'tools/call',
              params: { name: 'projects.list', arguments: { limit: 5 } },
            }
          : sendEmailCall(key);
      try {
        const { status, servedBy: by, message } = await mcpPost(options.url, body, options.headers);
        answered += 1;
        if (by !== null) servedBy[by] = (servedBy[by] ?? 0) + 1;
        const result = message?.result as
          { isError?: boolean; structuredContent?: { message_id?: string } } | undefined;
        if (status !== 200 || result === undefined || result.isError === true) {
          failures.push({
            kind: `http ${status}`,
            detail: JSON.stringify(message ?? null).slice(0, 300),
            servedBy: by,
          });
          if (key !== undefined) unanswered.push(key);
        } else if (key !== undefined) {
          const id = result.structuredContent?.message_id;
          if (id === undefined)
            failures.push({
              kind: 'no message_id',
              detail: JSON.stringify(result).slice(0, 300),
              servedBy: by,
            });
          else acknowledged.set(key, id);
        }
      } catch (error) {
        failures.push({ kind: 'network', detail: String(error), servedBy: null });
        if (key !== undefined) unanswered.push(key);
      }
      await new Promise((resolve) => setTimeout(resolve, options.pauseMs ?? 0));
    }
  };
  const loops = Promise.all(Array.from({ length: options.clients }, client));
  return {
    answered: () => answered,
    async stop() {
      stopped = true;
      await loops;
      return { requests: issued, failures, acknowledged, unanswered, servedBy };
    },
  };
}
