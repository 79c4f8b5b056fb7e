import { context, propagation, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Context, type Span } from '@opentelemetry/api';
import type { FastifyInstance, FastifyRequest } from 'fastify';

const tracer = trace.getTracer('bangfu-http');
const requests = new WeakMap<FastifyRequest, { span: Span; ctx: Context }>();

/**
 * A server span per request, named by method and route, that is the active span while the route
 * handler runs, so the Temporal client's span (and through its headers the workflow, activities
 * and SQL) joins the request's trace. A `traceparent` header from the caller is continued.
 *
 * The span is made active at onRequest (so the token lookup's SQL is in it) and again at
 * preHandler: body parsing runs on stream events between the two, where the async context is not
 * reliably kept. Register this before the app's own hooks so they run inside the span too.
 */
export function traceRequests(app: FastifyInstance): void {
  app.addHook('onRequest', (req, _reply, done) => {
    const parent = propagation.extract(ROOT_CONTEXT, req.headers);
    const route = req.routeOptions.url;
    const span = tracer.startSpan(
      `${req.method} ${route ?? '(no route)'}`,
      {
        kind: SpanKind.SERVER,
        attributes: { 'http.request.method': req.method, 'url.path': req.url.split('?')[0], ...(route ? { 'http.route': route } : {}) },
      },
      parent,
    );
    const ctx = trace.setSpan(parent, span);
    requests.set(req, { span, ctx });
    context.with(ctx, done);
  });
  app.addHook('preHandler', (req, _reply, done) => {
    const traced = requests.get(req);
    if (traced) context.with(traced.ctx, done);
    else done();
  });
  app.addHook('onResponse', (req, reply, done) => {
    end(req, reply.statusCode);
    done();
  });
  app.addHook('onRequestAbort', (req, done) => {
    end(req, undefined);
    done();
  });
}

function end(req: FastifyRequest, statusCode: number | undefined): void {
  const traced = requests.get(req);
  if (!traced) return;
  requests.delete(req);
  if (statusCode === undefined) traced.span.setStatus({ code: SpanStatusCode.ERROR, message: 'client closed the request' });
  else {
    traced.span.setAttribute('http.response.status_code', statusCode);
    if (statusCode >= 500) traced.span.setStatus({ code: SpanStatusCode.ERROR });
  }
  traced.span.end();
}
