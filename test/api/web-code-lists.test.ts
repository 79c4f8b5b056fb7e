import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CORRECTIVE_MEASURE_TASK_KIND, EXCLUSION_KINDS, OUTCOMES, REVIEW_STEP_TASK_KINDS, TRIGGER_TYPES } from '../../src/domain/fault-tolerance';
import { FISCAL_SOURCES } from '../../src/domain/lifecycle/fiscal-funding';
import { FUNDING_SOURCES } from '../../src/domain/lifecycle/proposal';
import { OWN_TASKS, STAGE_LABELS_ZH, STAGE_TASKS } from '../../src/domain/lifecycle/stage-tasks';
import { TRANCHE_LABELS_ZH } from '../../src/domain/policies/disbursement-schedule';
import { RISK_FLAG_LABELS_ZH } from '../../src/domain/policies/risk-checks';
import { ROLE_LABELS_ZH, ROLES } from '../../src/domain/roles';
import { CODE_LABELS } from '../../src/web/app/code-labels';
import { startTestStack, type TTestStack } from '../support/stack';

/**
 * Issue #19: the classic web app held its own copies of the domain's lists (the roles an
 * administrator grants, the 容错纠错 task kinds, fund sources, review outcomes…) and both web apps
 * their own names of codes. The pages now read them from /web/domain.js, which the server writes
 * from src/domain and from src/web/app/code-labels.ts (the React app's dictionary of code names):
 * what the classic app is served must be exactly those.
 */
let s: TTestStack;
let served: Record<string, unknown>;
beforeAll(async () => {
  s = await startTestStack({ worker: false });
  const res = await s.app.inject({ method: 'GET', url: '/web/domain.js' });
  expect(res.statusCode).toBe(200);
  served = (await import(`data:text/javascript,${encodeURIComponent(res.body)}`)) as Record<string, unknown>;
});
afterAll(async () => {
  await s?.close();
});

describe('the code lists the classic web app is served (/web/domain.js)', () => {
  it("are the domain's: roles, 容错纠错 case task kinds, fund sources, review outcomes, exclusions and triggers", () => {
    expect(served.ROLES).toEqual(ROLES);
    expect(served.REVIEW_CASE_KINDS).toEqual([...REVIEW_STEP_TASK_KINDS, CORRECTIVE_MEASURE_TASK_KIND]);
    expect(served.FUNDING_SOURCES).toEqual(FUNDING_SOURCES);
    expect(served.FISCAL_SOURCES).toEqual(FISCAL_SOURCES);
    expect(served.REVIEW_OUTCOMES).toEqual(OUTCOMES);
    expect(served.EXCLUSION_KINDS).toEqual(EXCLUSION_KINDS);
    expect(served.TRIGGER_TYPES).toEqual(TRIGGER_TYPES);
  });

  it("names codes with the React app's own dictionary, whose Chinese names of stages, tranches, risk flags and roles are the domain's", () => {
    expect(served.CODE_LABELS).toEqual(CODE_LABELS);
    expect(CODE_LABELS.zh.stage).toEqual(STAGE_LABELS_ZH);
    expect(CODE_LABELS.zh.tranche).toEqual(TRANCHE_LABELS_ZH);
    expect(CODE_LABELS.zh.risk).toEqual(RISK_FLAG_LABELS_ZH);
    expect(CODE_LABELS.zh.role).toEqual(ROLE_LABELS_ZH);
  });

  it('names every task kind the domain opens, in both languages, and the same codes in each', () => {
    const domainKinds = [
      ...Object.values(STAGE_TASKS).map((task) => task.kind),
      ...Object.values(OWN_TASKS).map((task) => task.kind),
      ...REVIEW_STEP_TASK_KINDS,
      CORRECTIVE_MEASURE_TASK_KIND,
    ];
    expect(domainKinds.filter((kind) => !(kind in CODE_LABELS.zh.kind))).toEqual([]);
    for (const [section, names] of Object.entries(CODE_LABELS.zh)) {
      expect(Object.keys(CODE_LABELS.en[section as keyof typeof CODE_LABELS.en]), section).toEqual(Object.keys(names));
    }
  });
});
