import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppError } from '../../domain/errors';
import { namedPeopleOf } from '../../domain/approval';
import { orgPathSegments } from '../../domain/actor';
import { failedChecks } from '../../domain/lifecycle/township-review';
import { requireActor } from '../auth-guard';
import type { TAppDeps } from '../context';
import { approvalActUpdate, type TApprovalAction } from '../../../workflows/messages/approval-step';
import type { Decision } from '../../generated/prisma/client';
import { WorkflowNotFoundError } from '@temporalio/client';
import { INBOX_SORTS, INBOX_VIEWS, queryInbox } from '../../db/inbox-query';
import { ZPage } from '../pagination';
import { ZDecisionResult, ZInboxItem, type TDecisionResult } from '../schemas/task-bodies';
import { ZDecisionBody, type TDecisionBody } from '../schemas/decision-body';
import { namedPeopleFacts } from '../../db/county-people';
import { countDecision } from '../../observability/api-metrics';
import { lastUrgers } from '../../db/task-urges';

const ZTaskParams = z.object({ taskId: z.string().min(1).max(300) });

const DECISION_ACTIONS: ReadonlySet<string> = new Set(ZDecisionBody.options.map((o) => o.shape.action.value));

const ZDecisionQuery = z.object({
  wait: z
    .enum(['stage', 'record'])
    .default('stage')
    .describe(
      "When to answer: `stage` (default) once the project's stage is written, so a read right after sees it; `record` once the decision, its task rows and audit event are committed, the project's stage following within moments (one round trip to the project workflow less; for scripts and bulk decisions)",
    ),
});

/** Actions a candidate takes on their own pending task; the rest may be posted on any task of the step. */
const TASK_ACTIONS = new Set(['approve', 'reject', 'return', 'transfer', 'add_signer', 'claim', 'unclaim', 'resubmit']);

type TDeps = Pick<TAppDeps, 'prisma'>;

/** Turns the API body into the step's action, looking up what the workflow cannot (roles, org paths, who exists). */
async function toStepAction({ prisma }: TDeps, body: TDecisionBody): Promise<TApprovalAction> {
  switch (body.action) {
    // The township's five checks travel with the action into its audit event's details.
    case 'approve':
      return { type: 'APPROVE', comment: body.comment, ...(body.checks ? { checks: body.checks } : {}) } as TApprovalAction;
    case 'reject':
      return { type: 'REJECT', reason: body.comment, ...(body.checks ? { checks: body.checks } : {}) } as TApprovalAction;
    case 'return':
      return { type: 'RETURN', reason: body.comment, target: body.returnTo, ...(body.checks ? { checks: body.checks } : {}) } as TApprovalAction;
    case 'resubmit':
      return { type: 'RESUBMIT', comment: body.comment };
    case 'transfer': {
      const roles = await prisma.roleAssignment.findMany({ where: { userId: body.toUserId }, select: { role: true, orgUnitId: true } });
      return { type: 'TRANSFER', toUserId: body.toUserId, toRoles: roles, comment: body.comment };
    }
    case 'add_signer': {
      const { signer } = body;
      if ('userId' in signer) {
        return { type: 'ADD_SIGNER', position: body.position, signer: { kind: 'user', userId: signer.userId }, comment: body.comment };
      }
      const unit = await prisma.orgUnit.findUnique({ where: { id: signer.orgUnitId } });
      if (!unit)
        throw new AppError('VALIDATION_FAILED', `unknown org unit ${signer.orgUnitId}`, [{ path: 'body.signer.orgUnitId', message: 'unknown org unit' }]);
      const orgPath = orgPathSegments(unit.path);
      return { type: 'ADD_SIGNER', position: body.position, signer: { kind: 'role', role: signer.role, orgUnitId: unit.id, orgPath }, comment: body.comment };
    }
    case 'claim':
      return { type: 'CLAIM' };
    case 'unclaim':
      return { type: 'UNCLAIM' };
    case 'comment':
      return { type: 'COMMENT', text: body.comment, attachments: body.attachments };
    case 'withdraw':
      return { type: 'WITHDRAW', reason: body.comment };
    case 'cc':
      return { type: 'CC', recipientIds: body.recipientIds };
    case 'urge':
      return { type: 'URGE', message: body.comment };
  }
}

const ZInboxQuery = z.object({
  view: z.enum(INBOX_VIEWS).default('pending'),
  kind: z.string().max(60).optional(),
  /** Tasks of projects in this org unit's subtree. */
  orgUnitId: z.string().max(100).optional(),
  overdue: z
    .enum(['true', 'false'])
    .transform((v) => v === 'true')
    .optional(),
  sort: z.enum(INBOX_SORTS).optional().describe("dueAt or createdAt, `-` for descending; default: the view's own order"),
  page: z.coerce.number().int().min(1).max(10_000).default(1),
  pageSize: z.coerce.number().int().min(1).max(200).default(50),
});

const notPending = (taskId: string, status: string) =>
  new AppError('TASK_NOT_PENDING', `task ${taskId} is ${status.toLowerCase()}`, [{ path: 'params.taskId', message: status }]);

/** A repeated request, answered from the record of its first application (only to the same action by the same person). */
function answeredBefore(earlier: Decision, request: { taskId: string; actorId: string; action: string }) {
  const sameTask = earlier.taskId === request.taskId || (earlier.result as { taskId?: string } | null)?.taskId === request.taskId;
  if (!sameTask || earlier.actorId !== request.actorId || earlier.action !== request.action) {
    throw new AppError('DUPLICATE_REQUEST', 'this requestId was already used for another action', [{ path: 'body.requestId', message: 'reused' }]);
  }
  const first = earlier.result ?? {
    requestId: earlier.requestId,
    taskId: earlier.taskId,
    action: earlier.action,
    stageBefore: earlier.stageBefore,
    stageAfter: earlier.stageAfter,
    nextTaskId: earlier.nextTaskId,
  };
  return { ...(first as TDecisionResult), replayed: true };
}

export async function taskRoutes(app: FastifyInstance, { prisma, temporal }: TAppDeps) {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get(
    '/api/tasks',
    {
      schema: {
        tags: ['tasks'],
        summary: 'My inbox: pending (待办), claimed by me, copied to me (抄送我的), done by me (已办)',
        querystring: ZInboxQuery,
        response: { 200: ZPage(ZInboxItem) },
      },
    },
    async (req) => {
      const actor = requireActor(req);
      const { view, page, pageSize, kind, orgUnitId, overdue, sort } = req.query;
      const { items, total } = await queryInbox({ prisma, actor, filter: { view, page, pageSize, kind, orgUnitId, overdue, sort, now: new Date() } });
      const urgers = await lastUrgers(prisma, items);
      const marked = items.map((t) => ({
        ...t,
        urge: t.urgeCount > 0 && t.lastUrgedAt ? { count: t.urgeCount, lastAt: t.lastUrgedAt, lastBy: urgers.get(t.id) ?? null } : null,
      }));
      return { items: marked, total, page, pageSize };
    },
  );

  r.post(
    '/api/tasks/:taskId/decision',
    {
      schema: {
        tags: ['tasks'],
        summary: 'Act on a task: approve, reject, return, resubmit, transfer, add_signer, claim, unclaim, comment, withdraw, cc, urge',
        params: ZTaskParams,
        querystring: ZDecisionQuery,
        body: ZDecisionBody,
        response: { 200: ZDecisionResult },
      },
      preSerialization: countDecision(app.metrics, DECISION_ACTIONS),
    },
    async (req) => {
      const actor = requireActor(req);
      const { taskId } = req.params;
      const body = req.body;
      // A repeated request is answered from the record of its first application. Both lookups go
      // out together: they are independent, and each is a round trip on the decision's path.
      const [earlier, task] = await Promise.all([
        prisma.decision.findUnique({ where: { requestId: body.requestId } }),
        prisma.task.findUnique({ where: { id: taskId } }),
      ]);
      if (earlier) return answeredBefore(earlier, { taskId, actorId: actor.userId, action: body.action });
      if (!task) throw new AppError('NOT_FOUND', `no task ${taskId}`, [{ path: 'params.taskId', message: 'not found' }]);
      if (TASK_ACTIONS.has(body.action) && task.status !== 'PENDING') throw notPending(taskId, task.status);
      if ('checks' in body && body.checks) {
        if (task.kind !== 'TOWNSHIP_REVIEW') {
          throw new AppError('VALIDATION_FAILED', 'the five checks belong to the township review', [
            { path: 'body.checks', message: `not for a ${task.kind} task` },
          ]);
        }
        const failed = body.action === 'approve' ? failedChecks(body.checks) : [];
        if (failed.length) {
          throw new AppError(
            'VALIDATION_FAILED',
            `an approval needs every check passed; failed: ${failed.join(', ')} (return or reject instead)`,
            failed.map((c) => ({ path: `body.checks.${c}.result`, message: 'FAIL' })),
          );
        }
      }
      const action = await toStepAction({ prisma }, body);
      // The step refuses anyone it names who is not an active person of the matter's county; it
      // learns who they are from here, as it learns the actor's grants.
      const named = await namedPeopleFacts(
        prisma,
        namedPeopleOf(action).map((p) => p.userId),
      );
      // The step's validator is the authority on candidates, scope and state; the update id makes
      // Temporal itself deduplicate concurrent retries of the same request. It names the actor:
      // Temporal answers a known update id without the validator, which must see a reuse by others.
      try {
        return await temporal.workflow.getHandle(task.workflowId).executeUpdate(approvalActUpdate, {
          args: [
            {
              taskId,
              requestId: body.requestId,
              actor,
              action,
              ...(named.length > 0 ? { named } : {}),
              comment: 'comment' in body ? body.comment : undefined,
              ...(body.action === 'resubmit' && body.proposal ? { proposal: body.proposal } : {}),
              ...(req.query.wait === 'record' ? { answerWhen: 'recorded' as const } : {}),
            },
          ],
          updateId: `${actor.userId}:${body.requestId}`.slice(0, 255),
        });
      } catch (err) {
        // The step decided and closed between the lookups above and the Update (another signer of an
        // any-one step won the race, or this request's own first attempt did): answer from the record.
        if (!(err instanceof WorkflowNotFoundError)) throw err;
        const [again, now] = await Promise.all([
          prisma.decision.findUnique({ where: { requestId: body.requestId } }),
          prisma.task.findUnique({ where: { id: taskId } }),
        ]);
        if (again) return answeredBefore(again, { taskId, actorId: actor.userId, action: body.action });
        if (now && TASK_ACTIONS.has(body.action) && now.status !== 'PENDING') throw notPending(taskId, now.status);
        throw err;
      }
    },
  );
}
