import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * The API process's Prometheus metrics, one registry per app (so two apps in one process, as in
 * tests, count apart). Labels carry route patterns, methods, statuses, actions and outcomes only:
 * never a user, a project or a URL with ids in it, so /metrics can be scraped without a credential.
 */
export function createApiMetrics(opts: { auditChainLength?: () => Promise<number> } = {}) {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'bangfu_api_' });
  const { auditChainLength } = opts;
  if (auditChainLength) {
    // Read from the chains' heads at scrape time, so it counts every audit row of every process
    // (API, workers) exactly once; a database that does not answer leaves the last value.
    new Gauge({
      name: 'bangfu_audit_chain_length',
      help: 'audit rows in the tamper-evident chains (the sum of the heads seqs), all processes',
      registers: [registry],
      async collect() {
        const length = await auditChainLength().catch(() => undefined);
        if (length !== undefined) this.set(length);
      },
    });
  }
  return {
    registry,
    httpDuration: new Histogram({
      name: 'bangfu_http_request_duration_seconds',
      help: 'HTTP requests by route pattern, method and status code',
      labelNames: ['route', 'method', 'status'] as const,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    }),
    decisions: new Counter({
      name: 'bangfu_decisions_total',
      help: 'Task decisions (POST /api/tasks/:taskId/decision) by action and outcome: applied, replayed (a repeated requestId), refused (4xx), failed (5xx)',
      labelNames: ['action', 'outcome'] as const,
      registers: [registry],
    }),
  };
}
export type TApiMetrics = ReturnType<typeof createApiMetrics>;

declare module 'fastify' {
  interface FastifyInstance {
    metrics: TApiMetrics;
  }
}

/** Requests no route matched share one label, so a scanner's URLs cannot grow the series. */
const UNMATCHED = 'unmatched';

/**
 * Times every request by its route pattern and serves the registry at GET /metrics (outside /api,
 * so neither the sign-in guard nor the OpenAPI document sees it).
 */
export function registerApiMetrics(app: FastifyInstance, metrics: TApiMetrics = createApiMetrics()) {
  app.decorate('metrics', metrics);
  app.addHook('onResponse', async (req, reply) => {
    const route = req.is404 ? UNMATCHED : (req.routeOptions.url ?? UNMATCHED);
    metrics.httpDuration.observe({ route, method: req.method, status: String(reply.statusCode) }, reply.elapsedTime / 1000);
  });
  app.get('/metrics', { schema: { hide: true } }, async (_req, reply) => {
    return reply.header('content-type', metrics.registry.contentType).send(await metrics.registry.metrics());
  });
}

/**
 * The decision route's `preSerialization` hook: counts each answer, the error envelope included,
 * by its action and outcome. Only actions in `actions` are labels, so a body with a made-up action
 * (refused by validation) cannot grow the series.
 */
export function countDecision(metrics: TApiMetrics, actions: ReadonlySet<string>) {
  return async (req: FastifyRequest, reply: FastifyReply, payload: unknown) => {
    const action = (req.body as { action?: unknown } | undefined)?.action;
    if (typeof action === 'string' && actions.has(action)) {
      const status = reply.statusCode;
      const outcome = status >= 500 ? 'failed' : status >= 400 ? 'refused' : (payload as { replayed?: boolean }).replayed ? 'replayed' : 'applied';
      metrics.decisions.inc({ action, outcome });
    }
    return payload;
  };
}
