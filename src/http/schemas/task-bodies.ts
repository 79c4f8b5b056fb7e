import { z } from 'zod';
import { ZInstant, ZNullableInstant } from '../openapi';
import { ZUrgeMark } from './task-matter';

/**
 * Success bodies of the task routes, for the OpenAPI document. The serializer checks every answer
 * against them: loose objects where the answer is a database row (new columns pass through),
 * every field a client relies on declared.
 */
export const ZInboxItem = z.looseObject({
  id: z.string(),
  projectId: z.string(),
  workflowId: z.string(),
  stepKey: z.string(),
  kind: z.string().describe('e.g. TOWNSHIP_REVIEW, COUNTY_APPROVAL, PAYMENT_VERIFICATION, REVIEW_VOTE'),
  title: z.string(),
  candidateRole: z.string().nullable().describe('the role whose holders in scope see the task; null when addressed to one person'),
  candidateOrgUnitId: z.string().nullable(),
  candidateUserId: z.string().nullable(),
  stepId: z.string().nullable(),
  mode: z.string().nullable().describe('SEQUENTIAL (依次), COUNTERSIGN (会签) or ANY_ONE (或签)'),
  claimedBy: z.string().nullable(),
  status: z.string().describe('PENDING, DONE, CANCELLED, SUSPENDED, EXPIRED'),
  outcome: z.string().nullable(),
  dueAt: ZNullableInstant,
  createdAt: ZInstant,
  completedAt: ZNullableInstant,
  overdue: z.boolean().describe('pending and past its due time'),
  urgeCount: z.int().optional(),
  urge: ZUrgeMark.nullable().optional().describe('催办: how often the task was urged, when last and by whom; null if never'),
  project: z.looseObject({ name: z.string(), stage: z.string(), industry: z.string(), budgetFen: z.number().describe('integer fen') }),
});

/** The step's answer to a decision, or the record of the first application of the same request. */
export const ZDecisionResult = z.object({
  requestId: z.string(),
  taskId: z.string().describe('the task the action applied to'),
  action: z.string().describe('the action as posted (approve, reject, return, ...)'),
  stageBefore: z.string(),
  stageAfter: z.string().describe('the project stage once the parent workflow took the change'),
  nextTaskId: z.string().nullable().describe('where the matter waits now, if anywhere in this step'),
  stepWorkflowId: z.string().optional(),
  phaseBefore: z.string().optional().describe('the approval step: pending, approved, rejected, returned, withdrawn'),
  phaseAfter: z.string().optional(),
  openTaskIds: z.array(z.string()).optional().describe("the step's open tasks after the action"),
  replayed: z.boolean().optional().describe('true: this requestId was applied before; this is its record'),
});
export type TDecisionResult = z.infer<typeof ZDecisionResult>;
