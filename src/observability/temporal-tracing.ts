import { createRequire } from 'node:module';
import type { ClientInterceptors } from '@temporalio/client';
import { makeWorkflowExporter, OpenTelemetryActivityInboundInterceptor, OpenTelemetryWorkflowClientInterceptor } from '@temporalio/interceptors-opentelemetry';
import type { WorkerOptions } from '@temporalio/worker';
import type { TTracing } from './tracing';

/**
 * The workflow interceptors (workflows/tracing-interceptors.ts: spans for the run, update and
 * signal handlers, activities and child workflows). Bundled into the workflow code only when
 * tracing is on; they add headers, never commands or yields, so recorded histories replay with and
 * without them (test/replay/replay-with-tracing.test.ts, test/observability/tracing.test.ts).
 */
export const TRACING_WORKFLOW_INTERCEPTORS = createRequire(import.meta.url).resolve('../../workflows/tracing-interceptors.ts');

/** The client's calls (start, update, query, signal) each open a span and pass its context to the workflow in headers. */
export function tracingClientInterceptors(): ClientInterceptors {
  return { workflow: [new OpenTelemetryWorkflowClientInterceptor()] };
}

/**
 * What a worker adds when tracing is on: the workflow interceptors (when it bundles its own code;
 * a prebuilt bundle must have been made with them), a span per activity run, and the sink that
 * exports the spans the workflow sandbox made.
 */
export function tracingWorkerOptions(tracing: TTracing, opts: { bundlesItself: boolean }): Pick<WorkerOptions, 'interceptors' | 'sinks'> {
  return {
    interceptors: {
      ...(opts.bundlesItself ? { workflowModules: [TRACING_WORKFLOW_INTERCEPTORS] } : {}),
      activity: [(ctx) => ({ inbound: new OpenTelemetryActivityInboundInterceptor(ctx) })],
      // The worker's own client: an approval step's report to its project goes through it (activities/step-report.ts).
      client: tracingClientInterceptors(),
    },
    sinks: { exporter: makeWorkflowExporter(tracing.processor, tracing.resource) },
  };
}
