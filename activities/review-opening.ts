import crypto from 'node:crypto';
import { readCountySettings } from '../src/db/county-settings';
import type { TPrisma } from '../src/db/prisma';
import { coveringPathsOf, orgPathSegments } from '../src/domain/actor';
import { AppError } from '../src/domain/errors';
import {
  appealUnitFor,
  constituteAppealBody,
  constituteFirstBody,
  DECIDING_BODY_ROLES,
  fundViolationFlagsFor,
  refusalToAppError,
  reviewSettingsFor,
  type TConfirmedRiskFlag,
  type TDecidingBody,
  type TDecidingRoleHolder,
  type TExclusion,
  type TReviewContext,
  type TTriggerType,
} from '../src/domain/fault-tolerance';
import type { TCountySettings } from '../src/domain/policies/settings';
import { ZEligibilityTrigger, ZReviewInput, ZRiskFlagCode } from '../src/domain/zod-schemas';
import type { TReviewWorkflowInput } from '../workflows/messages/review';

type TDb = Pick<TPrisma, 'roleAssignment' | 'orgUnit'>;

/**
 * The holders of the deciding roles granted at one unit itself (a county for its first body, the
 * county's city or province for an appeal: deciding-body.ts), active accounts only.
 */
export async function decidingRoleHoldersAt(db: Pick<TPrisma, 'roleAssignment'>, orgUnitId: string): Promise<TDecidingRoleHolder[]> {
  const grants = await db.roleAssignment.findMany({
    where: { role: { in: [...DECIDING_BODY_ROLES] }, user: { active: true }, orgUnitId },
    select: { userId: true, createdAt: true },
  });
  return grants.map((g) => ({ userId: g.userId, grantedAt: g.createdAt.getTime() }));
}

/**
 * The holders of the deciding roles over a county (granted at the county or at a unit above it,
 * as the role check of every review action requires), active accounts only.
 */
export async function decidingRoleHolders(db: TDb, countyPath: string): Promise<TDecidingRoleHolder[]> {
  const coveringPaths = coveringPathsOf(countyPath);
  const grants = await db.roleAssignment.findMany({
    where: { role: { in: [...DECIDING_BODY_ROLES] }, user: { active: true }, orgUnit: { path: { in: coveringPaths } } },
    select: { userId: true, createdAt: true },
  });
  return grants.map((g) => ({ userId: g.userId, grantedAt: g.createdAt.getTime() }));
}

/** What the opener of a case may say (POST /api/reviews); the body, its rules and the approvers are not theirs to say. */
export interface TOpeningRequest {
  requestId: string;
  opening: 'APPLY' | 'OPEN_BY_BODY';
  eligibilityId?: string;
  countyOrgUnitId?: string;
  projectIds?: string[];
  concernedOfficials?: Array<{ userId: string; post?: string }>;
  matter: string;
  lossFen: number;
  triggerType?: TTriggerType;
  notifiedAt?: number;
  exclusions: TExclusion[];
}

const invalid = (path: string, message: string) => new AppError('VALIDATION_FAILED', message, [{ path, message }]);

/**
 * Opening a case (容错纠错): everything the workflow starts with, from the records rather than the
 * opener. The project, county, trigger, notification and window come from the applicant's
 * eligibility when there is one; the deciding body from the county's holders of the deciding roles
 * free of conflict (deciding-body.ts); the windows, quorum and majority from the county's settings
 * in force now (review-settings.ts); the approvers and proposers who may not judge from the
 * projects' records; the fund-violation flags from the payments' risk flags.
 */
export function createReviewOpening({ prisma, countyDefaults }: { prisma: TPrisma; countyDefaults: TCountySettings }) {
  /**
   * The eligibility an application rests on: the one it names (the applicant's own, or none), or
   * else the latest the applicant holds for one of the named projects with the same trigger.
   */
  const eligibilityFor = async (applicantId: string, body: TOpeningRequest) => {
    if (body.eligibilityId !== undefined) {
      const named = await prisma.reviewEligibility.findUnique({ where: { id: body.eligibilityId } });
      if (!named || named.userId !== applicantId) {
        throw new AppError('NOT_FOUND', `no eligibility ${body.eligibilityId} of yours`, [{ path: 'body.eligibilityId', message: 'not found' }]);
      }
      if (body.opening !== 'APPLY') throw invalid('body.opening', "an eligibility is the official's own: apply with it");
      return { row: named, field: 'body.eligibilityId' };
    }
    const trigger = ZEligibilityTrigger.safeParse(body.triggerType);
    if (body.opening !== 'APPLY' || !trigger.success || !body.projectIds) return null;
    const latest = await prisma.reviewEligibility.findFirst({
      where: { userId: applicantId, projectId: { in: body.projectIds }, trigger: trigger.data },
      orderBy: [{ notifiedAt: 'desc' }, { id: 'asc' }],
    });
    return latest ? { row: latest, field: 'body.projectIds' } : null;
  };

  /** The case's parts as the opener named them, completed and checked against the eligibility. */
  const openingFacts = async (applicantId: string, body: TOpeningRequest, now: number) => {
    const found = await eligibilityFor(applicantId, body);
    if (!found) {
      if (body.notifiedAt === undefined) throw invalid('body.notifiedAt', 'notifiedAt is required without a recorded eligibility');
      return {
        countyOrgUnitId: body.countyOrgUnitId!,
        projectIds: body.projectIds!,
        concernedOfficials: body.concernedOfficials!,
        triggerType: body.triggerType!,
        notifiedAt: body.notifiedAt,
        applicationWindowDays: undefined,
      };
    }
    const { row: e, field } = found;
    const project = await prisma.project.findUniqueOrThrow({ where: { id: e.projectId }, select: { countyId: true } });
    if (body.countyOrgUnitId !== undefined && body.countyOrgUnitId !== project.countyId)
      throw invalid('body.countyOrgUnitId', `the eligibility's project belongs to ${project.countyId}`);
    if (body.triggerType !== undefined && body.triggerType !== e.trigger) throw invalid('body.triggerType', `the eligibility was notified for ${e.trigger}`);
    if (body.projectIds !== undefined && !body.projectIds.includes(e.projectId))
      throw invalid('body.projectIds', `the eligibility is for project ${e.projectId}`);
    if (body.concernedOfficials !== undefined && !body.concernedOfficials.some((o) => o.userId === applicantId))
      throw invalid('body.concernedOfficials', 'the applicant must be one of the officials concerned');
    if (e.caseId !== null) throw new AppError('CONFLICT', `this eligibility was used by case ${e.caseId}`, [{ path: field, message: 'already applied' }]);
    if (now >= e.closesAt.getTime()) {
      throw new AppError(
        'APPLICATION_WINDOW_CLOSED',
        `applications closed ${e.closesAt.toISOString()}, ${e.windowDays} days after the notification of ${e.notifiedAt.toISOString()}`,
        [{ path: field, message: 'the application window has closed' }],
      );
    }
    return {
      countyOrgUnitId: project.countyId,
      projectIds: body.projectIds ?? [e.projectId],
      concernedOfficials: body.concernedOfficials ?? [{ userId: applicantId }],
      triggerType: e.trigger as TTriggerType,
      // The recorded notification and its window decide, whatever the client says.
      notifiedAt: e.notifiedAt.getTime(),
      applicationWindowDays: e.windowDays,
    };
  };

  /**
   * Confirmed risk flags on the case's projects and whom each is against (fund-violation-flags.ts):
   * the payment's requester and the approvers of its verification step. The lifecycle names a
   * payment's verification step `payment-<seq>-verify` (workflows/project-operation.ts).
   */
  const confirmedFlags = async (projectIds: string[]): Promise<TConfirmedRiskFlag[]> => {
    const flags = await prisma.riskFlag.findMany({
      where: { projectId: { in: projectIds }, status: 'CONFIRMED' },
      include: { payment: { select: { seq: true, requestedBy: true } } },
      orderBy: { id: 'asc' },
    });
    if (flags.length === 0) return [];
    const verifications = await prisma.decision.findMany({
      where: { projectId: { in: projectIds }, action: 'approve', task: { kind: 'PAYMENT_VERIFICATION' } },
      select: { actorId: true, projectId: true, task: { select: { stepId: true } } },
    });
    return flags.map((f) => ({
      flagId: f.id,
      projectId: f.projectId,
      paymentId: f.paymentId,
      code: ZRiskFlagCode.parse(f.code),
      requestedBy: f.payment.requestedBy,
      verifierIds: verifications.filter((v) => v.projectId === f.projectId && v.task.stepId === `payment-${f.payment.seq}-verify`).map((v) => v.actorId),
    }));
  };

  /** Who proposed or approved the projects under review: they may not judge them (conflict-of-interest.ts). */
  const proposersAndApprovers = async (projectIds: string[]): Promise<string[]> => {
    const [projects, approvals] = await Promise.all([
      prisma.project.findMany({ where: { id: { in: projectIds } }, select: { proposerId: true } }),
      prisma.decision.findMany({ where: { projectId: { in: projectIds }, action: 'approve' }, select: { actorId: true } }),
    ]);
    return [...new Set([...projects.map((p) => p.proposerId), ...approvals.map((a) => a.actorId)])];
  };

  return {
    /**
     * The workflow input of a new case opened by `openerId`, or the typed refusal. `authorise` is
     * the caller's role check, run once the county and the officials are known and before the body
     * is drawn, so a caller without the right says so rather than learning about the county's staff.
     */
    async reviewCaseInput({
      openerId,
      body,
      now,
      authorise,
    }: {
      openerId: string;
      body: TOpeningRequest;
      now: number;
      authorise: (c: { countyOrgPath: string; concernedUserIds: string[] }) => void;
    }): Promise<{ caseId: string; input: TReviewWorkflowInput }> {
      const facts = await openingFacts(openerId, body, now);
      const county = await prisma.orgUnit.findUnique({ where: { id: facts.countyOrgUnitId } });
      if (!county || county.level !== 'COUNTY')
        throw new AppError('VALIDATION_FAILED', `unknown county ${facts.countyOrgUnitId}`, [{ path: 'body.countyOrgUnitId', message: 'not a county' }]);
      const userIds = facts.concernedOfficials.map((o) => o.userId);
      const users = await prisma.user.findMany({ where: { id: { in: userIds } }, select: { id: true, displayName: true } });
      const missing = userIds.findIndex((id) => !users.some((u) => u.id === id));
      if (missing >= 0) throw invalid(`body.concernedOfficials.${missing}.userId`, `unknown user ${userIds[missing]}`);
      authorise({ countyOrgPath: county.path, concernedUserIds: userIds });
      const [{ settings: countySettings }, approverIds, holders, flags] = await Promise.all([
        readCountySettings(prisma, { countyId: county.id, defaults: countyDefaults }),
        proposersAndApprovers(facts.projectIds),
        decidingRoleHoldersAt(prisma, county.id),
        confirmedFlags(facts.projectIds),
      ]);
      const caseId = `FT-${crypto.createHash('sha256').update(`${openerId}:${body.requestId}`).digest('hex').slice(0, 16)}`;
      const reviewCase = {
        caseId,
        county: county.name,
        projectIds: facts.projectIds,
        concernedOfficials: facts.concernedOfficials.map((o) => ({
          userId: o.userId,
          name: users.find((u) => u.id === o.userId)!.displayName,
          ...(o.post ? { post: o.post } : {}),
        })),
        matter: body.matter,
        lossFen: body.lossFen,
        triggerType: facts.triggerType,
        notifiedAt: facts.notifiedAt,
      };
      const constituted = constituteFirstBody({ county, holders, context: { case: reviewCase, approverIds } });
      if (!constituted.ok) throw refusalToAppError(constituted);
      const parsed = ZReviewInput.safeParse({
        case: reviewCase,
        settings: reviewSettingsFor({ county: countySettings, applicationWindowDays: facts.applicationWindowDays }),
        exclusions: body.exclusions,
        fundViolationFlags: fundViolationFlagsFor({ flags, concernedUserIds: userIds }),
        approverIds,
        decidingBody: constituted.body,
      });
      if (!parsed.success) {
        throw new AppError(
          'VALIDATION_FAILED',
          'the case is invalid',
          parsed.error.issues.map((i) => ({ path: ['body', ...i.path.map(String)].join('.'), message: i.message })),
        );
      }
      return { caseId, input: { review: parsed.data, countyId: county.id, countyOrgPath: county.path } };
    },

    /**
     * The appeal body (复核) of a case, formed now: from the holders at the county's city or
     * province (its settings' `faultTolerance.appealLevel`, as in force now), or the county's own
     * holders new to the case when it has no unit of that level above it or is set to COUNTY.
     */
    async appealBody({ countyId, context }: { countyId: string; context: TReviewContext }): Promise<TDecidingBody> {
      const county = await prisma.orgUnit.findUniqueOrThrow({ where: { id: countyId } });
      const ancestorIds = orgPathSegments(county.path).filter((id) => id !== county.id);
      const [ancestors, { settings }] = await Promise.all([
        prisma.orgUnit.findMany({ where: { id: { in: ancestorIds } } }),
        readCountySettings(prisma, { countyId, defaults: countyDefaults }),
      ]);
      const inPathOrder = ancestorIds.flatMap((id) => ancestors.filter((a) => a.id === id));
      const hearing = appealUnitFor({ county, ancestors: inPathOrder, appealLevel: settings.faultTolerance.appealLevel });
      const holders = await decidingRoleHoldersAt(prisma, hearing.unit.id);
      const constituted = constituteAppealBody({ county, hearing, holders, context });
      if (!constituted.ok) throw refusalToAppError(constituted);
      return constituted.body;
    },
  };
}
