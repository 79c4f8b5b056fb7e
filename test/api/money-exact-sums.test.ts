import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApi } from '../../src/cli/api-client';
import { parseCsv } from '../../src/cli/csv';
import { exportLedger } from '../../src/cli/ledger-commands';
import { MAX_AMOUNT_FEN } from '../../src/domain/policies/money';
import { newRequestId, sampleProposal, startTestStack, type TTestStack } from '../support/stack';

/**
 * Issue #14 item 5: one proposal with a budget near 2^53 − 1 was accepted and the dashboard's sums
 * then overflowed JavaScript's safe integers (500 on projects-by-stage and funds-by-township, for
 * everyone). Now budgets stop at MAX_AMOUNT_FEN and sums are exact decimal strings: 9,008 projects
 * at the maximum (beyond 2^53 fen) are summed to the fen on every dashboard route, the project list,
 * the records route and the CLI ledger export.
 */
let s: TTestStack;
let url: string;
beforeAll(async () => {
  // No worker: every figure here is read from the projection rows, and refusals never reach Temporal.
  s = await startTestStack({ worker: false });
  url = await s.app.listen({ port: 0, host: '127.0.0.1' });
});
afterAll(async () => {
  await s?.close();
});

const get = (route: string, token: string) => s.app.inject({ method: 'GET', url: route, headers: { authorization: `Bearer ${token}` } });
const post = (route: string, token: string, payload: object) =>
  s.app.inject({ method: 'POST', url: route, payload, headers: { authorization: `Bearer ${token}` } });

const MAX = BigInt(MAX_AMOUNT_FEN);
const HEXI_PROJECTS = 9_008; // 9,008 × 10^12 fen > 2^53 − 1 ≈ 9.007 × 10^15

type TRow = { id: string; village: 'v-taoyuan' | 'v-chaling'; stage: string; budgetFen: bigint; disbursedFen: bigint };

/** The projection rows, in 2033 (no other test of this file uses that year). */
function bigCounty(): TRow[] {
  const rows: TRow[] = [];
  for (let i = 0; i < HEXI_PROJECTS; i += 1) {
    // Disbursed differs by a fen or two per project, so a float sum would visibly miss.
    rows.push({ id: `P33-h${i}`, village: 'v-taoyuan', stage: 'IMPLEMENTATION', budgetFen: MAX, disbursedFen: MAX - BigInt(i % 3) });
  }
  rows.push({ id: 'P33-h-proposed', village: 'v-taoyuan', stage: 'TOWNSHIP_REVIEW', budgetFen: MAX - 1n, disbursedFen: 0n });
  rows.push({ id: 'P33-c0', village: 'v-chaling', stage: 'OPERATION', budgetFen: MAX, disbursedFen: 7n });
  rows.push({ id: 'P33-c1', village: 'v-chaling', stage: 'IMPLEMENTATION', budgetFen: 1n, disbursedFen: 0n });
  return rows;
}

const sum = (rows: TRow[], key: 'budgetFen' | 'disbursedFen') => rows.reduce((t, r) => t + r[key], 0n);

describe('exact money at the largest allowed values', () => {
  const rows = bigCounty();
  const hexi = rows.filter((r) => r.village === 'v-taoyuan');
  const chaling = rows.filter((r) => r.village === 'v-chaling');

  beforeAll(async () => {
    const data = rows.map((r) => {
      const township = r.village === 'v-chaling' ? 't-dongling' : 't-hexi';
      return {
        id: r.id,
        workflowId: `project-${r.id}`,
        name: r.id,
        industry: '茶叶',
        orgUnitId: r.village,
        countyId: 'c-qingshan',
        townshipId: township,
        villageId: r.village,
        orgPath: `/c-qingshan/${township}/${r.village}/`,
        budgetFen: r.budgetFen,
        disbursedFen: r.disbursedFen,
        proposerId: s.userIds.village!,
        stage: r.stage,
        proposal: {},
        createdAt: new Date('2033-03-01T00:00:00Z'),
      };
    });
    for (let i = 0; i < data.length; i += 2_000) await s.prisma.project.createMany({ data: data.slice(i, i + 2_000) });
    // One project's own records at the maximum: its allocation, payments and assets.
    const p = 'P33-c0';
    await s.prisma.fundAllocation.create({ data: { requestId: `alloc-${p}`, projectId: p, fiscalYear: 2033, amountFen: MAX, actorId: s.userIds.finance! } });
    const paid = [
      ['START', 400_000_000_000n],
      ['SUBSTANTIAL_COMPLETION', 499_999_999_999n],
      ['ACCEPTANCE', 100_000_000_001n],
    ] as const;
    for (const [seq, [tranche, amountFen]] of paid.entries()) {
      await s.prisma.payment.create({
        data: {
          id: `${p}:pay:${seq + 1}`,
          requestId: `pay-${p}-${seq}`,
          projectId: p,
          seq: seq + 1,
          tranche,
          amountFen,
          payeeId: '桃源茶叶合作社',
          status: 'PAID',
          requestedBy: s.userIds.implementer!,
          requestedAt: new Date(),
          paidAt: new Date(),
        },
      });
    }
    await s.prisma.asset.create({
      data: {
        id: `${p}:asset:1`,
        requestId: `asset-${p}`,
        projectId: p,
        name: '茶厂',
        assetClass: 'OPERATING',
        valueFen: MAX - 1n,
        owner: '茶岭村集体',
        custodian: '合作社',
        registeredBy: s.userIds.agri!,
        registeredAt: new Date(),
      },
    });
  }, 120_000);

  it('projects-by-stage sums 9,008 budgets at the maximum (beyond 2^53) to the fen, as a decimal string', async () => {
    const res = await get('/api/dashboard/projects-by-stage?year=2033', s.tokens.leader!);
    expect(res.statusCode, res.body).toBe(200);
    const byStage = Object.fromEntries(res.json().items.map((i: { stage: string; count: number; budgetFen: string }) => [i.stage, i]));
    const implementation = rows.filter((r) => r.stage === 'IMPLEMENTATION');
    expect(byStage.IMPLEMENTATION).toEqual({ stage: 'IMPLEMENTATION', count: implementation.length, budgetFen: sum(implementation, 'budgetFen').toString() });
    expect(BigInt(byStage.IMPLEMENTATION.budgetFen) > BigInt(Number.MAX_SAFE_INTEGER)).toBe(true);
    expect(byStage.TOWNSHIP_REVIEW.budgetFen).toBe((MAX - 1n).toString());
    expect(res.json().total).toBe(rows.length);
  });

  it('funds-by-township gives approved, requested and disbursed sums exactly, most approved first', async () => {
    const res = await get('/api/dashboard/funds-by-township?year=2033', s.tokens.leader!);
    expect(res.statusCode, res.body).toBe(200);
    const approvedHexi = hexi.filter((r) => r.stage !== 'TOWNSHIP_REVIEW');
    expect(res.json().items).toEqual([
      {
        townshipId: 't-hexi',
        townshipName: '河西镇',
        approvedFen: sum(approvedHexi, 'budgetFen').toString(),
        requestedFen: sum(hexi, 'budgetFen').toString(),
        disbursedFen: sum(hexi, 'disbursedFen').toString(),
        approvedCount: approvedHexi.length,
        projectCount: hexi.length,
      },
      {
        townshipId: 't-dongling',
        townshipName: '东岭乡',
        approvedFen: sum(chaling, 'budgetFen').toString(),
        requestedFen: sum(chaling, 'budgetFen').toString(),
        disbursedFen: '7',
        approvedCount: 2,
        projectCount: 2,
      },
    ]);
    // The old route's Number() of this sum drops the last fen (it is odd and beyond 2^53).
    const disbursed = sum(hexi, 'disbursedFen');
    expect(disbursed).toBe(9_008n * MAX - 9_007n);
    expect(BigInt(Number(disbursed))).not.toBe(disbursed);
  });

  it('the other dashboard routes answer over the same projects', async () => {
    for (const route of ['risk-flags', 'overdue-tasks', 'grades-by-year', 'org-units']) {
      const res = await get(`/api/dashboard/${route}?year=2033`.replace('org-units?year=2033', 'org-units'), s.tokens.monitor!);
      expect(res.statusCode, `${route}: ${res.body}`).toBe(200);
    }
    expect((await get('/api/dashboard/overdue-tasks?year=2033', s.tokens.monitor!)).json().total).toBe(0);
  });

  it('the project list, the records route and the CLI ledger export carry the maximum amounts exactly', async () => {
    const list = await get('/api/projects?year=2033&q=P33-c0', s.tokens.leader!);
    expect(list.statusCode, list.body).toBe(200);
    expect(list.json().items.map((p: { id: string; budgetFen: number }) => [p.id, p.budgetFen])).toEqual([['P33-c0', MAX_AMOUNT_FEN]]);

    const records = await get('/api/projects/P33-c0/records', s.tokens.monitor!);
    expect(records.statusCode, records.body).toBe(200);
    const { paidBySource, ...money } = records.json().money;
    expect(money).toEqual({
      budgetFen: MAX_AMOUNT_FEN,
      allocatedFen: MAX_AMOUNT_FEN,
      disbursedFen: 7,
      paidByTranche: { START: 400_000_000_000, SUBSTANTIAL_COMPLETION: 499_999_999_999, ACCEPTANCE: 100_000_000_001, RETENTION: 0 },
    });
    // These rows predate the fiscal source of a payment: counted under none.
    expect(paidBySource).toEqual({ CENTRAL_LINKAGE: 0, LOCAL: 0, OTHER: 0 });

    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bangfu-money-'));
    try {
      const api = createApi({ url, token: s.tokens.monitor! });
      const sink = new Writable({ write: (_chunk, _enc, done) => done() });
      const io = { stdout: sink, stderr: sink, json: false };
      const csv = async (ledger: string) => {
        const out = path.join(dir, `${ledger}.csv`);
        expect(await exportLedger({ api, io, ledger, projectId: 'P33-c0', out })).toBe(0);
        const [header, ...lines] = parseCsv(fs.readFileSync(out, 'utf8'));
        return lines.map((line) => Object.fromEntries(header!.map((c, i) => [c.replace(/^\uFEFF/, ''), line[i]])));
      };
      expect((await csv('payments')).map((r) => [r.amountFen, r.amountYuan])).toEqual([
        ['400000000000', '4000000000.00'],
        ['499999999999', '4999999999.99'],
        ['100000000001', '1000000000.01'],
      ]);
      expect((await csv('assets')).map((r) => [r.valueFen, r.valueYuan])).toEqual([['999999999999', '9999999999.99']]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a proposal with a budget near 2^53 − 1 is refused with VALIDATION_FAILED on body.budgetFen and starts nothing', async () => {
    const huge = Number.MAX_SAFE_INTEGER - 1;
    const before = await s.prisma.project.count();
    const res = await post('/api/projects', s.tokens.village!, {
      ...sampleProposal({ budgetFen: huge, fundingSources: [{ source: 'LOCAL', amountFen: huge }] }),
      requestId: newRequestId(),
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('VALIDATION_FAILED');
    expect(res.json().error.details.map((d: { path: string }) => d.path)).toEqual(
      expect.arrayContaining(['body.budgetFen', 'body.fundingSources.0.amountFen']),
    );
    expect(await s.prisma.project.count()).toBe(before);
  });

  it('a fund allocation above the maximum is refused at the door', async () => {
    const res = await post('/api/projects/P33-c1/funding', s.tokens.finance!, { fiscalYear: 2033, amountFen: MAX_AMOUNT_FEN + 1, requestId: newRequestId() });
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toMatchObject({ code: 'VALIDATION_FAILED', details: [expect.objectContaining({ path: 'body.amountFen' })] });
  });

  it("a fault-tolerance case's loss above the maximum is refused on body.lossFen", async () => {
    const res = await post('/api/reviews', s.tokens.discipline!, {
      requestId: newRequestId(),
      opening: 'OPEN_BY_BODY',
      matter: '项目亏损',
      lossFen: MAX_AMOUNT_FEN + 1,
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.details.map((d: { path: string }) => d.path)).toContain('body.lossFen');
  });
});
