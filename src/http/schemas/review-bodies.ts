import { z } from 'zod';
import { ZInstant, ZNullableInstant } from '../openapi';

/** Success bodies of the fault-tolerance review routes (容错纠错), for the OpenAPI document. */

const outcome = z.string().nullable().describe('EXEMPT (免责), LENIENT (从轻减轻) or NOT_EXEMPT (不予免责) once decided');

/** What the case's workflow answers for an applied action (or the record of its first application). */
export const ZReviewActResult = z.object({
  requestId: z.string(),
  caseId: z.string(),
  type: z.string().describe('the action applied, e.g. APPLY, ACCEPT, CAST_VOTE, DECIDE'),
  seq: z.int().describe("the action's position in the case"),
  stageBefore: z.string(),
  stageAfter: z.string(),
  outcome,
  workflowId: z.string().optional().describe('the case workflow (on opening)'),
  replayed: z.boolean().optional(),
});

const ZNamed = z.object({ userId: z.string(), displayName: z.string() });
export const ZOpeningOptions = z.object({
  project: z.object({ id: z.string(), name: z.string() }).nullable(),
  county: z.object({ id: z.string(), name: z.string() }).nullable(),
  officials: z.array(ZNamed).describe("the project's proposer and approvers"),
  bodyCandidates: z.array(ZNamed).describe("the county's deciding-body role holders (discipline inspection)"),
});

export const ZCaseRow = z.looseObject({
  id: z.string(),
  workflowId: z.string(),
  stage: z.string(),
  outcome,
  county: z.string(),
  projectIds: z.array(z.string()),
  concernedOfficials: z.unknown().describe('[{ userId, name, post }]'),
  matter: z.string(),
  triggerType: z.string(),
  openedById: z.string(),
  openedAt: ZInstant,
  decidedAt: ZNullableInstant,
  closedAt: ZNullableInstant,
});

const ZMeasure = z.looseObject({
  measureId: z.string(),
  taskId: z.string(),
  title: z.string(),
  candidateRole: z.string().nullable(),
  candidateOrgUnitId: z.string().nullable(),
  status: z.string(),
  dueAt: ZNullableInstant,
  completedAt: ZNullableInstant,
  completedBy: z.string().nullable(),
  overdue: z.boolean(),
  mayComplete: z.boolean().describe('the caller holds the inbox the measure is in'),
});

export const ZCaseDetail = z.object({
  case: z.looseObject({ ...ZCaseRow.shape, context: z.unknown().describe("the machine's context after the latest action") }),
  actions: z.array(
    z.looseObject({ seq: z.int(), type: z.string(), actorId: z.string(), stageBefore: z.string(), stageAfter: z.string(), payload: z.unknown(), at: ZInstant }),
  ),
  measures: z.array(ZMeasure),
  live: z
    .looseObject({ stage: z.string(), seq: z.int(), outcome, applicationClosesAt: z.unknown(), appealClosesAt: z.unknown() })
    .nullable()
    .describe("the workflow's own state; null once the case closed or while it cannot be asked"),
  mayAct: z.array(z.string()).describe('the actions the caller may take now'),
});

export const ZMeasureDone = z.object({
  requestId: z.string(),
  caseId: z.string(),
  measureId: z.string(),
  taskId: z.string(),
  status: z.literal('DONE'),
  completedAt: ZNullableInstant,
  completedBy: z.string().nullable(),
  overdue: z.boolean().describe('completed after its due time'),
  replayed: z.boolean().optional(),
});

export const ZEligibility = z.looseObject({
  id: z.string(),
  projectId: z.string(),
  userId: z.string(),
  trigger: z.string().describe('POOR_GRADE or REPLACEMENT'),
  bases: z.array(z.string()),
  windowDays: z.int(),
  notifiedAt: ZInstant,
  closesAt: ZInstant,
  taskId: z.string(),
  caseId: z.string().nullable(),
  open: z.boolean().describe('no case yet and the window has not closed'),
});

const ZHonour = z.looseObject({ id: z.string(), officialId: z.string(), projectId: z.string(), title: z.string(), awardedBy: z.string(), awardedAt: ZInstant });
export const ZHonourResult = z.looseObject({ ...ZHonour.shape, replayed: z.boolean().optional() });

export const ZOfficialRecord = z.object({
  official: z.object({ id: z.string(), displayName: z.string() }),
  reviews: z.array(
    z.looseObject({
      caseId: z.string(),
      outcome: z.string(),
      decidedAt: ZInstant,
      noNegativeEffect: z.boolean(),
      impactPeriodEndsAt: ZNullableInstant,
      summaryZh: z.string(),
      adverseNow: z.boolean().describe('the outcome still counts against the official today'),
    }),
  ),
  honours: z.array(ZHonour),
});
