import { describe, expect, it } from 'vitest';
import { ROLES, ROLE_LABELS_ZH, roleTitleZh } from '../../src/domain/roles';

describe('a role named at the level of its grant (issue #17)', () => {
  it('the county departments are the city’s and the province’s own departments above the county', () => {
    expect(roleTitleZh('COUNTY_FINANCE', 'COUNTY')).toBe('县财政局');
    expect(roleTitleZh('COUNTY_FINANCE', 'CITY')).toBe('市财政局');
    expect(roleTitleZh('COUNTY_FINANCE', 'PROVINCE')).toBe('省财政厅');
    expect(roleTitleZh('COUNTY_AGRICULTURE', 'CITY')).toBe('市乡村振兴局');
    expect(roleTitleZh('COUNTY_LEADING_GROUP', 'PROVINCE')).toBe('省巩固衔接领导小组');
  });

  it('at a county and below, and without a level, every role keeps its one name', () => {
    for (const role of ROLES) {
      for (const level of ['COUNTY', 'TOWNSHIP', 'VILLAGE', null] as const) expect(roleTitleZh(role, level)).toBe(ROLE_LABELS_ZH[role]);
    }
    // Roles whose name carries no level stay as they are at a city too.
    expect(roleTitleZh('MONITOR', 'CITY')).toBe(ROLE_LABELS_ZH.MONITOR);
    expect(roleTitleZh('ADMIN', 'PROVINCE')).toBe(ROLE_LABELS_ZH.ADMIN);
  });
});
