import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newRequestId, sampleProposal, startTestStack, type TTestStack } from '../support/stack';
import { taoyuanProjectRow } from '../support/project-row';

/**
 * Issue #17: the levels above the county. An administrator adds province → city → county →
 * township → village and a project started in that village carries the province's path; a city
 * monitor sees its counties' projects and not the other city's; a province monitor sees both.
 */
let s: TTestStack;
beforeAll(async () => {
  s = await startTestStack();
}, 180_000);
afterAll(async () => {
  await s?.close();
});

const call = async (username: string, method: 'GET' | 'POST', url: string, payload?: object) => {
  const res = await s.app.inject({ method, url, headers: { authorization: `Bearer ${s.tokens[username]}` }, ...(payload ? { payload } : {}) });
  return { status: res.statusCode, json: res.json() };
};

describe('the org tree above the county', () => {
  it('an administrator adds province → city → county → township → village; a project there has the province’s path', async () => {
    const province = await call('admin', 'POST', '/api/admin/org-units', { id: 'p-test', name: '测试省' });
    expect(province).toMatchObject({ status: 201, json: { level: 'PROVINCE', parentId: null, path: '/p-test/' } });
    // The province's own administrator (granted as an administrator grants any role).
    await s.prisma.roleAssignment.create({ data: { userId: s.userIds.admin!, role: 'ADMIN', orgUnitId: 'p-test' } });
    let parentId = 'p-test';
    for (const [id, level] of [
      ['m-test', 'CITY'],
      ['c-test', 'COUNTY'],
      ['t-test', 'TOWNSHIP'],
      ['v-test', 'VILLAGE'],
    ] as const) {
      const res = await call('admin', 'POST', '/api/admin/org-units', { id, name: `测试${level}`, parentId });
      expect(res).toMatchObject({ status: 201, json: { level, parentId } });
      parentId = id;
    }
    expect((await s.prisma.orgUnit.findUniqueOrThrow({ where: { id: 'v-test' } })).path).toBe('/p-test/m-test/c-test/t-test/v-test/');
    // A village has no sub-units; a county administrator may not add a province.
    expect((await call('admin', 'POST', '/api/admin/org-units', { name: '小组', parentId: 'v-test' })).status).toBe(400);

    const tree = await call('admin', 'GET', '/api/admin/org-units');
    const p = (tree.json.items as Array<{ id: string; children: unknown[] }>).find((n) => n.id === 'p-test');
    expect(JSON.stringify(p)).toContain('"id":"v-test"');

    const started = await call('admin', 'POST', '/api/projects', { ...sampleProposal({ name: '测试村项目' }), orgUnitId: 'v-test', requestId: newRequestId() });
    expect([200, 201]).toContain(started.status);
    const project = await s.prisma.project.findUniqueOrThrow({ where: { id: started.json.projectId } });
    expect(project).toMatchObject({ countyId: 'c-test', townshipId: 't-test', villageId: 'v-test', orgPath: '/p-test/m-test/c-test/t-test/v-test/' });
  });

  it('a city monitor sees its counties’ projects, not the other city’s; the province monitor sees both', async () => {
    const row = (id: string, village: string, township: string, county: string, orgPath: string) =>
      taoyuanProjectRow({ id, proposerId: s.userIds.bsvillage!, orgUnitId: village, villageId: village, townshipId: township, countyId: county, orgPath });
    await s.prisma.project.create({ data: row('lv-baishui', 'v-qingquan', 't-baishui', 'c-baishui', '/p-demo/m-dongchuan/c-baishui/t-baishui/v-qingquan/') });
    await s.prisma.project.create({ data: row('lv-songlin', 'v-zhuxi', 't-songlin', 'c-songlin', '/p-demo/m-xiling/c-songlin/t-songlin/v-zhuxi/') });
    const listed = async (username: string) =>
      ((await call(username, 'GET', '/api/projects?pageSize=100')).json.items as Array<{ id: string }>).map((p) => p.id);

    const city = await listed('citymonitor');
    expect(city).toContain('lv-baishui');
    expect(city).not.toContain('lv-songlin');
    expect((await call('citymonitor', 'GET', '/api/projects/lv-baishui')).status).toBe(200);
    expect((await call('citymonitor', 'GET', '/api/projects/lv-songlin')).status).toBe(404);

    const province = await listed('provmonitor');
    expect(province).toEqual(expect.arrayContaining(['lv-baishui', 'lv-songlin']));
    expect((await call('provmonitor', 'GET', '/api/projects/lv-songlin')).status).toBe(200);
    // 青山县's monitor (a root county) sees neither.
    expect(await listed('monitor')).not.toContain('lv-baishui');
  });
});
