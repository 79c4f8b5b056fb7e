import type { TActor } from '../../src/domain/actor';

/**
 * The demo county's org paths and one actor per role, for workflow tests that call updates
 * directly (no accounts in the database: user ids are plain strings).
 */
export const COUNTY = '/c-qingshan/';
export const TOWNSHIP = '/c-qingshan/t-hexi/';
export const VILLAGE = '/c-qingshan/t-hexi/v-taoyuan/';

export const actor = (userId: string, role: TActor['roles'][number]['role'], orgUnitId: string, orgPath: string): TActor => ({
  userId,
  roles: [{ role, orgUnitId, orgPath }],
});

export const proposer = actor('u-village', 'VILLAGE_COMMITTEE', 'v-taoyuan', VILLAGE);
export const villager = actor('u-villager', 'VILLAGE_COMMITTEE', 'v-taoyuan', VILLAGE);
export const implementer = actor('u-impl', 'IMPLEMENTER', 'v-taoyuan', VILLAGE);
export const township = actor('u-township', 'TOWNSHIP_REVIEWER', 't-hexi', TOWNSHIP);
export const agri = actor('u-agri', 'COUNTY_AGRICULTURE', 'c-qingshan', COUNTY);
export const finance = actor('u-finance', 'COUNTY_FINANCE', 'c-qingshan', COUNTY);
export const leader = actor('u-leader', 'COUNTY_LEADING_GROUP', 'c-qingshan', COUNTY);
export const expert = actor('u-expert', 'EXPERT', 'c-qingshan', COUNTY);

/** The org refs of a project in 桃源村 (the lifecycle input's county, township, village). */
export const TAOYUAN = {
  county: { id: 'c-qingshan', name: '青山县', path: COUNTY },
  township: { id: 't-hexi', name: '河西镇', path: TOWNSHIP },
  village: { id: 'v-taoyuan', name: '桃源村', path: VILLAGE },
};
