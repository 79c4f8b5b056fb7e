import { z } from 'zod';
import { ZAttachment as attachment } from '../../domain/approval/approval-events';
import { ZRole as role } from '../../domain/roles';
import { ZTownshipChecks as townshipChecks } from '../../domain/lifecycle/township-review';
import { ZProposal as proposal } from '../../domain/lifecycle/proposal';
import { toZod } from '../../domain/shape/to-zod';

// The domain's shapes as Zod schemas (the same ones src/domain/zod-schemas.ts lists), taken one by
// one so that the React app's bundle gets only these.
const ZAttachment = toZod(attachment);
const ZRole = toZod(role);
const ZTownshipChecks = toZod(townshipChecks);
const ZProposal = toZod(proposal);

/**
 * The decision body on its own module, with no server imports: the API route
 * (routes/tasks.ts) validates with it and the React app (src/web/app) validates its decision
 * dialog with the very same schema before anything is sent.
 */

const requestId = z.string().trim().min(8).max(100);
const comment = z.string().trim().max(2000).optional();
/** Reject and return must say why; the reason travels as `comment`, as it always has. */
const reason = z.string().trim().min(1, 'a reason (comment) is required').max(2000);

/** The body of POST /api/tasks/:taskId/decision: one shape per action, validated by Zod. */
export const ZDecisionBody = z.discriminatedUnion('action', [
  z.object({ action: z.literal('approve'), requestId, comment, checks: ZTownshipChecks.optional() }),
  z.object({ action: z.literal('reject'), requestId, comment: reason, checks: ZTownshipChecks.optional() }),
  z.object({
    action: z.literal('return'),
    requestId,
    comment: reason,
    checks: ZTownshipChecks.optional(),
    /**
     * 退回: to the applicant (default) or to an earlier step. For the lifecycle's county reviews the
     * earlier steps are the earlier review stages (`township-review`, and for the county approval
     * also `county-joint-review`); the step's validator refuses any other id (RETURN_TARGET_INVALID).
     */
    returnTo: z
      .discriminatedUnion('to', [
        z.object({ to: z.literal('APPLICANT') }),
        z.object({
          to: z.literal('STEP'),
          stepId: z.string().trim().min(1).max(100).describe('an earlier step of this matter, e.g. township-review or county-joint-review'),
        }),
      ])
      .default({ to: 'APPLICANT' }),
  }),
  z.object({
    action: z.literal('resubmit'),
    requestId,
    comment,
    /**
     * 退回修改: the revised proposal (the body of POST /api/projects without its requestId), kept
     * as the proposal's next version; only the proposer's, on a project returned before its 批复,
     * in the same village.
     */
    proposal: ZProposal.optional().describe("the revised proposal, the project's next version (the schema of POST /api/projects)"),
  }),
  z.object({ action: z.literal('transfer'), requestId, comment, toUserId: z.string().min(1).max(100) }),
  z.object({
    action: z.literal('add_signer'),
    requestId,
    comment,
    position: z.enum(['BEFORE', 'AFTER']),
    signer: z.union([z.object({ userId: z.string().min(1).max(100) }), z.object({ role: ZRole, orgUnitId: z.string().min(1).max(100) })]),
  }),
  z.object({ action: z.literal('claim'), requestId }),
  z.object({ action: z.literal('unclaim'), requestId }),
  z.object({
    action: z.literal('comment'),
    requestId,
    comment: z.string().trim().max(2000).default(''),
    attachments: z.array(ZAttachment).max(20).optional(),
  }),
  z.object({ action: z.literal('withdraw'), requestId, comment }),
  z.object({ action: z.literal('cc'), requestId, comment, recipientIds: z.array(z.string().min(1).max(100)).min(1).max(50) }),
  z.object({ action: z.literal('urge'), requestId, comment }),
]);
export type TDecisionBody = z.infer<typeof ZDecisionBody>;
