import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shanghaiYear } from '../../src/domain/documents/document-rules';
import { httpProject } from '../support/http-project';
import { newRequestId, startTestStack, type TTestStack } from '../support/stack';

/**
 * The 立项批复's number (issue #18): assigned at the first issue by a county official of the
 * approving side, unique per county and year, consecutive, the same on every repeat, audited; and
 * none before the county approval is recorded.
 */
let s: TTestStack;
let h: ReturnType<typeof httpProject>;

beforeAll(async () => {
  s = await startTestStack();
  h = httpProject(s);
}, 120_000);
afterAll(async () => {
  await s?.close();
});

const issue = (projectId: string, who: string) => h.call('POST', `/api/projects/${projectId}/approval-document`, s.tokens[who]!, { requestId: newRequestId() });
const print = (projectId: string, who: string) => h.call('GET', `/api/projects/${projectId}/approval-document`, s.tokens[who]!);

describe('the 批复 number', () => {
  it('is refused with APPROVAL_NOT_RECORDED before the county approval, and nothing is numbered', async () => {
    const projectId = await h.reviewedProject({ name: '未审定的项目' });
    const res = await issue(projectId, 'leader');
    expect(res.statusCode, res.body).toBe(409);
    expect(res.json().error.code).toBe('APPROVAL_NOT_RECORDED');
    expect((await print(projectId, 'leader')).json().error.code).toBe('APPROVAL_NOT_RECORDED');
    expect(await s.prisma.documentNumber.count({ where: { projectId } })).toBe(0);
  });

  it('20 parallel issue requests for 5 approved projects of one county give exactly 5 numbers, 1..5, one per project, each audited once', async () => {
    const projects: string[] = [];
    for (let i = 0; i < 5; i++) projects.push(await h.projectInPool({ name: `并发批复项目${i + 1}` }));
    const callers = projects.flatMap((id, i) => [0, 1, 2, 3].map((k) => ({ projectId: id, who: (i + k) % 2 === 0 ? 'leader' : 'agri' })));
    const answers = await Promise.all(callers.map(async (c) => ({ ...c, res: await issue(c.projectId, c.who) })));
    for (const a of answers) expect([200, 201], a.res.body).toContain(a.res.statusCode);

    const rows = await s.prisma.documentNumber.findMany({ where: { projectId: { in: projects } }, orderBy: { seq: 'asc' } });
    expect(rows.map((r) => r.seq)).toEqual([1, 2, 3, 4, 5]);
    expect(new Set(rows.map((r) => r.projectId)).size).toBe(5);
    const year = rows[0]!.year;
    expect(rows.every((r) => r.year === year && r.countyId === 'c-qingshan')).toBe(true);
    expect(rows.map((r) => r.number)).toEqual([1, 2, 3, 4, 5].map((n) => `青山县乡振批〔${year}〕${n}号`));

    // Every caller of a project got that project's one number; exactly one of them assigned it.
    for (const row of rows) {
      const mine = answers.filter((a) => a.projectId === row.projectId);
      expect(mine.map((a) => a.res.json().number)).toEqual([row.number, row.number, row.number, row.number]);
      expect(mine.filter((a) => a.res.statusCode === 201)).toHaveLength(1);
      expect(mine.filter((a) => a.res.json().replayed === false)).toHaveLength(1);
    }
    const events = await s.prisma.auditEvent.findMany({ where: { action: 'DOCUMENT_NUMBER_ISSUED', projectId: { in: projects } } });
    expect(events).toHaveLength(5);
    for (const row of rows) {
      const event = events.find((e) => e.projectId === row.projectId)!;
      expect(event.details).toEqual({ kind: 'APPROVAL', number: row.number, countyId: 'c-qingshan', year: row.year, seq: row.seq });
      expect(event.actorId).toBe(row.issuedById);
    }

    // The year is the approval's year in Asia/Shanghai.
    const approval = await s.prisma.decision.findFirstOrThrow({ where: { projectId: projects[0], stageBefore: 'COUNTY_APPROVAL', stageAfter: 'IN_POOL' } });
    expect(year).toBe(shanghaiYear(approval.createdAt.getTime()));

    // Asked again later: the same number, nothing written.
    const again = await issue(projects[2]!, 'leader');
    expect(again.statusCode).toBe(200);
    expect(again.json()).toMatchObject({ number: rows.find((r) => r.projectId === projects[2])!.number, replayed: true });
    expect(await s.prisma.auditEvent.count({ where: { action: 'DOCUMENT_NUMBER_ISSUED', projectId: { in: projects } } })).toBe(5);
  }, 120_000);

  it('only the county leading group or agriculture bureau issues it; a reader in scope prints it once issued, others do not see it', async () => {
    const projectId = await h.projectInPool({ name: '权限批复项目' });
    expect((await print(projectId, 'village')).json().error.code).toBe('DOCUMENT_NOT_ISSUED');
    for (const who of ['village', 'township', 'finance']) {
      const res = await issue(projectId, who);
      expect(res.statusCode, who).toBe(403);
      expect(res.json().error.code).toBe('FORBIDDEN');
    }
    const outside = await issue(projectId, 'township2');
    expect(outside.statusCode).toBe(404);
    expect(await s.prisma.documentNumber.count({ where: { projectId } })).toBe(0);

    const issued = await issue(projectId, 'leader');
    expect(issued.statusCode, issued.body).toBe(201);
    expect(issued.json().seq).toBe(6);
    const html = await print(projectId, 'village');
    expect(html.statusCode, html.body).toBe(200);
    expect(html.headers['content-security-policy']).toBe("default-src 'none'; style-src 'unsafe-inline'");
    expect(html.body).toContain(issued.json().number);
    expect((await print(projectId, 'township2')).statusCode).toBe(404);
  }, 60_000);
});
