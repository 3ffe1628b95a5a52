/**
 * The OpenTelemetry SDK side of tracing.ts: spans exported with OTLP/HTTP. Loaded by
 * `startTracing` only when an endpoint is configured.
 */
import {
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
import type { HeaderOf, SpanNotes, Tracing } from './tracing.js';

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

/** Tracing exported with OTLP/HTTP to `endpoint` (tracing.ts loads this module only then). */
export function startOtlpTracing(endpoint: string, telemetry: Config['telemetry'], version: string): Tracing {
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': telemetry.serviceName, 'service.version': version }),
    sampler: new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(telemetry.sampleRatio) }),
    spanProcessors: [
      new BatchSpanProcessor(new OTLPTraceExporter({ url: endpoint, headers: { ...telemetry.headers } }), {
        scheduledDelayMillis: telemetry.exportDelayMs,
      }),
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
