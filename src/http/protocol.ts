import http from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../domain/errors';

/**
 * HTTP-level answers that no route gives: a wrong method on a known path, a request Node refuses
 * before Fastify sees it, and the headers every answer carries. All of them leave in the same
 * `{ error: { code, message, details } }` envelope as every other refusal.
 */

/** A route's URL pattern (`/api/projects/:id`, `/web/*`) as a regular expression over the path. */
function patternOf(url: string): RegExp {
  const source = url
    .split(/(:[A-Za-z0-9_]+|\*)/)
    .map((part) => (part === '*' ? '.*' : part.startsWith(':') ? '[^/]+' : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${source}$`);
}

/**
 * Collects every route's methods as it is declared, so the not-found handler can tell "no such
 * path" (404) from "this path, another method" (405 with Allow, RFC 9110 §15.5.6). Call before
 * the routes are registered.
 */
export function trackRouteMethods(app: FastifyInstance): (path: string) => string[] {
  const routes = new Map<string, { pattern: RegExp; methods: Set<string> }>();
  app.addHook('onRoute', (route) => {
    const entry = routes.get(route.url) ?? { pattern: patternOf(route.url), methods: new Set<string>() };
    for (const m of [route.method].flat()) entry.methods.add(String(m).toUpperCase());
    routes.set(route.url, entry);
  });
  const withHead = (allowed: Set<string>) => {
    // Fastify answers HEAD wherever it answers GET (exposeHeadRoutes).
    if (allowed.has('GET')) allowed.add('HEAD');
    return [...allowed].sort();
  };
  const methodsOf = (path: string) => {
    // A path declared as it is (`/api/assets/imports`, POST only) is its own resource, even where a
    // pattern (`/api/assets/:id`, GET) would also match it: the document lists only its methods.
    const exact = routes.get(path);
    if (exact && !/[:*]/.test(path)) return withHead(new Set(exact.methods));
    const allowed = new Set<string>();
    for (const { pattern, methods } of routes.values()) if (pattern.test(path)) for (const m of methods) allowed.add(m);
    return withHead(allowed);
  };
  // The router would hand `GET /api/assets/imports` to `/api/assets/:id` with id "imports"; answer it
  // as the declared resource does not allow it instead (405 with its Allow), as the document says.
  app.addHook('onRequest', async (req, reply) => {
    const pattern = req.routeOptions.url;
    if (!pattern || !/[:*]/.test(pattern)) return;
    const path = req.url.split('?')[0] ?? '';
    const exact = routes.get(path);
    if (!exact || /[:*]/.test(path)) return;
    const allowed = methodsOf(path);
    if (allowed.includes(req.method)) return;
    const error = new AppError('METHOD_NOT_ALLOWED', `${req.method} is not allowed on ${path}; use ${allowed.join(', ')}`);
    return reply.code(error.status).header('allow', allowed.join(', ')).send(error.toJSON());
  });
  return methodsOf;
}

/**
 * What a request that matched no route gets: 405 with `Allow` when its path exists under other
 * methods, else 404. Also used by the error handler: Fastify may refuse such a request's body
 * (QUERY without a Content-Type, an unparsable media type) before the not-found handler runs.
 */
export function unmatchedRequestError(req: FastifyRequest, methodsOf: (path: string) => string[]): { error: AppError; allow?: string } {
  const path = req.url.split('?')[0] ?? '';
  const allowed = methodsOf(path);
  if (allowed.length > 0 && !allowed.includes(req.method)) {
    return { error: new AppError('METHOD_NOT_ALLOWED', `${req.method} is not allowed on ${path}; use ${allowed.join(', ')}`), allow: allowed.join(', ') };
  }
  return { error: new AppError('NOT_FOUND', `no route ${req.method} ${req.url}`) };
}

export function sendUnmatched(req: FastifyRequest, reply: FastifyReply, methodsOf: (path: string) => string[]) {
  const { error, allow } = unmatchedRequestError(req, methodsOf);
  if (allow) reply.header('allow', allow);
  return reply.code(error.status).send(error.toJSON());
}

/**
 * API answers are per user and change with every decision: no cache (a shared proxy or the browser's
 * back button) may keep them, and a browser must not guess a type other than the one declared.
 * A route that chose its own cache policy (the web shell and assets) keeps it.
 */
export function answerHeaders(app: FastifyInstance) {
  app.addHook('onSend', async (_req, reply, payload) => {
    reply.header('x-content-type-options', 'nosniff');
    if (/^application\/json/i.test(String(reply.getHeader('content-type') ?? '')) && !reply.hasHeader('cache-control'))
      reply.header('cache-control', 'no-store');
    return payload;
  });
}

const CLIENT_ERRORS: Record<string, AppError> = {
  HPE_HEADER_OVERFLOW: new AppError('HEADERS_TOO_LARGE', 'the request headers are too large', [{ path: 'headers', message: 'too large' }]),
  ERR_HTTP_REQUEST_TIMEOUT: new AppError('REQUEST_TIMEOUT', 'the request took too long to arrive'),
};
const MALFORMED = new AppError('VALIDATION_FAILED', 'malformed HTTP request', [{ path: '', message: 'malformed' }]);

/**
 * Fastify's `clientErrorHandler`: Node's HTTP parser refuses a request (headers over 16 KiB,
 * malformed, too slow) before any route or hook runs, so the answer is written to the socket here,
 * in the envelope and with the headers the hooks would have added.
 */
export function answerClientError(err: NodeJS.ErrnoException, socket: Socket) {
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  const appError = CLIENT_ERRORS[err.code ?? ''] ?? MALFORMED;
  const body = JSON.stringify(appError.toJSON());
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${appError.status} ${http.STATUS_CODES[appError.status]}\r\n` +
        `Content-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
        'Cache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\nConnection: close\r\n\r\n' +
        body,
    );
  }
  socket.destroy(err);
}
