import type { Attributes, AttributeValue, SpanKind } from '@opentelemetry/api';
import type { Config } from '../config/config.js';

/** What a traced piece of work may add to its span once it knows more (a status, a row count). */
export interface SpanNotes {
  set(key: string, value: AttributeValue): void;
}

const NO_NOTES: SpanNotes = { set: () => undefined };

/** A request header by lower-case name: the carrier of a caller's `traceparent`, from any HTTP API. */
export type HeaderOf = (name: string) => string | undefined;

/**
 * Traces of one process, exported with OTLP/HTTP when `OTEL_EXPORTER_OTLP_(TRACES_)ENDPOINT` is
 * set. When it is not, `tracing` is {@link NO_TRACING}: every call runs the work bare, no span
 * object, context or id is made (measured in bench/README.md: no difference in req/s).
 */
export interface Tracing {
  readonly enabled: boolean;
  /**
   * Runs `work` in a span, a child of the active one; `parent` headers (`traceparent`) continue
   * a caller's trace; `links` (W3C `traceparent` values) link it to spans of other traces (a
   * delivery to the sends that queued it). A throw marks the span as an error and is rethrown unchanged.
   */
  span<T>(
    name: string,
    attributes: Attributes,
    work: (notes: SpanNotes) => Promise<T>,
    options?: { kind?: SpanKind; parent?: HeaderOf; links?: readonly string[] },
  ): Promise<T>;
  /**
   * Notes on the active span, if work is running inside one: the MCP core opens a request's
   * server span before it hands the request on, and the app's request tracing then adds to that
   * span instead of opening a second one for the same request.
   */
  active(): SpanNotes | undefined;
  /** A span for work that has already happened (a store query reported after it ran), only inside a trace. */
  record(name: string, attributes: Attributes, startedAt: number, endedAt: number): void;
  /** The active trace and span ids, for log lines. */
  ids(): { trace_id: string; span_id: string } | undefined;
  /** The active span as a W3C `traceparent`, to be linked to later (stored with an outbox row). */
  traceparent(): string | undefined;
  /** Exports what is buffered and stops. */
  shutdown(): Promise<void>;
}

export const NO_TRACING: Tracing = {
  enabled: false,
  span: (_name, _attributes, work) => work(NO_NOTES),
  active: () => undefined,
  record: () => undefined,
  ids: () => undefined,
  traceparent: () => undefined,
  shutdown: () => Promise.resolve(),
};

/**
 * Starts tracing as configured, or returns {@link NO_TRACING} when no endpoint is set. The
 * OpenTelemetry SDK and its OTLP exporter (otlp-tracing.ts) are loaded only then: a server that
 * traces nothing does not keep their modules' code and source in its heap (bench/README.md,
 * issue 8 seventh pass: memory).
 */
export async function startTracing(telemetry: Config['telemetry'], version: string): Promise<Tracing> {
  if (telemetry.tracesEndpoint === undefined) return NO_TRACING;
  const { startOtlpTracing } = await import('./otlp-tracing.js');
  return startOtlpTracing(telemetry.tracesEndpoint, telemetry, version);
}
