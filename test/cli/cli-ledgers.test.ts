import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCsv } from '../../src/cli/csv';
import { httpProject } from '../support/http-project';
import { startTestStack, type TTestStack } from '../support/stack';

const BIN = path.resolve(import.meta.dirname, '../../bin/bangfu.js');

let s: TTestStack;
let url: string;
let home: string;
beforeAll(async () => {
  s = await startTestStack();
  url = await s.app.listen({ port: 0, host: '127.0.0.1' });
  home = fs.mkdtempSync(path.join(os.tmpdir(), 'bangfu-ledger-'));
});
afterAll(async () => {
  await s?.close();
  if (home) fs.rmSync(home, { recursive: true, force: true });
});

/** The CLI as a user runs it: a child process against the real server over HTTP. */
function bangfu(who: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args, '--url', url, '--token', s.tokens[who]!], { env: { PATH: process.env.PATH ?? '', HOME: home, BANGFU_CONFIG: path.join(home, 'config.json') }, timeout: 60_000 }, (err, stdout, stderr) =>
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }));
  });
}

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
    fs.writeFileSync(file, [
      'projectId,quantity,quality,timeliness,cost,economic,social,ecological,sustainability,satisfactionPercent,budgetExecutionPercent',
      `${projectId},95,95,90,90,92,95,90,90,96,98`,
      'no-such-project,80,80,80,80,80,80,80,80,90,90',
    ].join('\n'));
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
