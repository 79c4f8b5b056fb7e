import { z } from 'zod';
import { ZInstant, ZNullableInstant } from './instant';

/**
 * What a task is about, for the task page: the approver sees the matter they decide (issue #18),
 * not only the project. A payment step's task carries its payment (amount, tranche, payee and
 * account, invoices, risk flags) and the facts the tranche rests on (verified progress, own
 * capital); every step's task carries its signers: who has decided, who is still to.
 */
export const ZTaskPayment = z.object({
  id: z.string(),
  seq: z.int(),
  tranche: z.string().describe('START, SUBSTANTIAL_COMPLETION, ACCEPTANCE or RETENTION'),
  amountFen: z.int().describe('integer fen'),
  payeeId: z.string().describe('the payee as requested (the implementer’s name)'),
  payeeAccount: z.string().nullable(),
  fiscalSource: z.string().nullable().describe('CENTRAL_LINKAGE, LOCAL or OTHER; null before risk screening chose one'),
  status: z.string(),
  requestedBy: z.object({ userId: z.string(), displayName: z.string().nullable() }),
  requestedAt: ZInstant,
  invoices: z.array(
    z.object({
      number: z.string(),
      sha256: z.string(),
      file: z
        .object({ attachmentId: z.string(), contentType: z.string(), url: z.string() })
        .nullable()
        .describe("the project archive's file with this sha256, for preview; null when none was uploaded"),
    }),
  ),
  riskFlags: z.array(z.object({ code: z.string(), status: z.string().describe('OPEN, DISMISSED or CONFIRMED') })),
  facts: z
    .object({
      allocatedFen: z.int().describe('funds allocated to the project, integer fen'),
      disbursedFen: z.int().describe('paid out so far, integer fen'),
      verifiedProgressPercent: z.int().describe('the highest verified progress report, 0–100'),
      ownCapitalRequiredFen: z.int().describe("the proposal's own-capital funding, integer fen"),
      ownCapitalVerifiedFen: z.int().describe('own capital reported and verified, integer fen'),
    })
    .describe('what the tranche rests on, from the verified records'),
});
export type TTaskPayment = z.infer<typeof ZTaskPayment>;

export const ZTaskSigner = z.object({
  taskId: z.string(),
  status: z.string().describe('PENDING, DONE, CANCELLED …'),
  outcome: z.string().nullable(),
  candidate: z.object({
    role: z.string().nullable(),
    roleTitle: z.string().nullable().describe('the role in Chinese at its unit’s level: 县财政局 at a county, 市财政局 at a city'),
    orgUnitName: z.string().nullable(),
    userId: z.string().nullable(),
    displayName: z.string().nullable().describe('the named signer, when the task is addressed to one person'),
  }),
  decision: z
    .object({ action: z.string(), actorId: z.string(), actorName: z.string().nullable(), at: ZInstant })
    .nullable()
    .describe('the approve, reject or return that closed the task, if any'),
  createdAt: ZInstant,
  completedAt: ZNullableInstant,
});
export type TTaskSigner = z.infer<typeof ZTaskSigner>;

/** 催办 on a task: how often, when last and by whom (the inbox and the task page show it). */
export const ZUrgeMark = z.object({
  count: z.int().min(1),
  lastAt: ZInstant,
  lastBy: z.object({ userId: z.string(), displayName: z.string().nullable() }).nullable().describe('who urged last; null if the urge cannot be traced'),
});
export type TUrgeMark = z.infer<typeof ZUrgeMark>;

/** One changed field of a revised proposal (本次修改); money fields (`money: true`) are integer fen. */
export const ZProposalChange = z.object({
  field: z.string().describe('dotted path in the proposal, e.g. budgetFen, fundingSources.0.amountFen, householdLinkage.mechanism'),
  before: z.union([z.string(), z.number(), z.boolean()]).optional(),
  after: z.union([z.string(), z.number(), z.boolean()]).optional(),
  money: z.boolean().describe('integer fen: shown in yuan'),
});
