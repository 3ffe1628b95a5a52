/**
 * The server's own count of answered `tools/call` requests, from its Prometheus metrics (the
 * bench's (m) targets run with them on): summed over every tool and status of
 * `workonward_mcp_request_duration_seconds_count`. bench/run.ts compares it with what the load
 * generator counted, so a generator that miscounts answers (a chunked 2025-era SSE answer read as
 * two, or none) shows: the server's count may exceed the generator's only by the requests still
 * in flight when the load stopped, at most one per connection.
 */

/** WORKONWARD_METRICS_TOKEN of the bench's metrics-on server (bench/server-child.ts); not a secret. */
export const BENCH_METRICS_TOKEN = 'bench-metrics-token-0123456789abcdef';

export async function servedToolCalls(baseUrl: string): Promise<number> {
  const response = await fetch(`${baseUrl}/metrics`, {
    headers: { authorization: `Bearer ${BENCH_METRICS_TOKEN}` },
  });
  if (!response.ok) throw new Error(`GET /metrics answered ${response.status}`);
  let count = 0;
  for (const match of (await response.text()).matchAll(
    /^workonward_mcp_request_duration_seconds_count\{[^}]*method="tools\/call"[^}]*\} (\d+)$/gm,
  ))
    count += Number(match[1]);
  return count;
}
