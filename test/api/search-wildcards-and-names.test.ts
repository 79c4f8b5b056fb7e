import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newRequestId, sampleProposal, startTestStack, type TTestStack } from '../support/stack';
import { taoyuanProjectRow } from '../support/project-row';

/**
 * Issue #14 item 10: `q=%` listed every project (LIKE wildcards went into the pattern unescaped),
 * a name of only zero-width characters was accepted, and `households` had no upper bound.
 */
let s: TTestStack;
beforeAll(async () => {
  // No worker: the searches read projection rows, and the refused writes never reach Temporal.
  s = await startTestStack({ worker: false });
});
afterAll(async () => {
  await s?.close();
});

const call = (method: 'GET' | 'POST', url: string, token: string, payload?: object) =>
  s.app.inject({ method, url, ...(payload ? { payload } : {}), headers: { authorization: `Bearer ${token}` } });

async function projectRow(id: string, name: string) {
  await s.prisma.project.create({
    data: taoyuanProjectRow({ id, name, proposerId: s.userIds.village!, disbursedFen: 0n, createdAt: new Date('2034-03-01T00:00:00Z') }),
  });
}

const detailPaths = (res: { json(): { error: { code: string; details: Array<{ path: string }> } } }) => {
  expect(res.json().error.code).toBe('VALIDATION_FAILED');
  return res.json().error.details.map((d) => d.path);
};

describe('LIKE wildcards in searches are taken literally', () => {
  beforeAll(async () => {
    await projectRow('P34-percent', '纯度100%有机茶');
    await projectRow('P34-underscore', '茶园_二期');
    await projectRow('P34-backslash', '茶园\\三期');
    await projectRow('P34-plain', '高山茶园提质');
  });

  const found = async (q: string) => {
    const res = await call('GET', `/api/projects?year=2034&q=${encodeURIComponent(q)}`, s.tokens.leader!);
    expect(res.statusCode, res.body).toBe(200);
    return res
      .json()
      .items.map((p: { id: string }) => p.id)
      .sort();
  };

  it('q=% finds only the project whose name contains a percent sign, not every project', async () => {
    expect(await found('%')).toEqual(['P34-percent']);
    expect(await found('100%有机')).toEqual(['P34-percent']);
  });

  it('q=_ and q=\\ find only names containing them; a plain search still matches parts of names', async () => {
    expect(await found('_')).toEqual(['P34-underscore']);
    expect(await found('\\')).toEqual(['P34-backslash']);
    expect(await found('茶园')).toEqual(['P34-backslash', 'P34-plain', 'P34-underscore']);
  });

  it("the administrators' user search takes % and _ literally too", async () => {
    const create = await call('POST', '/api/admin/users', s.tokens.admin!, {
      username: 'zhang_san',
      displayName: '张三',
      password: 'initial-password-1',
      homeOrgUnitId: 'v-taoyuan',
    });
    expect(create.statusCode, create.body).toBe(201);
    const users = async (q: string) =>
      (await call('GET', `/api/admin/users?q=${encodeURIComponent(q)}&pageSize=100`, s.tokens.admin!))
        .json()
        .items.map((u: { username: string }) => u.username);
    expect(await users('_')).toEqual(['zhang_san']);
    expect(await users('%')).toEqual([]);
    expect((await users('a')).length).toBeGreaterThan(1);
  });

  it("the dashboard's org filter is no pattern: orgUnitId=% matches no unit", async () => {
    const res = await call('GET', '/api/dashboard/projects-by-stage?year=2034&orgUnitId=%25', s.tokens.leader!);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().total).toBe(0);
    expect((await call('GET', '/api/dashboard/projects-by-stage?year=2034&orgUnitId=t-hexi', s.tokens.leader!)).json().total).toBe(4);
  });
});

describe('names of only spaces or invisible characters are refused with VALIDATION_FAILED and the field path', () => {
  const ZERO_WIDTH = '\u200b\u200c\u200d\u2060\ufeff';

  it('a project name (and industry, implementer) of zero-width characters', async () => {
    const before = await s.prisma.project.count();
    const res = await call('POST', '/api/projects', s.tokens.village!, {
      ...sampleProposal({ name: ZERO_WIDTH, industry: '\u3000', implementer: { name: '\u3164' } }),
      requestId: newRequestId(),
    });
    expect(res.statusCode).toBe(400);
    expect(detailPaths(res)).toEqual(['body.name', 'body.industry', 'body.implementer.name']);
    expect(await s.prisma.project.count()).toBe(before);
  });

  it('with the Chinese message for the web forms', async () => {
    const res = await s.app.inject({
      method: 'POST',
      url: '/api/projects',
      payload: { ...sampleProposal({ name: ZERO_WIDTH }), requestId: newRequestId() },
      headers: { authorization: `Bearer ${s.tokens.village}`, 'accept-language': 'zh-CN' },
    });
    expect(res.json().error.details).toEqual([{ path: 'body.name', message: '至少 2 个可见字符（空白和不可见字符不算）' }]);
  });

  it('an org unit name', async () => {
    const res = await call('POST', '/api/admin/org-units', s.tokens.admin!, { name: ZERO_WIDTH, parentId: 't-hexi' });
    expect(res.statusCode).toBe(400);
    expect(detailPaths(res)).toEqual(['body.name']);
    expect(await s.prisma.orgUnit.count({ where: { parentId: 't-hexi', name: ZERO_WIDTH } })).toBe(0);
  });

  it("a user's display name, and an API token's name", async () => {
    const user = await call('POST', '/api/admin/users', s.tokens.admin!, {
      username: 'blank_name',
      displayName: ` ${ZERO_WIDTH} `,
      password: 'initial-password-1',
      homeOrgUnitId: 'v-taoyuan',
    });
    expect(user.statusCode).toBe(400);
    expect(detailPaths(user)).toEqual(['body.displayName']);
    expect(await s.prisma.user.count({ where: { username: 'blank_name' } })).toBe(0);
    const token = await call('POST', '/api/tokens', s.tokens.village!, { name: ZERO_WIDTH });
    expect(token.statusCode).toBe(400);
    expect(detailPaths(token)).toEqual(['body.name']);
  });
});

describe('households linked has a documented upper bound', () => {
  it('refuses more than 1,000,000 households on body.householdLinkage.households', async () => {
    const res = await call('POST', '/api/projects', s.tokens.village!, {
      ...sampleProposal({ householdLinkage: { households: 1_000_001, mechanism: '务工' } }),
      requestId: newRequestId(),
    });
    expect(res.statusCode).toBe(400);
    expect(detailPaths(res)).toEqual(['body.householdLinkage.households']);
  });
});
