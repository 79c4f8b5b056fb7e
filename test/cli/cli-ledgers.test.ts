import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCsv } from '../../src/cli/csv';
import { httpProject } from '../support/http-project';
import { startCliStack, type TCliStack } from '../support/cli';
import type { TTestStack } from '../support/stack';

let cli: TCliStack;
let s: TTestStack;
let home: string;
beforeAll(async () => {
  cli = await startCliStack();
  ({ s, home } = cli);
});
afterAll(async () => {
  await cli?.close();
});

/** The CLI signed in as a demo user through --url/--token. */
const bangfu = (who: string, args: string[]) => cli.bangfu([...args, '--url', cli.url, '--token', s.tokens[who]!]);

describe('bangfu ledgers and evaluation import', () => {
  it('exports payments and assets to CSV, and imports evaluation indicators from CSV once', async () => {
    const h = httpProject(s);
    const projectId = await h.fundedProject();
    await h.paidStartPayment(projectId, [{ number: 'ZJ-2027-9, "茶苗"', sha256: h.sha('ledger') }]);
    await h.throughHandover(projectId);

    const out = path.join(home, 'payments.csv');
    const exported = await bangfu('monitor', ['export', 'payments', '--project', projectId, '--out', out]);
    expect(exported.code, exported.stderr).toBe(0);
    const raw = fs.readFileSync(out, 'utf8');
    expect(raw.startsWith('\uFEFF')).toBe(true);
    const [header, ...rows] = parseCsv(raw);
    expect(header).toContain('voucherNo');
    expect(rows).toHaveLength(1);
    const row = Object.fromEntries(header!.map((c, i) => [c, rows[0]![i]]));
    expect(row).toMatchObject({ projectId, tranche: 'START', amountFen: '16000000', amountYuan: '160000.00', status: 'PAID', invoices: 'ZJ-2027-9, "茶苗"' });
    expect(exported.stderr).toContain('1/1');

    const assets = await bangfu('monitor', ['export', 'assets', '--json']);
    expect(assets.code, assets.stderr).toBe(0);
    const assetJson = JSON.parse(assets.stdout);
    expect(assetJson.data.filter((r: unknown[]) => r[0] === projectId).map((r: unknown[]) => [r[3], r[4]])).toEqual([['OPERATING', 30_000_000]]);

    const file = path.join(home, 'indicators.csv');
    fs.writeFileSync(
      file,
      [
        'projectId,quantity,quality,timeliness,cost,economic,social,ecological,sustainability,satisfactionPercent,budgetExecutionPercent',
        `${projectId},95,95,90,90,92,95,90,90,96,98`,
        'no-such-project,80,80,80,80,80,80,80,80,90,90',
      ].join('\n'),
    );
    const imported = await bangfu('agri', ['evaluations', 'import', '--file', file, '--json']);
    expect(imported.code).toBe(3); // the unknown project: not found
    const report = JSON.parse(imported.stdout);
    expect(report).toMatchObject({ submitted: 1, failed: 1 });
    expect(report.results[0]).toMatchObject({ projectId, status: 'submitted', grade: 'EXCELLENT' });
    expect(report.results[1]).toMatchObject({ status: 'failed', error: { code: 'NOT_FOUND' } });
    expect(imported.stderr).toContain('2/2');
    // Re-running the same file submits nothing new.
    const again = await bangfu('agri', ['evaluations', 'import', '--file', file, '--json']);
    expect(JSON.parse(again.stdout).results[0]).toMatchObject({ status: 'submitted', evaluationId: report.results[0].evaluationId });
    expect(await s.prisma.evaluation.count({ where: { projectId } })).toBe(1);
    // A village committee may not submit evaluations: refused, exit 2.
    const village = await bangfu('village', ['evaluations', 'import', '--file', file]);
    expect(village.code).toBe(2);
  });
});
