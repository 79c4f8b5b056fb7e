import { Runtime } from '@temporalio/worker';
import { temporalLogger, type TPino } from './logger';

/**
 * Installs the worker process's Temporal Runtime (once per process, before any connection):
 * - every log line of the SDK, of Core (forwarded from Rust, WARN and up), of workflows' `log` and
 *   of activities' `log` goes to `logger` as JSON with workflowId / runId / projectId;
 * - with `metricsAddress` (`host:port`), Core serves Prometheus metrics at `http://<it>/metrics`:
 *   the SDK's worker and client metrics plus the activities' own counters (activities/metrics.ts).
 */
export function installWorkerRuntime(opts: { logger: TPino; metricsAddress?: string }): Runtime {
  return Runtime.install({
    logger: temporalLogger(opts.logger),
    telemetryOptions: {
      logging: { filter: { core: 'WARN', other: 'ERROR' }, forward: {} },
      ...(opts.metricsAddress ? { metrics: { prometheus: { bindAddress: opts.metricsAddress } } } : {}),
    },
  });
}
