import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppError } from '../../domain/errors';
import { ZDecisionBody } from '../../domain/lifecycle/stage-tasks';
import { requireActor } from '../auth-guard';
import type { TAppDeps } from '../context';
import { decideUpdate, type TDecisionResult } from '../../../workflows/shared';

const ZTaskParams = z.object({ taskId: z.string().min(1).max(300) });

export async function taskRoutes(app: FastifyInstance, { prisma, temporal }: TAppDeps) {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get('/api/tasks', {
    schema: {
      tags: ['tasks'],
      summary: 'My pending tasks: those whose candidate role I hold over their org unit',
      querystring: z.object({
        kind: z.string().max(60).optional(),
        page: z.coerce.number().int().min(1).max(10_000).default(1),
        pageSize: z.coerce.number().int().min(1).max(200).default(50),
      }),
    },
  }, async (req) => {
    const actor = requireActor(req);
    const { page, pageSize, kind } = req.query;
    if (actor.roles.length === 0) return { items: [], total: 0, page, pageSize };
    const where = {
      status: 'PENDING' as const,
      ...(kind ? { kind } : {}),
      OR: actor.roles.map((g) => ({ candidateRole: g.role, candidateOrgPath: { startsWith: g.orgPath } })),
    };
    const [items, total] = await Promise.all([
      prisma.task.findMany({
        where,
        orderBy: [{ dueAt: 'asc' }, { createdAt: 'asc' }],
        skip: (page - 1) * pageSize,
        take: pageSize,
        include: { project: { select: { name: true, stage: true, industry: true, budgetFen: true } } },
      }),
      prisma.task.count({ where }),
    ]);
    return {
      items: items.map((t) => ({ ...t, project: { ...t.project, budgetFen: Number(t.project.budgetFen) } })),
      total,
      page,
      pageSize,
    };
  });

  r.post('/api/tasks/:taskId/decision', {
    schema: { tags: ['tasks'], summary: 'Act on a task (approve, return, resubmit)', params: ZTaskParams, body: ZDecisionBody },
  }, async (req) => {
    const actor = requireActor(req);
    const { taskId } = req.params;
    const body = req.body;
    // A repeated request is answered from the record of its first application.
    const earlier = await prisma.decision.findUnique({ where: { requestId: body.requestId } });
    if (earlier) {
      if (earlier.taskId !== taskId || earlier.actorId !== actor.userId || earlier.action !== body.action) {
        throw new AppError('DUPLICATE_REQUEST', 'this requestId was already used for another action', [{ path: 'body.requestId', message: 'reused' }]);
      }
      const replay: TDecisionResult & { replayed: true } = {
        requestId: earlier.requestId,
        taskId: earlier.taskId,
        action: earlier.action as TDecisionResult['action'],
        stageBefore: earlier.stageBefore as TDecisionResult['stageBefore'],
        stageAfter: earlier.stageAfter as TDecisionResult['stageAfter'],
        nextTaskId: earlier.nextTaskId,
        replayed: true,
      };
      return replay;
    }
    const task = await prisma.task.findUnique({ where: { id: taskId } });
    if (!task) throw new AppError('NOT_FOUND', `no task ${taskId}`, [{ path: 'params.taskId', message: 'not found' }]);
    if (task.status !== 'PENDING') throw new AppError('TASK_NOT_PENDING', `task ${taskId} is ${task.status.toLowerCase()}`, [{ path: 'params.taskId', message: task.status }]);
    // The workflow's validator is the authority on role, scope and machine state; the update id
    // makes Temporal itself deduplicate concurrent retries of the same request.
    return temporal.workflow.getHandle(task.workflowId).executeUpdate(decideUpdate, {
      args: [{ taskId, action: body.action, comment: body.comment, requestId: body.requestId, actor }],
      updateId: body.requestId,
    });
  });
}
