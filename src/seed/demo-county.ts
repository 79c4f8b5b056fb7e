import type { TPrisma } from '../db/prisma';
import { hashPassword } from '../auth/password';
import { DEFAULT_COUNTY_SETTINGS, type TCountySettings } from '../domain/policies/settings';
import type { TOrgLevel, TRole } from '../domain/roles';

/**
 * A demo county (青山县) with two townships and four villages, and one account per role; beside it,
 * a demo province (示范省) with two cities, each with a county of one township and one village, and
 * accounts at the city and the province (issue #17). Runs only when demo seeding is on, which the
 * config refuses in production.
 */
export const DEMO_ORG = {
  county: { id: 'c-qingshan', name: '青山县' },
  townships: [
    {
      id: 't-hexi',
      name: '河西镇',
      villages: [
        { id: 'v-taoyuan', name: '桃源村' },
        { id: 'v-shiqiao', name: '石桥村' },
      ],
    },
    {
      id: 't-dongling',
      name: '东岭乡',
      villages: [
        { id: 'v-chaling', name: '茶岭村' },
        { id: 'v-yunshui', name: '云水村' },
      ],
    },
  ],
} as const;

/**
 * The tree above the county: 青山县 stays a root county of its own (its paths start at the county),
 * the province's counties have paths from the province down (`/p-demo/m-dongchuan/c-baishui/…`).
 */
export const DEMO_PROVINCE = {
  id: 'p-demo',
  name: '示范省',
  cities: [
    {
      id: 'm-dongchuan',
      name: '东川市',
      counties: [{ id: 'c-baishui', name: '白水县', townships: [{ id: 't-baishui', name: '白水镇', villages: [{ id: 'v-qingquan', name: '清泉村' }] }] }],
    },
    {
      id: 'm-xiling',
      name: '西岭市',
      counties: [{ id: 'c-songlin', name: '松林县', townships: [{ id: 't-songlin', name: '松林镇', villages: [{ id: 'v-zhuxi', name: '竹溪村' }] }] }],
    },
  ],
} as const;

export const DEMO_USERS: Array<{ username: string; displayName: string; role: TRole; orgUnitId: string }> = [
  { username: 'admin', displayName: '系统管理员', role: 'ADMIN', orgUnitId: 'c-qingshan' },
  { username: 'village', displayName: '桃源村两委 王村长', role: 'VILLAGE_COMMITTEE', orgUnitId: 'v-taoyuan' },
  { username: 'village2', displayName: '茶岭村两委 李书记', role: 'VILLAGE_COMMITTEE', orgUnitId: 'v-chaling' },
  { username: 'township', displayName: '河西镇审核 张审核', role: 'TOWNSHIP_REVIEWER', orgUnitId: 't-hexi' },
  { username: 'township2', displayName: '东岭乡审核 赵审核', role: 'TOWNSHIP_REVIEWER', orgUnitId: 't-dongling' },
  { username: 'agri', displayName: '县农业农村局 刘科长', role: 'COUNTY_AGRICULTURE', orgUnitId: 'c-qingshan' },
  { username: 'finance', displayName: '县财政局 陈科长', role: 'COUNTY_FINANCE', orgUnitId: 'c-qingshan' },
  { username: 'leader', displayName: '县领导小组 周组长', role: 'COUNTY_LEADING_GROUP', orgUnitId: 'c-qingshan' },
  { username: 'expert', displayName: '第三方专家 吴工', role: 'EXPERT', orgUnitId: 'c-qingshan' },
  { username: 'discipline', displayName: '县纪委监委 郑主任', role: 'DISCIPLINE_INSPECTION', orgUnitId: 'c-qingshan' },
  { username: 'implementer', displayName: '桃源茶叶合作社', role: 'IMPLEMENTER', orgUnitId: 'v-taoyuan' },
  { username: 'monitor', displayName: '县监测审计 孙审计', role: 'MONITOR', orgUnitId: 'c-qingshan' },
  // The province and its city 东川市, and the officials of 白水县 under it.
  { username: 'provmonitor', displayName: '省乡村振兴局监测 钱处长', role: 'MONITOR', orgUnitId: 'p-demo' },
  { username: 'citymonitor', displayName: '东川市监测审计 冯审计', role: 'MONITOR', orgUnitId: 'm-dongchuan' },
  { username: 'cityagri', displayName: '东川市乡村振兴局 何科长', role: 'COUNTY_AGRICULTURE', orgUnitId: 'm-dongchuan' },
  { username: 'citydiscipline', displayName: '东川市纪委监委 卫主任', role: 'DISCIPLINE_INSPECTION', orgUnitId: 'm-dongchuan' },
  { username: 'bsvillage', displayName: '清泉村两委 蒋村长', role: 'VILLAGE_COMMITTEE', orgUnitId: 'v-qingquan' },
  { username: 'bstownship', displayName: '白水镇审核 沈审核', role: 'TOWNSHIP_REVIEWER', orgUnitId: 't-baishui' },
  { username: 'bsagri', displayName: '白水县农业农村局 韩科长', role: 'COUNTY_AGRICULTURE', orgUnitId: 'c-baishui' },
  { username: 'bsfinance', displayName: '白水县财政局 杨科长', role: 'COUNTY_FINANCE', orgUnitId: 'c-baishui' },
];

type TSeedUnit = { id: string; name: string; level: TOrgLevel; parentId: string | null; path: string };

/** The demo province's units, each with its path from the province down. */
function provinceUnits(): TSeedUnit[] {
  const p = DEMO_PROVINCE;
  const units: TSeedUnit[] = [{ id: p.id, name: p.name, level: 'PROVINCE', parentId: null, path: `/${p.id}/` }];
  const add = (u: { id: string; name: string }, level: TOrgLevel, parent: TSeedUnit) => {
    const unit = { id: u.id, name: u.name, level, parentId: parent.id, path: `${parent.path}${u.id}/` };
    units.push(unit);
    return unit;
  };
  for (const m of p.cities) {
    const city = add(m, 'CITY', units[0]!);
    for (const c of m.counties) {
      const county = add(c, 'COUNTY', city);
      for (const t of c.townships) {
        const township = add(t, 'TOWNSHIP', county);
        for (const v of t.villages) add(v, 'VILLAGE', township);
      }
    }
  }
  return units;
}

/**
 * Idempotent: running it again changes nothing (existing users keep their passwords, the county
 * keeps the settings an administrator saved). The county's settings row starts from the defaults.
 */
export async function seedDemoCounty(
  prisma: TPrisma,
  password: string,
  settings: TCountySettings = DEFAULT_COUNTY_SETTINGS,
): Promise<{ users: number; orgUnits: number }> {
  const c = DEMO_ORG.county;
  const units: TSeedUnit[] = [{ id: c.id, name: c.name, level: 'COUNTY', parentId: null, path: `/${c.id}/` }];
  for (const t of DEMO_ORG.townships) {
    units.push({ id: t.id, name: t.name, level: 'TOWNSHIP', parentId: c.id, path: `/${c.id}/${t.id}/` });
    for (const v of t.villages) units.push({ id: v.id, name: v.name, level: 'VILLAGE', parentId: t.id, path: `/${c.id}/${t.id}/${v.id}/` });
  }
  // Parents before children (the province's units come in that order).
  units.push(...provinceUnits());
  await prisma.orgUnit.createMany({ data: units, skipDuplicates: true });
  await prisma.countySettings.createMany({ data: [{ countyId: c.id, values: settings, version: 1 }], skipDuplicates: true });
  const passwordHash = await hashPassword(password);
  for (const u of DEMO_USERS) {
    const user = await prisma.user.upsert({
      where: { username: u.username },
      create: { username: u.username, displayName: u.displayName, passwordHash, homeOrgUnitId: u.orgUnitId },
      update: {},
    });
    await prisma.roleAssignment.createMany({ data: [{ userId: user.id, role: u.role, orgUnitId: u.orgUnitId }], skipDuplicates: true });
  }
  return { users: DEMO_USERS.length, orgUnits: units.length };
}
