import * as z from '../shape';
import { AppError } from '../errors';
import { issuesToDetails } from './validate';
import { ZCalendarDate } from './calendar-date';
import { isWeekend, STATE_COUNCIL_CALENDAR } from './working-days';

/**
 * Every number domain.md marks *(setting)*, with its default. Counties differ, so workflows read
 * these from the county's resolved settings and never from constants.
 *
 * Units are in the field names: `…Days`, `…Hours`, `…Months`, `…Bp` (basis points, 1/10000,
 * so 10% = 1000), `…Percent` (integer percent 0–100), score points 0–100.
 *
 * Every object is strict: a misspelt key in a county's override is an error, not a silent no-op.
 * Every group has a `prefault({})`, so `ZCountySettings.parse({})` is the full default set and
 * `parse(overrides)` fills whatever the county did not override.
 */

const days = (fallback: number, min = 0) => z.int().min(min).max(3650).default(fallback);
const hours = (fallback: number) =>
  z
    .int()
    .min(1)
    .max(24 * 365)
    .default(fallback);
const bp = (fallback: number) => z.int().min(0).max(10_000).default(fallback);
const percent = (fallback: number, min = 0) => z.int().min(min).max(100).default(fallback);

/**
 * Publicity periods (公示), domain.md §2.2, §2.3, §2.9 and §4, in WORKING days (工作日, counted by
 * `workingDays.calendar`): county notices state 公示期 in working days, so that a period posted
 * before 春节 or 国庆 is not over before anyone is back to read it. Every other `…Days` setting
 * counts calendar days (the rules and notices behind them say 日, e.g. "自收到之日起15日内").
 * Projects started before the `publicity-working-days` patch keep calendar days.
 */
export const ZPublicitySettings = z
  .strictObject({
    /** 村公示: village publicity of a proposal, in working days. */
    villageDays: days(10, 1),
    /** 乡镇公示: township publicity after township review, in working days. */
    townshipDays: days(10, 1),
    /** 验收公示: publicity after completion acceptance passes, in working days. */
    acceptanceDays: days(7, 1),
  })
  .prefault({});

const ZCalendarYear = z.strictObject({
  /** 法定节假日: days off by the notice. */
  holidays: z.array(ZCalendarDate).max(366),
  /** 调休上班: weekend days that are working days. */
  adjustedWorkdays: z.array(ZCalendarDate).max(366),
});

/**
 * The working-day calendar (policies/working-days.ts) by year ('2025'): the State Council's
 * arrangement by default; a county corrects a year, or adds the next one, by saving its lists. The
 * calendar is one value: a county that saves it saves every year it wants counted.
 */
export const ZWorkingDaysSettings = z
  .strictObject({
    calendar: z
      .record(z.string().regex(/^\d{4}$/, 'must be a year YYYY'), ZCalendarYear)
      .default(STATE_COUNCIL_CALENDAR as Record<string, { holidays: string[]; adjustedWorkdays: string[] }>),
  })
  .prefault({});

/** Cross-field rules of a working-day calendar: every date in the year it is filed under, no date both off and on. */
export function workingDaysCalendarProblems(
  calendar: Record<string, { holidays: readonly string[]; adjustedWorkdays: readonly string[] }>,
): TSettingsProblem[] {
  const problems: TSettingsProblem[] = [];
  for (const [year, lists] of Object.entries(calendar)) {
    for (const list of ['holidays', 'adjustedWorkdays'] as const) {
      lists[list].forEach((date, i) => {
        if (!date.startsWith(`${year}-`))
          problems.push({ path: [year, list, String(i)], message: `${date} is not in ${year}`, zh: `${date} 不在 ${year} 年内` });
      });
    }
    const holidays = new Set(lists.holidays);
    lists.adjustedWorkdays.forEach((date, i) => {
      if (holidays.has(date))
        problems.push({
          path: [year, 'adjustedWorkdays', String(i)],
          message: `${date} cannot be both a holiday and an adjusted workday`,
          zh: `${date} 不能既是法定节假日又是调休上班日`,
        });
      else if (!isWeekend(date))
        problems.push({
          path: [year, 'adjustedWorkdays', String(i)],
          message: `${date} is a weekday: only a Saturday or Sunday can be an adjusted workday`,
          zh: `${date} 不是周末：调休上班日只能是周六或周日`,
        });
    });
  }
  return problems;
}

/** Budget guard (no 批小建大), domain.md §2.8. */
export const ZBudgetSettings = z
  .strictObject({
    /** Spending above the approved budget by more than this needs a new 批复. Default 10%. */
    overspendToleranceBp: bp(1000),
  })
  .prefault({});

/**
 * Phased disbursement (分阶段拨付), domain.md §2.8. Three tranches: start, substantial completion,
 * and acceptance, which is whatever the first two leave of 100% (a share of its own could only
 * ever be that remainder, so it is not a setting). Retention (质保金) is carved out of the last
 * tranche and released after the hold period.
 */
export const ZDisbursementFields = z.strictObject({
  /** Tranche 1, at start. */
  startShareBp: bp(4000),
  /** Tranche 2, at substantial completion. Tranche 3, after acceptance, is the rest (retention included in it). */
  substantialCompletionShareBp: bp(5000),
  /**
   * Retention (质保金) as a share of the total budget, held back from tranche 3. domain.md allows
   * "up to 10% of the total", hence the cap. The default is 5%, not the cap: holding the full 10%
   * would leave nothing to pay at acceptance under the default 40/50/10 schedule, while the issue
   * expects a final tranche then. Must not exceed the acceptance tranche's share.
   */
  retentionBp: z.int().min(0).max(1000).default(500),
  /** Verified progress at which tranche 2 (substantial completion) becomes due. */
  substantialCompletionProgressPercent: percent(80),
  /** Retention is released this many months after handover, if no defect was reported. */
  retentionHoldMonths: z.int().min(0).max(120).default(12),
  /**
   * PROPORTIONAL: before each tranche the implementer's own capital (自筹) must be invested in
   * the same cumulative proportion as the fiscal money released (配套). NONE: no capital check.
   */
  ownCapitalMatching: z.enum(['PROPORTIONAL', 'NONE']).default('PROPORTIONAL'),
});
export const ZDisbursementSettings = ZDisbursementFields.prefault({});

/** Completion acceptance (竣工验收), domain.md §2.9. */
export const ZAcceptanceSettings = z
  .strictObject({
    /** Failed re-inspections allowed before the case is escalated. */
    maxReinspections: z.int().min(0).max(20).default(3),
    /** Days the implementer has to fix a failed inspection's findings before it is overdue. */
    rectificationDays: days(30, 1),
    /** 满意度: the villagers' representatives' satisfaction an inspection needs to pass (≥). */
    minSatisfactionPercent: percent(90, 1),
  })
  .prefault({});

/** Performance evaluation (绩效评价), domain.md §2.12. */
export const ZEvaluationFields = z.strictObject({
  /** Category weights in points; must sum to 100. */
  weights: z
    .strictObject({
      output: percent(50),
      benefit: percent(30),
      satisfaction: percent(10),
      budgetExecution: percent(10),
    })
    .prefault({}),
  /** Lowest score (inclusive) of each grade; below `fairMin` is 差. */
  gradeThresholds: z
    .strictObject({
      excellentMin: percent(90),
      goodMin: percent(80),
      fairMin: percent(60),
    })
    .prefault({}),
  /** 满意度 target: satisfaction at or above this earns the full satisfaction score. */
  satisfactionTargetPercent: percent(90, 1),
  /** Periodic evaluation interval after the first one at acceptance. */
  intervalMonths: z.int().min(1).max(120).default(12),
});
export const ZEvaluationSettings = ZEvaluationFields.prefault({});

/** Income distribution and 联农带农 ledger, domain.md §4. */
export const ZIncomeSettings = z
  .strictObject({
    /** Minimum yearly dividend as a share of invested principal. Default 8%. */
    minDividendRateBp: bp(800),
  })
  .prefault({});

/**
 * Fault-tolerance review (容错纠错), domain.md §3. Both windows are copied into a case when it opens
 * (fault-tolerance/review-settings.ts); the application window also into each eligibility notice.
 */
/** The levels an appeal (复核) may be heard at: see `faultTolerance.appealLevel`. */
export const APPEAL_LEVELS = ['CITY', 'PROVINCE', 'COUNTY'] as const;
export type TAppealLevel = (typeof APPEAL_LEVELS)[number];

export const ZFaultToleranceSettings = z
  .strictObject({
    /** Days after the trigger (差 grade, replacement…) within which an official may apply. */
    applicationWindowDays: days(30, 1),
    /** 申诉/复核: days after publicity and filing (公示报备) within which an appeal may be lodged. */
    appealWindowDays: days(15, 1),
    /**
     * 复核: where an appeal is heard (fault-tolerance/deciding-body.ts): the county's city (default)
     * or province, from the holders of the deciding roles granted there; COUNTY keeps it with the
     * county's other holders. A county with no unit of that level above it falls back to COUNTY.
     * Read when the appeal is opened, as the body is.
     */
    appealLevel: z.enum(APPEAL_LEVELS).default('CITY'),
  })
  .prefault({});

const ZFraction = z.strictObject({ numerator: z.int().min(0), denominator: z.int().min(1) });

/**
 * Collective decisions (集体研究认定): quorum of members present, then a majority of votes. A
 * fault-tolerance case takes both when it opens (fault-tolerance/review-settings.ts, voting.ts).
 */
export const ZCollectiveDecisionSettings = z
  .strictObject({
    /** Share of members that must be present; default two thirds (inclusive). */
    quorum: ZFraction.default({ numerator: 2, denominator: 3 }),
    /** Share of votes cast needed to pass, strictly more than; default a simple majority (> 1/2). */
    majorityMoreThan: ZFraction.default({ numerator: 1, denominator: 2 }),
  })
  .prefault({});

/** Approval tasks: nudges and escalation for pending steps. */
export const ZApprovalTimingSettings = z
  .strictObject({
    /** First reminder to the assignee after the task has been pending this long. */
    reminderAfterHours: hours(72),
    /** Escalation to the assignee's superior after this long. */
    escalateAfterHours: hours(168),
    /** Minimum gap between two manual urges (催办) of the same task. */
    urgeIntervalHours: hours(24),
  })
  .prefault({});

/** A cross-field rule broken: where, and what, in English and (for the web's default language) Chinese. */
export interface TSettingsProblem {
  path: string[];
  message: string;
  zh: string;
}

/** The acceptance tranche's share: what the start and substantial completion tranches leave. */
export const acceptanceTrancheShareBp = (d: Pick<z.output<typeof ZDisbursementFields>, 'startShareBp' | 'substantialCompletionShareBp'>) =>
  10_000 - d.startShareBp - d.substantialCompletionShareBp;

/**
 * Cross-field rules of the disbursement schedule, shared by the settings schema and by the
 * disbursement policy (which may be handed a schedule that never went through `resolveSettings`).
 */
export function disbursementSettingsProblems(d: z.output<typeof ZDisbursementFields>): TSettingsProblem[] {
  const problems: TSettingsProblem[] = [];
  const restBp = acceptanceTrancheShareBp(d);
  if (restBp < 0) {
    problems.push({
      path: ['substantialCompletionShareBp'],
      message: `the start and substantial completion shares cannot exceed 10000 bp (100%), got ${10_000 - restBp}`,
      zh: `开工与主体完工拨付比例之和不能超过 10000 基点（100%），现为 ${10_000 - restBp}`,
    });
  } else if (d.retentionBp > restBp) {
    problems.push({
      path: ['retentionBp'],
      message: `retention (${d.retentionBp} bp) cannot exceed the acceptance tranche (${restBp} bp)`,
      zh: `质保金（${d.retentionBp} 基点）不能超过验收拨付（${restBp} 基点）`,
    });
  }
  if (d.substantialCompletionProgressPercent === 0 && d.substantialCompletionShareBp > 0) {
    problems.push({
      path: ['substantialCompletionProgressPercent'],
      message: 'substantial completion must require some verified progress',
      zh: '基本完工拨付须以一定的核实进度为条件',
    });
  }
  return problems;
}

/** Cross-field rules of the evaluation settings, shared with the scoring policy. */
export function evaluationSettingsProblems(e: z.output<typeof ZEvaluationFields>): TSettingsProblem[] {
  const problems: TSettingsProblem[] = [];
  const w = e.weights;
  const weightTotal = w.output + w.benefit + w.satisfaction + w.budgetExecution;
  if (weightTotal !== 100) {
    problems.push({
      path: ['weights'],
      message: `evaluation weights must sum to 100, got ${weightTotal}`,
      zh: `绩效评价权重之和须为 100，现为 ${weightTotal}`,
    });
  }

  const g = e.gradeThresholds;
  if (!(g.excellentMin > g.goodMin)) {
    problems.push({
      path: ['gradeThresholds', 'goodMin'],
      message: `goodMin (${g.goodMin}) must be below excellentMin (${g.excellentMin})`,
      zh: `“良好”下限（${g.goodMin}）须低于“优秀”下限（${g.excellentMin}）`,
    });
  }
  if (!(g.goodMin > g.fairMin)) {
    problems.push({
      path: ['gradeThresholds', 'fairMin'],
      message: `fairMin (${g.fairMin}) must be below goodMin (${g.goodMin})`,
      zh: `“一般”下限（${g.fairMin}）须低于“良好”下限（${g.goodMin}）`,
    });
  }
  return problems;
}

export const ZCountySettings = z
  .strictObject({
    publicity: ZPublicitySettings,
    budget: ZBudgetSettings,
    disbursement: ZDisbursementSettings,
    acceptance: ZAcceptanceSettings,
    evaluation: ZEvaluationSettings,
    income: ZIncomeSettings,
    faultTolerance: ZFaultToleranceSettings,
    collectiveDecision: ZCollectiveDecisionSettings,
    approvalTiming: ZApprovalTimingSettings,
    workingDays: ZWorkingDaysSettings,
  })
  .superRefine((settings, ctx) => {
    for (const problem of workingDaysCalendarProblems(settings.workingDays.calendar)) {
      ctx.addIssue({ code: 'custom', path: ['workingDays', 'calendar', ...problem.path], message: problem.message, params: { zh: problem.zh } });
    }

    for (const problem of disbursementSettingsProblems(settings.disbursement)) {
      ctx.addIssue({ code: 'custom', path: ['disbursement', ...problem.path], message: problem.message, params: { zh: problem.zh } });
    }

    for (const problem of evaluationSettingsProblems(settings.evaluation)) {
      ctx.addIssue({ code: 'custom', path: ['evaluation', ...problem.path], message: problem.message, params: { zh: problem.zh } });
    }

    const { quorum, majorityMoreThan } = settings.collectiveDecision;
    if (quorum.numerator === 0 || quorum.numerator > quorum.denominator) {
      ctx.addIssue({
        code: 'custom',
        path: ['collectiveDecision', 'quorum'],
        message: 'quorum must be a fraction in (0, 1]',
        params: { zh: '法定人数须为大于 0、不超过 1 的分数' },
      });
    }
    if (majorityMoreThan.numerator >= majorityMoreThan.denominator) {
      ctx.addIssue({
        code: 'custom',
        path: ['collectiveDecision', 'majorityMoreThan'],
        message: 'majority threshold must be a fraction below 1 (it is a strict "more than")',
        params: { zh: '多数通过比例须为小于 1 的分数（“超过”该比例才算通过）' },
      });
    }

    const t = settings.approvalTiming;
    if (t.reminderAfterHours >= t.escalateAfterHours) {
      ctx.addIssue({
        code: 'custom',
        path: ['approvalTiming', 'escalateAfterHours'],
        message: `escalation (${t.escalateAfterHours} h) must come after the reminder (${t.reminderAfterHours} h)`,
        params: { zh: `升级（${t.escalateAfterHours} 小时）须晚于催办提醒（${t.reminderAfterHours} 小时）` },
      });
    }
  });

export type TCountySettings = z.output<typeof ZCountySettings>;
/** What a county stores: any subset of the settings, nested. */
export type TCountySettingsOverrides = z.input<typeof ZCountySettings>;
export type TDisbursementSettings = TCountySettings['disbursement'];
export type TEvaluationSettings = TCountySettings['evaluation'];

export const DEFAULT_COUNTY_SETTINGS: TCountySettings = ZCountySettings.parse({});

/**
 * Keys taken out of the schema because no value of theirs changed an outcome (issue #13; the
 * every-setting-takes-effect test). Stored rows lose them in migration 0020, but projects started
 * before it carry them in their workflow input, whose histories must still replay: so a stored or
 * carried settings object has them dropped here, never refused. A PUT parses `ZCountySettings`
 * itself, so a client still sending one is told the key is unknown.
 */
const RETIRED_KEYS: ReadonlyArray<readonly [group: string, key: string]> = [
  // The acceptance tranche was always 100% − start − substantial completion (the shares had to sum to 100%).
  ['disbursement', 'acceptanceShareBp'],
];

/** One group's fields without its retired keys (a schedule carried in an activity's input, say). */
export function withoutRetiredFields(group: string, fields: unknown): unknown {
  return (withoutRetiredKeys({ [group]: fields }) as Record<string, unknown>)[group];
}

function withoutRetiredKeys(overrides: unknown): unknown {
  if (typeof overrides !== 'object' || overrides === null) return overrides;
  let out = overrides as Record<string, unknown>;
  for (const [group, key] of RETIRED_KEYS) {
    const fields = out[group];
    if (typeof fields !== 'object' || fields === null || !(key in fields)) continue;
    const { [key]: _retired, ...kept } = fields as Record<string, unknown>;
    out = { ...out, [group]: kept };
  }
  return out;
}

export type TResolveSettingsResult = { ok: true; settings: TCountySettings } | { ok: false; error: AppError };

/**
 * Merge a county's partial overrides over the defaults and validate the whole. Returns the error
 * instead of throwing because settings are edited by administrators in a form, where every
 * offending field (`details[].path`, e.g. `disbursement.retentionBp`) should be shown at once.
 */
export function resolveSettings(overrides: unknown = {}): TResolveSettingsResult {
  const result = ZCountySettings.safeParse(withoutRetiredKeys(overrides ?? {}));
  if (result.success) return { ok: true, settings: result.data };
  return {
    ok: false,
    error: new AppError('VALIDATION_FAILED', 'Invalid county settings', issuesToDetails(result.error.issues)),
  };
}

/** As `resolveSettings`, for callers (workflows, activities) where invalid settings are a bug. */
export function resolveSettingsOrThrow(overrides: unknown = {}): TCountySettings {
  const result = resolveSettings(overrides);
  if (!result.ok) throw result.error;
  return result.settings;
}

/** Publicity periods that beat every county's own: 0 skips a period (demos and tests). */
export type TPublicityOverride = Partial<TCountySettings['publicity']>;

/**
 * The deployment's settings (`countySettings` of the HTTP app, from the config) split in two. Its
 * publicity periods are an override of every county's (`PUBLICITY_DAYS`; 0 skips them, which the
 * schema refuses as a county setting, so they are kept apart and never validated as one). The
 * rest, merged over the schema's defaults, are the settings of a county without its own row.
 */
export function deploymentSettings(overrides: TCountySettingsOverrides = {}): {
  defaults: TCountySettings;
  publicityOverride: TPublicityOverride | null;
} {
  const { publicity, ...rest } = overrides;
  const publicityOverride = publicity && Object.keys(publicity).length > 0 ? (publicity as TPublicityOverride) : null;
  return { defaults: resolveSettingsOrThrow(rest), publicityOverride };
}
