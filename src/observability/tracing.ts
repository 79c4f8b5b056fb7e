import { context, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { Resource } from '@opentelemetry/resources';
import { BasicTracerProvider, BatchSpanProcessor, ConsoleSpanExporter, SimpleSpanProcessor, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { TConfig } from '../config';

/**
 * Tracing switched on in this process: the span processor and resource the worker's workflow
 * span sink needs too (workflow spans are made inside the sandbox and exported from here).
 */
export interface TTracing {
  processor: SpanProcessor;
  resource: Resource;
  /** Flushes what is buffered and unregisters the global tracer, context manager and propagator. */
  shutdown(): Promise<void>;
}

/**
 * Registers the global tracer provider with `processor`. The AsyncLocalStorage context manager is
 * what makes a span started in an HTTP hook the parent of the Temporal client's span in the route
 * handler; the default W3C propagator is what the Temporal interceptors write into headers.
 */
export function installTracing(opts: { processor: SpanProcessor; serviceName: string }): TTracing {
  const resource = new Resource({ 'service.name': opts.serviceName });
  const provider = new BasicTracerProvider({ resource });
  provider.addSpanProcessor(opts.processor);
  const contextManager = new AsyncLocalStorageContextManager().enable();
  provider.register({ contextManager });
  return {
    processor: opts.processor,
    resource,
    async shutdown() {
      await provider.shutdown();
      trace.disable();
      context.disable();
      propagation.disable();
    },
  };
}

/**
 * Tracing as configured (OTEL_TRACES_EXPORTER): undefined when off, so nothing is registered and
 * the HTTP hooks, Temporal interceptors and workflow span sink are left out entirely.
 */
export async function startTracing(config: TConfig['tracing'], role: 'api' | 'worker'): Promise<TTracing | undefined> {
  if (config.exporter === 'none') return undefined;
  const serviceName = config.serviceName ?? `bangfu-${role}`;
  if (config.exporter === 'console') {
    // Printed as each span ends, so one approval reads top to bottom in the terminal.
    return installTracing({ processor: new SimpleSpanProcessor(new ConsoleSpanExporter()), serviceName });
  }
  // Loaded only when asked for: the OTLP exporter pulls in protobuf and HTTP code nobody else needs.
  const { OTLPTraceExporter } = await import('@opentelemetry/exporter-trace-otlp-http');
  const url = `${config.otlpEndpoint.replace(/\/+$/, '')}/v1/traces`;
  return installTracing({ processor: new BatchSpanProcessor(new OTLPTraceExporter({ url })), serviceName });
}
