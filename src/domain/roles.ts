import * as z from './shape';

/** The roles of domain.md §1. A user holds roles, each scoped to one org unit and its subtree. */
export const ROLES = [
  'VILLAGE_COMMITTEE',
  'TOWNSHIP_REVIEWER',
  'COUNTY_AGRICULTURE',
  'COUNTY_FINANCE',
  'COUNTY_LEADING_GROUP',
  'EXPERT',
  'DISCIPLINE_INSPECTION',
  'IMPLEMENTER',
  'MONITOR',
  'ADMIN',
] as const;

export const ZRole = z.enum(ROLES);
export type TRole = z.infer<typeof ZRole>;

export const ROLE_LABELS_ZH: Record<TRole, string> = {
  VILLAGE_COMMITTEE: '村"两委"/驻村工作队',
  TOWNSHIP_REVIEWER: '乡镇审核',
  COUNTY_AGRICULTURE: '县农业农村局',
  COUNTY_FINANCE: '县财政局',
  COUNTY_LEADING_GROUP: '县巩固衔接领导小组',
  EXPERT: '专家/第三方',
  DISCIPLINE_INSPECTION: '纪检监察/组织部',
  IMPLEMENTER: '实施主体',
  MONITOR: '监测/审计',
  ADMIN: '管理员',
};

export const ORG_LEVELS = ['PROVINCE', 'CITY', 'COUNTY', 'TOWNSHIP', 'VILLAGE'] as const;
export const ZOrgLevel = z.enum(ORG_LEVELS);
export type TOrgLevel = z.infer<typeof ZOrgLevel>;

/**
 * Who is shown the Temporal Web UI: monitors (监测/审计) and administrators. The UI has no sign-in
 * of its own and shows every workflow of the namespace, inputs included, with Cancel, Terminate
 * and Signal buttons, outside the app's org-unit scope and audit; so the app links it only for
 * the roles whose work is watching the engine, and production puts it behind sign-in
 * (docs/operations.md).
 */
export const TEMPORAL_UI_ROLES = ['MONITOR', 'ADMIN'] as const satisfies readonly TRole[];

export const mayOpenTemporalUi = (roles: ReadonlyArray<{ role: string }>): boolean =>
  roles.some((g) => (TEMPORAL_UI_ROLES as readonly string[]).includes(g.role));
