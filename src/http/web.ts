import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppError } from '../domain/errors';
import { grantCovers } from '../domain/actor';
import { allowedActions } from '../web/task-actions';
import { approvalStateQuery } from '../../workflows/shared';
import { requireActor } from './auth-guard';
import type { TAppDeps } from './context';
import { INDEX_HTML } from './web-page';

const PUBLIC_DIR = fileURLToPath(new URL('../web/public/', import.meta.url));
const TYPES: Record<string, string> = { '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8', '.svg': 'image/svg+xml' };

/** No inline script or style anywhere: the page may run only its own files. */
const CSP = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

/** Every file under src/web/public, read once at start-up: a fixed set, so no path ever reaches the disk. */
async function loadAssets(): Promise<Map<string, { type: string; body: Buffer }>> {
  const assets = new Map<string, { type: string; body: Buffer }>();
  const entries = await readdir(PUBLIC_DIR, { recursive: true, withFileTypes: true });
  for (const e of entries) {
    const type = TYPES[path.extname(e.name)];
    if (!e.isFile() || !type) continue;
    const abs = path.join(e.parentPath, e.name);
    assets.set(path.relative(PUBLIC_DIR, abs).split(path.sep).join('/'), { type, body: await readFile(abs) });
  }
  return assets;
}

/**
 * The web app: a shell page and plain ES modules that talk to the same JSON API as every other
 * client, authenticated by the session cookie. Plus one read model the decision form needs.
 */
export async function webRoutes(app: FastifyInstance, { prisma, temporal }: TAppDeps) {
  const assets = await loadAssets();
  const r = app.withTypeProvider<ZodTypeProvider>();

  app.get('/', { schema: { hide: true } }, async (_req, reply) =>
    reply.type('text/html; charset=utf-8').header('content-security-policy', CSP).header('cache-control', 'no-cache').send(INDEX_HTML));

  r.get('/web/*', { schema: { hide: true, params: z.object({ '*': z.string().max(200) }) } }, async (req, reply) => {
    const asset = assets.get(req.params['*']);
    if (!asset) throw new AppError('NOT_FOUND', `no web asset ${req.params['*']}`);
    return reply.type(asset.type).header('cache-control', 'no-cache').header('x-content-type-options', 'nosniff').send(asset.body);
  });

  r.get('/api/web/tasks/:taskId', {
    schema: {
      tags: ['tasks'],
      summary: 'One task for the task page, with the actions the signed-in user may take on it now',
      params: z.object({ taskId: z.string().min(1).max(300) }),
    },
  }, async (req) => {
    const actor = requireActor(req);
    const task = await prisma.task.findUnique({
      where: { id: req.params.taskId },
      include: { project: { select: { id: true, name: true, stage: true, industry: true, budgetFen: true, orgPath: true } }, ccs: { where: { userId: actor.userId }, select: { id: true } } },
    });
    const visible = task && (
      task.candidateUserId === actor.userId || task.claimedBy === actor.userId || task.ccs.length > 0 ||
      actor.roles.some((g) => grantCovers(g, task.project.orgPath))
    );
    if (!task || !visible) throw new AppError('NOT_FOUND', `no task ${req.params.taskId} in your org units`, [{ path: 'params.taskId', message: 'not found' }]);
    let actions: string[] = [];
    let dueAt: number | null = null;
    try {
      const state = await temporal.workflow.getHandle(task.workflowId).query(approvalStateQuery);
      const taskKey = task.id.startsWith(`${task.workflowId}:`) ? task.id.slice(task.workflowId.length + 1) : undefined;
      const known = taskKey !== undefined && state.snapshotContext.tasks.some((t) => t.taskKey === taskKey);
      actions = allowedActions({ actor, snapshot: { value: state.value, context: state.snapshotContext }, taskKey: known ? taskKey : undefined, taskPending: task.status === 'PENDING' });
      dueAt = state.dueAt;
    } catch {
      // The step has finished (or never ran as an approval step): nothing can be done on it.
      actions = [];
    }
    const { ccs: _ccs, project, ...rest } = task;
    const now = new Date();
    return {
      ...rest,
      overdue: task.status === 'PENDING' && task.dueAt !== null && task.dueAt < now,
      project: { id: project.id, name: project.name, stage: project.stage, industry: project.industry, budgetFen: Number(project.budgetFen) },
      actions,
      stepDueAt: dueAt,
    };
  });
}
