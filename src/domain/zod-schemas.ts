/**
 * The Zod schemas of the domain's shapes (src/domain/shape), for the HTTP API (validation, types,
 * the OpenAPI document), the activities and the tests: each is `toZod` of the shape of the same
 * name, so it is exactly the schema the domain module writes. Workflow code never imports this
 * file (it would bundle Zod into every cached workflow: test/workflows/workflow-bundle-modules.test.ts).
 */
import { toZod } from './shape/to-zod';
import * as roles from './roles';
import * as approvalEvents from './approval/approval-events';
import * as review from './fault-tolerance/schemas';
import * as eligibility from './fault-tolerance/eligibility';
import * as fiscalFunding from './lifecycle/fiscal-funding';
import * as projectCommands from './lifecycle/project-commands';
import * as proposal from './lifecycle/proposal';
import * as townshipReview from './lifecycle/township-review';
import * as payeeAccounts from './payment/payee-accounts';
import * as evaluationScoring from './policies/evaluation-scoring';
import * as money from './policies/money';
import * as riskChecks from './policies/risk-checks';
import * as settings from './policies/settings';
import * as visibleName from './policies/visible-name';

export const ZRole = toZod(roles.ZRole);
export const ZAttachment = toZod(approvalEvents.ZAttachment);
export const ZApprovalEvent = toZod(approvalEvents.ZApprovalEvent);
export const ZTriggerType = toZod(review.ZTriggerType);
export const ZExclusion = toZod(review.ZExclusion);
export const ZReviewInput = toZod(review.ZReviewInput);
export const ZReviewEvent = toZod(review.ZReviewEvent);
export const ZEligibilityTrigger = toZod(eligibility.ZEligibilityTrigger);
export const ZFiscalSource = toZod(fiscalFunding.ZFiscalSource);
export const ZProjectCommand = toZod(projectCommands.ZProjectCommand);
export const ZProposal = toZod(proposal.ZProposal);
export const ZTownshipChecks = toZod(townshipReview.ZTownshipChecks);
export const ZPayeeAccounts = toZod(payeeAccounts.ZPayeeAccounts);
export const ZGrade = toZod(evaluationScoring.ZGrade);
export const ZAmountFen = toZod(money.ZAmountFen);
export const ZAmountOrZeroFen = toZod(money.ZAmountOrZeroFen);
export const ZRiskFlagCode = toZod(riskChecks.ZRiskFlagCode);
export const ZCountySettings = toZod(settings.ZCountySettings);
/** A name with a visible character (policies/visible-name.ts), as a Zod schema. */
export const ZVisibleName = (bounds: Parameters<typeof visibleName.ZVisibleName>[0]) => toZod(visibleName.ZVisibleName(bounds));
