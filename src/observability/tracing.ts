import {
  type Attributes,
  type AttributeValue,
  type Context,
  context,
  ROOT_CONTEXT,
  type Span,
  SpanKind,
  SpanStatusCode,
  trace,
  type Tracer,
} from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  BasicTracerProvider,
  BatchSpanProcessor,
  ParentBasedSampler,
  TraceIdRatioBasedSampler,
} from '@opentelemetry/sdk-trace-base';
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

/** The W3C propagator reads only `traceparent` and `tracestate`, by name. */
const headersGetter = {
  get: (carrier: HeaderOf, key: string) => carrier(key),
  keys: () => ['traceparent', 'tracestate'],
};

const mapSetter = {
  set: (carrier: Record<string, string>, key: string, value: string) => {
    carrier[key] = value;
  },
};

/** Starts tracing as configured, or returns {@link NO_TRACING} when no endpoint is set. */
export function startTracing(telemetry: Config['telemetry'], version: string): Tracing {
  if (telemetry.tracesEndpoint === undefined) return NO_TRACING;
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': telemetry.serviceName, 'service.version': version }),
    sampler: new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(telemetry.sampleRatio) }),
    spanProcessors: [
      new BatchSpanProcessor(
        new OTLPTraceExporter({ url: telemetry.tracesEndpoint, headers: { ...telemetry.headers } }),
        { scheduledDelayMillis: telemetry.exportDelayMs },
      ),
    ],
  });
  // The active span follows the request through awaits (AsyncLocalStorage); registered once per
  // process, and only when tracing is on.
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  const tracer: Tracer = provider.getTracer('workonward-mcp', version);
  const propagator = new W3CTraceContextPropagator();

  const run = async <T>(span: Span, active: Context, work: (notes: SpanNotes) => Promise<T>) => {
    const notes: SpanNotes = { set: (key, value) => span.setAttribute(key, value) };
    try {
      return await context.with(trace.setSpan(active, span), () => work(notes));
    } catch (error) {
      span.recordException(error as Error);
      span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error).message });
      throw error;
    } finally {
      span.end();
    }
  };

  return {
    enabled: true,
    span(name, attributes, work, options = {}) {
      const parent =
        options.parent === undefined
          ? context.active()
          : propagator.extract(ROOT_CONTEXT, options.parent, headersGetter);
      const links = (options.links ?? []).flatMap((traceparent) => {
        const linked = trace.getSpanContext(
          propagator.extract(
            ROOT_CONTEXT,
            (name: string) => (name === 'traceparent' ? traceparent : undefined),
            headersGetter,
          ),
        );
        return linked === undefined ? [] : [{ context: linked }];
      });
      const span = tracer.startSpan(
        name,
        { attributes, kind: options.kind ?? SpanKind.INTERNAL, links },
        parent,
      );
      return run(span, parent, work);
    },
    active() {
      const span = trace.getSpan(context.active());
      return span === undefined ? undefined : { set: (key, value) => span.setAttribute(key, value) };
    },
    record(name, attributes, startedAt, endedAt) {
      const active = context.active();
      if (trace.getSpan(active) === undefined) return;
      tracer
        .startSpan(name, { attributes, kind: SpanKind.CLIENT, startTime: startedAt }, active)
        .end(endedAt);
    },
    ids() {
      const span = trace.getSpan(context.active())?.spanContext();
      return span === undefined ? undefined : { trace_id: span.traceId, span_id: span.spanId };
    },
    traceparent() {
      const carrier: Record<string, string> = {};
      if (trace.getSpan(context.active()) !== undefined)
        propagator.inject(context.active(), carrier, mapSetter);
      return carrier.traceparent;
    },
    async shutdown() {
      await provider.shutdown();
      context.disable();
    },
  };
}
