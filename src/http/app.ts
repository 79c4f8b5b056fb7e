import Fastify, { type FastifyInstance, type FastifyReply } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { z } from 'zod';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import { actorForToken } from '../auth/tokens';
import type { TAppDeps } from './context';
import { AppError } from '../domain/errors';
import { findUnstorableText, toAppError } from './errors';
import { registerSessionCookie, SESSION_COOKIE } from '../auth/session-cookie';
import { registerCrossOriginGuard } from '../auth/cross-origin-guard';
import type { TLoginLimit } from '../auth/login-rate-limit';
import { adminCountySettingsRoutes } from './routes/admin-county-settings';
import { adminOrgUnitRoutes } from './routes/admin-org-units';
import { adminUserRoutes } from './routes/admin-users';
import { authRoutes } from './routes/auth';
import { tokenRoutes } from './routes/tokens';
import { projectRoutes } from './routes/projects';
import { exportRoutes } from './routes/exports';
import { publicBoardRoutes, type TPublicObjectionLimit } from './routes/public-board';
import { documentRoutes } from './routes/documents';
import { projectActionRoutes } from './routes/project-actions';
import { taskRoutes } from './routes/tasks';
import { dashboardRoutes } from './routes/dashboard';
import { rollupRoutes } from './routes/rollups';
import { reviewRoutes } from './routes/reviews';
import { auditRoutes } from './routes/audit';
import { attachmentRoutes } from './routes/attachments';
import { assetRoutes } from './routes/assets';
import { householdRoutes } from './routes/households';
import { webRoutes } from './web';
import { webAppRoutes } from './web-app';
import { documentResponses, withoutNoContentBodies, ZErrorBody } from './openapi';
import { valueWithin } from './value-within';
import { localizedValidationError } from './localized-validation';
import { traceRequests } from '../observability/http-tracing';
import { answerClientError, answerHeaders, sendUnmatched, trackRouteMethods } from './protocol';
import { loggerOptions } from '../observability/logger';
import { createApiMetrics, registerApiMetrics } from '../observability/api-metrics';
import { auditChainLength } from '../audit/read-audit-chain';
import { notificationRoutes } from './routes/notifications';
import { notificationChannelRoutes } from './routes/notification-channels';
import { runDeliveryLoop } from './notification-delivery';

/** cookieSecret: SESSION_COOKIE_SECRET from the config; without it each process makes its own. */
export async function buildApp(
  deps: TAppDeps,
  accounts: { cookieSecret?: string; loginLimit?: TLoginLimit; publicObjectionLimit?: TPublicObjectionLimit } = {},
): Promise<FastifyInstance> {
  const app = Fastify({
    trustProxy: deps.config.accounts?.trustProxy ?? false,
    logger: deps.config.logLevel === 'silent' ? false : loggerOptions(deps.config.logLevel),
    bodyLimit: 1024 * 1024,
    // Malformed URLs (bad percent-encoding, over-long parameters) are refused before routing; without
    // this they would leave in Fastify's own shape instead of the `{ error: { code } }` envelope.
    frameworkErrors: (err, _req, reply) => {
      const appError = toAppError(err);
      (reply as FastifyReply).code(appError.status).send(appError.toJSON());
    },
    clientErrorHandler: answerClientError,
  });
  // First, so the app's own hooks and the handler run inside the request's span.
  if (deps.tracing) traceRequests(app);
  const methodsOf = trackRouteMethods(app);
  registerApiMetrics(app, createApiMetrics({ auditChainLength: () => auditChainLength(deps.prisma) }));
  answerHeaders(app);
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);

  await app.register(swagger, {
    openapi: {
      info: {
        title: 'Bangfu API',
        description:
          '帮扶产业项目 workflow and approval engine. Authenticate with a bearer token, or the session cookie from the web app; ' +
          'a POST/PUT/PATCH/DELETE a browser sends from another origin (another port of the host included) without a bearer token is refused 403 CROSS_ORIGIN_REFUSED.',
        version: '0.1.0',
      },
      // Either credential signs a request in (the web app uses the cookie, scripts the bearer token).
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer', description: 'a token from POST /api/auth/login or POST /api/tokens' },
          session: { type: 'apiKey', in: 'cookie', name: SESSION_COOKIE, description: 'the signed session cookie POST /api/auth/login sets' },
        },
      },
      security: [{ bearer: [] }, { session: [] }],
    },
    transform: jsonSchemaTransform,
    transformObject: (documentObject) =>
      withoutNoContentBodies('openapiObject' in documentObject ? documentObject.openapiObject : documentObject.swaggerObject),
  });
  await app.register(swaggerUi, { routePrefix: '/api/docs' });
  documentResponses(app);

  app.decorateRequest('actor', null);
  app.addHook('onRequest', async (req) => {
    const header = req.headers.authorization;
    if (header?.startsWith('Bearer ')) req.actor = await actorForToken(deps.prisma, header.slice(7).trim());
  });
  await registerSessionCookie(app, { prisma: deps.prisma, cookieSecret: accounts.cookieSecret });
  registerCrossOriginGuard(app);

  // Sign-in is checked before input validation, so an anonymous caller learns nothing about a
  // route's input rules; only these API routes answer without a credential.
  const PUBLIC_API_ROUTES = new Set(['/api/auth/login', '/api/health', '/api/openapi.json']);
  app.addHook('preValidation', async (req) => {
    const route = req.routeOptions.url ?? '';
    // /api/public/: the 公示 board and its objections, open to villagers without an account.
    const guarded = route.startsWith('/api/') && !PUBLIC_API_ROUTES.has(route) && !route.startsWith('/api/docs') && !route.startsWith('/api/public/');
    if (guarded && !req.actor) throw new AppError('UNAUTHENTICATED', 'sign in first: send Authorization: Bearer <token> or the session cookie');
    for (const [part, value] of [
      ['params', req.params],
      ['query', req.query],
      ['body', req.body],
    ] as const) {
      const path = findUnstorableText(value, part);
      if (path) throw new AppError('VALIDATION_FAILED', 'text contains a NUL byte or an unpaired surrogate', [{ path, message: 'unstorable character' }]);
    }
  });

  app.setErrorHandler((err, req, reply) => {
    if (req.is404) return sendUnmatched(req, reply, methodsOf);
    const appError = localizedValidationError(err, req) ?? toAppError(err);
    if (appError.status >= 500) req.log.error({ err }, 'request failed');
    // A dependency is down (503): say when a retry (with the same requestId) is worth it.
    if (appError.status === 503) reply.header('retry-after', '5');
    reply.code(appError.status).send(appError.toJSON());
  });
  app.setNotFoundHandler((req, reply) => sendUnmatched(req, reply, methodsOf));

  const ZHealth = z.object({ ok: z.boolean(), checks: z.object({ database: z.boolean(), temporal: z.boolean() }) });
  app.get(
    '/api/health',
    { schema: { tags: ['system'], summary: 'Liveness and dependencies', security: [], response: { 200: ZHealth, 503: ZHealth.or(ZErrorBody) } } },
    async (_req, reply) => {
      // Both at once, each within 3 s: the Temporal client alone retries for ~20 s before it gives up.
      const deadline = Date.now() + 3_000;
      const [database, temporal] = await Promise.all([
        valueWithin(
          deps.prisma.$queryRawUnsafe('SELECT 1').then(() => true),
          3_000,
          false,
        ),
        valueWithin(
          deps.temporal.connection.withDeadline(deadline, () => deps.temporal.workflowService.getSystemInfo({})).then(() => true),
          3_000,
          false,
        ),
      ]);
      const checks = { database, temporal };
      return reply.code(checks.database && checks.temporal ? 200 : 503).send({ ok: checks.database && checks.temporal, checks });
    },
  );
  app.get('/api/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  await authRoutes(app, deps, { loginLimit: accounts.loginLimit });
  await tokenRoutes(app, deps);
  await adminUserRoutes(app, deps);
  await adminOrgUnitRoutes(app, deps);
  await adminCountySettingsRoutes(app, deps);
  await projectRoutes(app, deps);
  await exportRoutes(app, deps);
  await publicBoardRoutes(app, deps, { limit: accounts.publicObjectionLimit });
  await documentRoutes(app, deps);
  await projectActionRoutes(app, deps);
  await taskRoutes(app, deps);
  await dashboardRoutes(app, deps);
  await rollupRoutes(app, deps);
  await reviewRoutes(app, deps);
  await auditRoutes(app, deps);
  await attachmentRoutes(app, deps);
  await assetRoutes(app, deps);
  await householdRoutes(app, deps);
  await notificationRoutes(app, deps);
  await notificationChannelRoutes(app, deps);
  await webRoutes(app, deps);
  await webAppRoutes(app);
  if (deps.config.notifications) runDeliveryLoop(app, deps);
  return app;
}
