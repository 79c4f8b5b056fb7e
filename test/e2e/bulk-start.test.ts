import { beforeAll, describe, expect, it } from 'vitest';
import { bulkRequestId } from '../../src/cli/projects-command';
import { sampleProposal } from '../support/proposal';
import { projectWorkflowId } from '../../workflows/messages/project';
import type { TTestStack } from '../support/stack';
import { screenshot, useBrowserStack } from './browser';

const web = useBrowserStack();
let s: TTestStack;
beforeAll(() => void (s = web.s));

const poll = <T>(read: () => Promise<T>) => expect.poll(read, { timeout: 20_000 });

// A CSV as an office would export it: quoted cells with commas, a multi-line meeting record, a BOM.
// Row 3 proposes for a township, not a village: the server refuses it under body.orgUnitId.
const CSV =
  '\uFEFF' +
  [
    'name,industry,orgUnitId,budgetFen,fundingSources,implementerName,households,mechanism,performanceTargets,meetingRecord,fiscalYear',
    '桃源村批量茶园一期,茶叶,v-taoyuan,50000000,CENTRAL_LINKAGE:40000000;OWN_CAPITAL:10000000,桃源茶叶合作社,86,"务工工资, 入股分红",新增茶园面积=300亩,"2026-11-20 村民代表大会\n到会45人，同意42人",2027',
    '桃源村批量茶园二期,茶叶,v-taoyuan,30000000,CENTRAL_LINKAGE:30000000,桃源茶叶合作社,40,务工工资,新增茶园面积=100亩,2026-11-21 村民代表大会，同意40人,',
    '乡镇不能申报,茶叶,t-qingshui,10000000,CENTRAL_LINKAGE:10000000,某合作社,10,务工工资,面积=10亩,会议记录,',
  ].join('\r\n');

describe('bulk start in the browser (administrator)', () => {
  it('starts the valid rows of a CSV, shows the refused row with its code and field, and starts nothing on re-upload', async () => {
    const township = await s.prisma.orgUnit.findFirstOrThrow({ where: { level: 'TOWNSHIP' } });
    const csv = CSV.replace('t-qingshui', township.id);
    const admin = await web.as('admin');
    const p = admin.page;
    await p.getByRole('link', { name: '申报项目' }).click();
    await p.getByRole('heading', { name: '批量申报（管理员）' }).waitFor();
    const upload = async () => {
      await p.getByLabel('申报文件（JSON / CSV）').setInputFiles({ name: 'proposals.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
      await p.getByRole('button', { name: '开始批量申报' }).click();
    };

    await upload();
    await poll(() => p.locator('#bulk-progress').textContent()).toBe('已处理 3/3：新申报 2，已申报 0，被拒绝 1');
    const rows = p.locator('#bulk-table tbody tr');
    await expect(rows.count()).resolves.toBe(3);
    await expect(rows.nth(0).locator('td').nth(1).textContent()).resolves.toBe('已申报');
    await expect(rows.nth(1).locator('td').nth(1).textContent()).resolves.toBe('已申报');
    await expect(rows.nth(2).locator('td').nth(1).textContent()).resolves.toBe('被拒绝: VALIDATION_FAILED');
    await expect(rows.nth(2).locator('td').nth(3).textContent()).resolves.toMatch(/^body\.orgUnitId — /);
    await screenshot(p, 'bulk-start');

    // Both projects exist with their workflows running (the registration opened the township's task).
    const projects = await s.prisma.project.findMany({ where: { name: { startsWith: '桃源村批量茶园' } }, orderBy: { name: 'asc' } });
    expect(projects.map((x) => [x.name, Number(x.budgetFen), x.orgUnitId])).toEqual([
      ['桃源村批量茶园一期', 50_000_000, 'v-taoyuan'],
      ['桃源村批量茶园二期', 30_000_000, 'v-taoyuan'],
    ]);
    for (const project of projects) {
      expect((await s.client.workflow.getHandle(projectWorkflowId(project.id)).describe()).status.name).toBe('RUNNING');
      await poll(() => s.prisma.task.count({ where: { projectId: project.id, kind: 'TOWNSHIP_REVIEW', status: 'PENDING' } })).toBe(1);
    }
    expect(await s.prisma.project.count({ where: { name: '乡镇不能申报' } })).toBe(0);
    // The CSV cells arrive as the API's structured body: quoted commas and line breaks intact.
    const first = await p.evaluate(
      async (id) => (await fetch(`/api/projects/${encodeURIComponent(id)}`)).json() as Promise<{ proposal: unknown }>,
      projects[0]!.id,
    );
    expect(first.proposal).toMatchObject({
      householdLinkage: { households: 86, mechanism: '务工工资, 入股分红' },
      meetingRecord: '2026-11-20 村民代表大会\n到会45人，同意42人',
    });

    // The same file again: the same request ids, so nothing new starts.
    await p.reload();
    await p.getByRole('heading', { name: '批量申报（管理员）' }).waitFor();
    await upload();
    await poll(() => p.locator('#bulk-progress').textContent()).toBe('已处理 3/3：新申报 0，已申报 2，被拒绝 1');
    await expect(rows.nth(0).locator('td').nth(1).textContent()).resolves.toBe('此前已申报');
    await expect(rows.nth(0).locator('td').nth(2).textContent()).resolves.toBe(projects.find((x) => x.name.endsWith('一期'))!.id);
    expect(await s.prisma.project.count({ where: { name: { startsWith: '桃源村批量茶园' } } })).toBe(2);
    expect(admin.errors).toEqual([]);
  });

  it("takes the CLI's JSON file with the CLI's request ids, so either one re-running starts nothing twice", async () => {
    const entries = [
      sampleProposal({ name: 'JSON 批量一期' }),
      sampleProposal({ name: 'JSON 批量二期', budgetFen: 30_000_000, fundingSources: [{ source: 'CENTRAL_LINKAGE', amountFen: 30_000_000 }] }),
    ];
    const admin = await web.as('admin');
    const p = admin.page;
    await p.goto('/#/projects/new');
    await p
      .getByLabel('申报文件（JSON / CSV）')
      .setInputFiles({ name: 'proposals.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(entries)) });
    await p.getByRole('button', { name: '开始批量申报' }).click();
    await poll(() => p.locator('#bulk-progress').textContent()).toBe('已处理 2/2：新申报 2，已申报 0，被拒绝 0');
    // What `bangfu projects start --file proposals.json` would send: the server knows each request already.
    for (const [i, entry] of entries.entries()) {
      const res = await s.app.inject({
        method: 'POST',
        url: '/api/projects',
        headers: { authorization: `Bearer ${s.tokens.admin}` },
        payload: { ...entry, requestId: bulkRequestId('/somewhere/proposals.json', i, entry) },
      });
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json().replayed).toBe(true);
    }
    expect(await s.prisma.project.count({ where: { name: { startsWith: 'JSON 批量' } } })).toBe(2);
    expect(await p.evaluate("import('/web/i18n.js').then((m) => m.missingKeys())")).toEqual({ en: [], zh: [] });
    expect(admin.errors).toEqual([]);
  });

  it('hides bulk start from a village committee', async () => {
    const village = await web.as('village');
    await village.page.getByRole('link', { name: '申报项目' }).click();
    await village.page.getByRole('heading', { level: 1, name: '申报项目' }).waitFor();
    expect(await village.page.getByRole('heading', { name: '批量申报（管理员）' }).count()).toBe(0);
  });
});
