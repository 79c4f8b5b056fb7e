import { covers } from '../actor';
import { refusal, type TRefusal } from '../errors';
import type { TOrgLevel, TRole } from '../roles';
import type { TReviewContext } from './schemas';

/**
 * 纠错: the corrective measures of the final decision become tasks (结果运用, domain.md §3), one per
 * measure, in the inbox of the org unit responsible for it, due when the measure is due. They are
 * opened when the result is final (resultApplied), not at the decision: an appeal can replace the
 * decision and its measures, and a task once in someone's inbox should not be withdrawn again.
 */
export const CORRECTIVE_MEASURE_TASK_KIND = 'CORRECTIVE_MEASURE';

/** The role that holds an org unit's inbox for a measure, when the decision named only the unit. */
export const MEASURE_ROLE_BY_LEVEL: Record<TOrgLevel, TRole | null> = {
  VILLAGE: 'VILLAGE_COMMITTEE',
  TOWNSHIP: 'TOWNSHIP_REVIEWER',
  // A county (or a city, a province) has many departments: the decision must say which one.
  COUNTY: null,
  CITY: null,
  PROVINCE: null,
};

/** Tracks a measure that names no unit: the deciding body that imposed it. */
export const FALLBACK_MEASURE_ROLE: TRole = 'DISCIPLINE_INSPECTION';

export interface TMeasureTaskSpec {
  taskId: string;
  measureId: string;
  projectId: string;
  title: string;
  dueAt: number;
  orgUnitId: string;
  /** Null: the role follows from the org unit's level (MEASURE_ROLE_BY_LEVEL). */
  role: TRole | null;
  responsibleUserId: string | null;
}

export const measureTaskId = (workflowId: string, measureId: string) => `${workflowId}:measure:${measureId}`;

export function correctiveMeasureTasks({
  context,
  workflowId,
  countyOrgUnitId,
}: {
  context: TReviewContext;
  workflowId: string;
  countyOrgUnitId: string;
}): TMeasureTaskSpec[] {
  const round = context.rounds[context.rounds.length - 1];
  if (context.resultAppliedAt === undefined || round.decision === undefined) return [];
  return round.decision.correctiveMeasures.map((m) => {
    const named = m.responsibleOrgUnitId !== undefined;
    const description = m.description.length > 120 ? `${m.description.slice(0, 119)}…` : m.description;
    return {
      taskId: measureTaskId(workflowId, m.id),
      measureId: m.id,
      projectId: m.projectId ?? context.case.projectIds[0],
      title: `纠错整改：${description} · 容错纠错 ${context.case.caseId}`,
      dueAt: m.dueAt,
      orgUnitId: m.responsibleOrgUnitId ?? round.body.orgUnitId ?? countyOrgUnitId,
      role: named ? (m.responsibleRole ?? null) : FALLBACK_MEASURE_ROLE,
      responsibleUserId: m.responsibleUserId ?? null,
    };
  });
}

/** An org unit as a decision's measure names it. */
export interface TMeasureUnit {
  path: string;
  level: TOrgLevel;
  name: string;
}

/**
 * A decision's measure with its inbox settled, or why it cannot be: a named org unit must lie in
 * the case's county, and the role that holds its inbox is the decision's or follows from the
 * unit's level (a county unit has many departments, so there the decision must name one). A
 * measure naming no unit is tracked by the deciding body (`correctiveMeasureTasks`). `field` is
 * the measure's path in the request.
 */
export function measureWithResponsibleRole<M extends { responsibleOrgUnitId?: string; responsibleRole?: TRole }>(
  measure: M,
  unit: TMeasureUnit | null,
  countyPath: string,
  field: string,
): { measure: M } | { refusal: TRefusal; detail: string } {
  if (measure.responsibleOrgUnitId === undefined) return { measure };
  if (!unit || !covers({ orgPath: countyPath }, unit.path)) {
    return {
      refusal: refusal('VALIDATION_FAILED', `${measure.responsibleOrgUnitId} is not an org unit of the case's county`, `${field}.responsibleOrgUnitId`),
      detail: 'not in the county',
    };
  }
  const role = measure.responsibleRole ?? MEASURE_ROLE_BY_LEVEL[unit.level];
  if (!role)
    return {
      refusal: refusal('VALIDATION_FAILED', `name the department (role) responsible at ${unit.name}`, `${field}.responsibleRole`),
      detail: 'required for a county unit',
    };
  return { measure: { ...measure, responsibleRole: role } };
}
