/**
 * Every shape the domain modules export (src/domain/shape), by module and name, plus the ones made
 * by a function (a visible name of some bounds), for the parity tests.
 */
import { Shape } from '../../src/domain/shape';
import * as actor from '../../src/domain/actor';
import * as roles from '../../src/domain/roles';
import * as approvalConfig from '../../src/domain/approval/approval-config';
import * as approvalEvents from '../../src/domain/approval/approval-events';
import * as namedPeople from '../../src/domain/approval/named-people';
import * as eligibility from '../../src/domain/fault-tolerance/eligibility';
import * as review from '../../src/domain/fault-tolerance/schemas';
import * as fiscalFunding from '../../src/domain/lifecycle/fiscal-funding';
import * as projectCommands from '../../src/domain/lifecycle/project-commands';
import * as proposal from '../../src/domain/lifecycle/proposal';
import * as publicObjection from '../../src/domain/lifecycle/public-objection';
import * as townshipReview from '../../src/domain/lifecycle/township-review';
import * as payeeAccounts from '../../src/domain/payment/payee-accounts';
import * as calendarDate from '../../src/domain/policies/calendar-date';
import * as collectiveDecision from '../../src/domain/policies/collective-decision';
import * as disbursement from '../../src/domain/policies/disbursement-schedule';
import * as evaluationScoring from '../../src/domain/policies/evaluation-scoring';
import * as incomeDistribution from '../../src/domain/policies/income-distribution';
import * as money from '../../src/domain/policies/money';
import * as riskChecks from '../../src/domain/policies/risk-checks';
import * as settings from '../../src/domain/policies/settings';
import * as visibleName from '../../src/domain/policies/visible-name';

/** Every domain module that writes shapes, by its path under src/domain. */
export const SHAPE_MODULES: Record<string, Record<string, unknown>> = {
  'actor.ts': actor,
  'roles.ts': roles,
  'approval/approval-config.ts': approvalConfig,
  'approval/approval-events.ts': approvalEvents,
  'approval/named-people.ts': namedPeople,
  'fault-tolerance/eligibility.ts': eligibility,
  'fault-tolerance/schemas.ts': review,
  'lifecycle/fiscal-funding.ts': fiscalFunding,
  'lifecycle/project-commands.ts': projectCommands,
  'lifecycle/proposal.ts': proposal,
  'lifecycle/public-objection.ts': publicObjection,
  'lifecycle/township-review.ts': townshipReview,
  'payment/payee-accounts.ts': payeeAccounts,
  'policies/calendar-date.ts': calendarDate,
  'policies/collective-decision.ts': collectiveDecision,
  'policies/disbursement-schedule.ts': disbursement,
  'policies/evaluation-scoring.ts': evaluationScoring,
  'policies/income-distribution.ts': incomeDistribution,
  'policies/money.ts': money,
  'policies/risk-checks.ts': riskChecks,
  'policies/settings.ts': settings,
  'policies/visible-name.ts': visibleName,
};

export function DOMAIN_SHAPES(): Array<[string, Shape]> {
  const out: Array<[string, Shape]> = [];
  for (const [module, exports] of Object.entries(SHAPE_MODULES)) {
    for (const [name, value] of Object.entries(exports)) if (value instanceof Shape) out.push([`${module} ${name}`, value]);
  }
  out.push(['policies/visible-name.ts ZVisibleName({ max: 5 })', visibleName.ZVisibleName({ max: 5 })]);
  out.push(['policies/visible-name.ts ZVisibleName({ min: 2, max: 6 })', visibleName.ZVisibleName({ min: 2, max: 6 })]);
  return out;
}
