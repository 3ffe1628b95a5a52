/**
 * Loaded into a bench server child with `--import` (bench/tail.ts): records, in the serving
 * process itself, what could make a request slow — every request's time inside the server (from
 * its headers parsed to its response finished, Node's `http.server.*` diagnostics channels), every
 * GC pause (kind, start, duration) and the event loop's delay histogram. Answers a `tail` IPC message with the records since the previous one
 * (and starts afresh), so a driver can line them up with the client's slow requests. It changes
 * no handler: the same probe goes into the echo, by-hand and MCP servers alike.
 */
import { subscribe } from 'node:diagnostics_channel';
import type { IncomingMessage } from 'node:http';
import { monitorEventLoopDelay, PerformanceObserver, performance } from 'node:perf_hooks';

/** Wall-clock ms (epoch, sub-ms): comparable with the driver's, another process on this host. */
const now = () => performance.timeOrigin + performance.now();

export interface GcPause {
  readonly start: number;
  readonly ms: number;
  /** V8's kind: 1 minor (scavenge), 2 major (mark-compact), 4 incremental, 8 weak callbacks. */
  readonly kind: number;
}
export interface TailRecords {
  /** [start, ms] of each request inside the server. */
  readonly requests: [number, number][];
  readonly gc: GcPause[];
  readonly loop: { p50: number; p99: number; max: number; count: number };
}

let requests: [number, number][] = [];
let gc: GcPause[] = [];
const started = new WeakMap<IncomingMessage, number>();
subscribe('http.server.request.start', (message) => {
  started.set((message as { request: IncomingMessage }).request, now());
});
subscribe('http.server.response.finish', (message) => {
  const at = started.get((message as { request: IncomingMessage }).request);
  if (at !== undefined) requests.push([at, now() - at]);
});
new PerformanceObserver((list) => {
  for (const entry of list.getEntries())
    gc.push({
      start: performance.timeOrigin + entry.startTime,
      ms: entry.duration,
      kind: (entry as unknown as { detail?: { kind?: number } }).detail?.kind ?? 0,
    });
}).observe({ entryTypes: ['gc'] });
const loop = monitorEventLoopDelay({ resolution: 1 });
loop.enable();

process.on('message', (message: { type?: string }) => {
  if (message.type !== 'tail') return;
  const records: TailRecords = {
    requests,
    gc,
    loop: {
      p50: loop.percentile(50) / 1e6,
      p99: loop.percentile(99) / 1e6,
      max: loop.max / 1e6,
      count: loop.count,
    },
  };
  process.send?.({ type: 'tail', records });
  requests = [];
  gc = [];
  loop.reset();
});
