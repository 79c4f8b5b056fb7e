import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppError } from '../domain/errors';
import { covers, findGrant } from '../domain/actor';
import { LIFECYCLE_STAGES } from '../domain/lifecycle/lifecycle-machine';
import { FISCAL_SOURCES } from '../domain/lifecycle/fiscal-funding';
import { FUNDING_SOURCES } from '../domain/lifecycle/proposal';
import { commandGrant, PROJECT_COMMAND_RULES, VERIFIER_ROLES, type TProjectCommandType } from '../domain/lifecycle/project-commands';
import { OWN_TASKS, STAGE_TASKS } from '../domain/lifecycle/stage-tasks';
import { TOWNSHIP_CHECK_LABELS_ZH, TOWNSHIP_CHECKS } from '../domain/lifecycle/township-review';
import { TRANCHES } from '../domain/policies/disbursement-schedule';
import { GRADE_LABELS_ZH, GRADES, OUTCOME_CLASSES, OUTCOME_LABELS_ZH } from '../domain/policies/evaluation-scoring';
import { RISK_FLAG_CODES } from '../domain/policies/risk-checks';
import { ROLES } from '../domain/roles';
import {
  CORRECTIVE_MEASURE_TASK_KIND,
  CRITERIA,
  CRITERION_LABELS_ZH,
  EXCLUSION_KINDS,
  EXCLUSION_LABELS_ZH,
  FINDING_VALUE_LABELS_ZH,
  OUTCOME_LABELS_ZH as REVIEW_OUTCOME_LABELS_ZH,
  OUTCOMES as REVIEW_OUTCOMES,
  REVIEW_STATES,
  REVIEW_STEP_TASK_KINDS,
  STATE_LABELS_ZH,
  TRIGGER_LABELS_ZH,
  TRIGGER_TYPES,
} from '../domain/fault-tolerance';
import { CODE_LABELS } from '../web/app/code-labels';
import { allowedActions, eligiblePeople, transferRoles } from '../web/task-actions';
import { activePeopleOfCounty } from '../db/county-people';
import { approvalStateQuery, type TApprovalStepState } from '../../workflows/messages/approval-step';
import { requireActor } from './auth-guard';
import type { TAppDeps } from './context';
import { ZNullableInstant } from './openapi';
import { APPROVED_STAGES } from './routes/dashboard';
import { visibleProject, ZProjectParams } from './routes/projects';
import { INDEX_HTML } from './web-page';
import { visiblePeople } from './visible-people';
import { valueWithin } from './value-within';
import { paymentOfTask, signersOfTask } from './task-matter';
import { ZProposalChange, ZTaskPayment, ZTaskSigner, ZUrgeMark } from './schemas/task-matter';
import { ZInstant } from './schemas/instant';
import { lastUrgers } from '../db/task-urges';
import { latestProposalRevision } from '../db/proposal-versions';

/** The reviews of the proposal itself: their task page shows what the latest revision changed (本次修改). */
const REVIEWS_OF_THE_PROPOSAL: ReadonlySet<string> = new Set(['TOWNSHIP_REVIEW', 'COUNTY_JOINT_REVIEW', 'COUNTY_APPROVAL']);

const PUBLIC_DIR = fileURLToPath(new URL('../web/public/', import.meta.url));
const TYPES: Record<string, string> = { '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8', '.svg': 'image/svg+xml' };

/** No inline script or style anywhere: the page may run only its own files. */
export const CSP =
  "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

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
 * /web/domain.js: the domain's code lists and Chinese labels as an ES module, so the pages name
 * stages, tranches, grades, risk flags and review states exactly as the domain does (one source;
 * i18n.js adds the English), and the names of codes both web apps show (CODE_LABELS, the React
 * app's own dictionary of them).
 */
export function domainModule(): string {
  const domain = {
    STAGES: LIFECYCLE_STAGES,
    APPROVED_STAGES,
    TRANCHES,
    GRADES,
    OUTCOME_CLASSES,
    RISK_FLAG_CODES,
    REVIEW_STATES,
    CRITERIA,
    REVIEW_OUTCOMES,
    EXCLUSION_KINDS,
    TRIGGER_TYPES,
    FUNDING_SOURCES,
    /** The sources a payment may be paid from (own capital and loans are not). */
    FISCAL_SOURCES,
    /** The roles an administrator may grant (domain.md §1). */
    ROLES,
    /** The 容错纠错 task kinds whose task opens the case page, not the approval task page. */
    REVIEW_CASE_KINDS: [...REVIEW_STEP_TASK_KINDS, CORRECTIVE_MEASURE_TASK_KIND],
    /** The township review's five on-site checks (ZTownshipChecks), in the order the form shows them. */
    TOWNSHIP_CHECKS,
    /** A lifecycle-owned task kind → the project command that closes it. */
    OWN_TASK_COMMANDS: Object.fromEntries(Object.values(OWN_TASKS).map((task) => [task.kind, task.command])),
    CODE_LABELS,
    LABELS_ZH: {
      grade: GRADE_LABELS_ZH,
      outcomeClass: OUTCOME_LABELS_ZH,
      check: TOWNSHIP_CHECK_LABELS_ZH,
      review: {
        state: STATE_LABELS_ZH,
        outcome: REVIEW_OUTCOME_LABELS_ZH,
        trigger: TRIGGER_LABELS_ZH,
        criterion: CRITERION_LABELS_ZH,
        finding: FINDING_VALUE_LABELS_ZH,
        exclusion: EXCLUSION_LABELS_ZH,
      },
    },
  };
  return `// Generated at start-up by src/http/web.ts from src/domain.\n${Object.entries(domain)
    .map(([k, v]) => `export const ${k} = ${JSON.stringify(v)};`)
    .join('\n')}\n`;
}

// Lengths are those of the value as sent (the route trims each id), so the documented bounds hold.
const ZPeopleQuery = z.object({ ids: z.string().min(1).max(4000) });

/**
 * The web app: a shell page and plain ES modules that talk to the same JSON API as every other
 * client, authenticated by the session cookie. Plus one read model the decision form needs.
 */
export async function webRoutes(app: FastifyInstance, { prisma, temporal }: TAppDeps) {
  const assets = await loadAssets();
  assets.set('domain.js', { type: TYPES['.js']!, body: Buffer.from(domainModule()) });
  const r = app.withTypeProvider<ZodTypeProvider>();

  app.get('/', { schema: { hide: true } }, async (_req, reply) =>
    reply.type('text/html; charset=utf-8').header('content-security-policy', CSP).header('cache-control', 'no-cache').send(INDEX_HTML),
  );

  r.get('/web/*', { schema: { hide: true, params: z.object({ '*': z.string().max(200) }) } }, async (req, reply) => {
    const asset = assets.get(req.params['*']);
    if (!asset) throw new AppError('NOT_FOUND', `no web asset ${req.params['*']}`);
    return reply.type(asset.type).header('cache-control', 'no-cache').header('x-content-type-options', 'nosniff').send(asset.body);
  });

  const ZPerson = z.object({ userId: z.string(), displayName: z.string() });

  r.get(
    '/api/web/tasks/:taskId',
    {
      schema: {
        tags: ['tasks'],
        summary: 'One task for the task page, with the actions the signed-in user may take on it now',
        params: z.object({ taskId: z.string().min(1).max(300) }),
        // Loose: the task row's other columns (candidate, claim, urge count…) pass through as they are.
        response: {
          200: z.looseObject({
            id: z.string(),
            kind: z.string(),
            title: z.string(),
            status: z.string(),
            dueAt: ZNullableInstant,
            claimedBy: z.string().nullable(),
            overdue: z.boolean(),
            project: z.object({ id: z.string(), name: z.string(), stage: z.string(), industry: z.string(), budgetFen: z.number().describe('integer fen') }),
            actions: z
              .array(z.string())
              .describe('what the signed-in user may do on it now (approve, reject, return, transfer, add_signer, claim, comment, urge, withdraw …)'),
            stepDueAt: z.number().nullable().describe("the approval step's deadline, epoch ms, from the workflow"),
            returnTargets: z
              .array(z.looseObject({ stepId: z.string(), label: z.string().optional() }))
              .optional()
              .describe('earlier steps a return may go back to (退回到之前的环节)'),
            transferTargets: z
              .array(ZPerson)
              .describe('the people the step would accept a transfer (转交) to now; empty when transfer is not open to the caller'),
            signerTargets: z
              .array(ZPerson)
              .describe("the people of the project's county the step would accept as an added signer (加签) now; empty when add_signer is not open"),
            ccTargets: z.array(ZPerson).describe("the people of the project's county the caller may copy (抄送) now; empty when cc is not open"),
            payment: ZTaskPayment.nullable().describe('the payment a payment step (拨付核验, 风险核查, 财政审批拨付 …) decides; null for other tasks'),
            signers: z.array(ZTaskSigner).describe('the tasks of this step round, oldest first: for 会签 and 依次 who has decided and who is pending'),
            urge: ZUrgeMark.nullable().describe('催办: how often the task was urged, when last and by whom; null if never'),
            proposalRevision: z
              .object({
                version: z.int(),
                revisedAt: ZInstant,
                author: z.object({ userId: z.string(), displayName: z.string().nullable() }),
                changes: z.array(ZProposalChange),
              })
              .nullable()
              .describe(
                "本次修改: for a review task of a project whose proposal was revised, the latest version's changes against the one before; null otherwise",
              ),
            proposal: z
              .record(z.string(), z.unknown())
              .nullable()
              .describe("for the proposer's 退回修改 task: the proposal as it stands (the body of POST /api/projects), to revise and resubmit; null otherwise"),
          }),
        },
      },
    },
    async (req) => {
      const actor = requireActor(req);
      const task = await prisma.task.findUnique({
        where: { id: req.params.taskId },
        include: {
          project: { select: { id: true, name: true, stage: true, industry: true, budgetFen: true, orgPath: true, proposal: true } },
          ccs: { where: { userId: actor.userId }, select: { id: true } },
        },
      });
      const visible =
        task &&
        (task.candidateUserId === actor.userId ||
          task.claimedBy === actor.userId ||
          task.ccs.length > 0 ||
          actor.roles.some((g) => covers(g, task.project.orgPath)));
      if (!task || !visible)
        throw new AppError('NOT_FOUND', `no task ${req.params.taskId} in your org units`, [{ path: 'params.taskId', message: 'not found' }]);
      let actions: string[] = [];
      let dueAt: number | null = null;
      /** The earlier steps this step may return the matter to (退回到之前的环节), for the return form. */
      let returnTargets: Array<{ stepId: string; label?: string }> = [];
      /** Whom a transfer (转交), an added signer (加签) or a copy (抄送) may name, for the form's choice of person. */
      const people: Record<'transfer' | 'add_signer' | 'cc', Array<{ userId: string; displayName: string }>> = { transfer: [], add_signer: [], cc: [] };
      // Within 3 s or no actions: with the Temporal server down the page still shows the task.
      // The task id names its step: a project hosting its steps answers for the step owning it.
      const state = await valueWithin<TApprovalStepState | null>(temporal.workflow.getHandle(task.workflowId).query(approvalStateQuery, task.id), 3_000, null);
      try {
        if (state) {
          const stepId = state.stepWorkflowId ?? task.workflowId;
          const taskKey = task.id.startsWith(`${stepId}:`) ? task.id.slice(stepId.length + 1) : undefined;
          const known = taskKey !== undefined && state.snapshotContext.tasks.some((t) => t.taskKey === taskKey);
          actions = allowedActions({
            actor,
            snapshot: { value: state.value, context: state.snapshotContext },
            taskKey: known ? taskKey : undefined,
            taskPending: task.status === 'PENDING',
          });
          dueAt = state.dueAt;
          returnTargets = state.snapshotContext.config.returnTargets ?? [];
          const snapshot = { value: state.value, context: state.snapshotContext };
          if (known && actions.includes('transfer')) {
            people.transfer = eligiblePeople({
              action: 'transfer',
              actor,
              snapshot,
              taskKey,
              candidates: await activePeopleOfCounty(prisma, task.project.orgPath, { roles: transferRoles(state.snapshotContext, taskKey) }),
            });
          }
          const naming = (['add_signer', 'cc'] as const).filter((a) => actions.includes(a) && (a === 'cc' || known));
          const everyone = naming.length > 0 ? await activePeopleOfCounty(prisma, task.project.orgPath) : [];
          for (const action of naming) people[action] = eligiblePeople({ action, actor, snapshot, taskKey: taskKey ?? '', candidates: everyone });
        }
      } catch {
        // The step has finished (or never ran as an approval step): nothing can be done on it.
        actions = [];
      }
      const { ccs: _ccs, project, ...rest } = task;
      const [payment, signers, urgers, proposalRevision] = await Promise.all([
        paymentOfTask(prisma, task),
        signersOfTask(prisma, task),
        lastUrgers(prisma, [task]),
        REVIEWS_OF_THE_PROPOSAL.has(task.kind) ? latestProposalRevision(prisma, task.projectId) : null,
      ]);
      const now = new Date();
      return {
        ...rest,
        overdue: task.status === 'PENDING' && task.dueAt !== null && task.dueAt < now,
        project: { id: project.id, name: project.name, stage: project.stage, industry: project.industry, budgetFen: Number(project.budgetFen) },
        actions,
        returnTargets,
        transferTargets: people.transfer,
        signerTargets: people.add_signer,
        ccTargets: people.cc,
        stepDueAt: dueAt,
        payment,
        signers,
        urge: task.urgeCount > 0 && task.lastUrgedAt ? { count: task.urgeCount, lastAt: task.lastUrgedAt, lastBy: urgers.get(task.id) ?? null } : null,
        proposalRevision,
        // 退回修改: the proposal as it stands, for the proposer's revision form.
        proposal: task.kind === STAGE_TASKS.RETURNED!.kind ? (project.proposal as Record<string, unknown>) : null,
      };
    },
  );

  r.get(
    '/api/web/projects/:id/commands',
    {
      schema: {
        tags: ['projects'],
        summary:
          "The project commands the signed-in user's roles and scope allow, each with the stages it is open in (PROJECT_COMMAND_RULES); which reports they verify; whether they allocate funds",
        params: ZProjectParams,
        response: {
          200: z.object({
            projectId: z.string(),
            stage: z.string(),
            commands: z.array(z.object({ type: z.string(), stages: z.array(z.string()).readonly() })),
            verifies: z.array(z.enum(['PROGRESS', 'CAPITAL'])),
            allocatesFunds: z.boolean(),
          }),
        },
      },
    },
    async (req) => {
      const actor = requireActor(req);
      const project = await visibleProject(prisma, actor, req.params.id);
      const rules = Object.entries(PROJECT_COMMAND_RULES) as Array<[TProjectCommandType, (typeof PROJECT_COMMAND_RULES)[TProjectCommandType]]>;
      return {
        projectId: project.id,
        stage: project.stage,
        commands: rules.filter(([, rule]) => !commandGrant(actor, rule.roles, project.orgPath).refusal).map(([type, rule]) => ({ type, stages: rule.stages })),
        verifies: (['PROGRESS', 'CAPITAL'] as const).filter((kind) => !commandGrant(actor, VERIFIER_ROLES[kind], project.orgPath).refusal),
        allocatesFunds: Boolean(findGrant(actor, 'COUNTY_FINANCE', project.orgPath)),
      };
    },
  );

  r.get(
    '/api/web/people',
    {
      schema: {
        tags: ['accounts'],
        summary:
          "Display names for user ids the pages show (reporters, verifiers, deciding-body members): only people in the caller's org units or in records the caller may read; any other id is left out like an unknown one",
        querystring: ZPeopleQuery,
        response: { 200: z.object({ items: z.array(z.object({ id: z.string(), displayName: z.string() })) }) },
      },
    },
    async (req) => {
      const actor = requireActor(req);
      const ids = [
        ...new Set(
          req.query.ids
            .split(',')
            .map((id) => id.trim())
            .filter(Boolean),
        ),
      ].slice(0, 200);
      const visible = await visiblePeople(prisma, actor, ids);
      if (visible.size === 0) return { items: [] };
      const users = await prisma.user.findMany({ where: { id: { in: [...visible] } }, select: { id: true, displayName: true } });
      return { items: users };
    },
  );
}
