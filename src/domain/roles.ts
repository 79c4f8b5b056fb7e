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
 * The county departments' roles are held at a city or the province as well (issue #17): there the
 * same role is that level's department, 市财政局 or 省财政厅, not a 县 one. The other roles' names
 * do not carry a level.
 */
const DEPARTMENT_AT_LEVEL: Partial<Record<TRole, Partial<Record<TOrgLevel, string>>>> = {
  COUNTY_AGRICULTURE: { CITY: '市乡村振兴局', PROVINCE: '省乡村振兴局' },
  COUNTY_FINANCE: { CITY: '市财政局', PROVINCE: '省财政厅' },
  COUNTY_LEADING_GROUP: { CITY: '市巩固衔接领导小组', PROVINCE: '省巩固衔接领导小组' },
  DISCIPLINE_INSPECTION: { CITY: '市纪检监察/组织部', PROVINCE: '省纪检监察/组织部' },
};

/** A role's Chinese name where its grant sits: ROLE_LABELS_ZH at a county and below. */
export function roleTitleZh(role: TRole, level: TOrgLevel | null | undefined): string {
  return (level && DEPARTMENT_AT_LEVEL[role]?.[level]) || ROLE_LABELS_ZH[role];
}

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
