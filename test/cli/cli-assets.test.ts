import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LEDGER_COLUMNS } from '../../src/domain/assets/asset-register';
import { MONITORING_LIST_COLUMNS } from '../../src/domain/households/household-register';
import { startCliStack, type TCliStack } from '../support/cli';

let cli: TCliStack;
beforeAll(async () => {
  cli = await startCliStack();
});
afterAll(async () => {
  await cli?.close();
});

const bangfu = (who: string, args: string[]) => cli.bangfu([...args, '--url', cli.url, '--token', cli.s.tokens[who]!]);
const HEADER = LEDGER_COLUMNS.map((c) => c.header).join(',');

describe('bangfu assets import', () => {
  it('a bad ledger prints every bad row and imports nothing; a good one imports once, a re-run changes nothing', async () => {
    const bad = path.join(cli.home, 'bad.csv');
    fs.writeFileSync(bad, [HEADER, 'CLI-1,冷库,经营性,自筹,桃源村,100.5,合作社,王,,', 'CLI-2,水渠,公益类,自筹,桃源村,1.234,合作社,王,,'].join('\n'));
    const refused = await bangfu('agri', ['assets', 'import', '--file', bad]);
    expect(refused.code, refused.stderr).toBe(4);
    expect(refused.stderr).toMatch(/3\s+资产类别\s+UNKNOWN_CLASS/);
    expect(refused.stderr).toMatch(/3\s+价值\(元\)\s+INVALID_AMOUNT/);
    expect(await cli.s.prisma.asset.count()).toBe(0);

    const good = path.join(cli.home, 'good.csv');
    fs.writeFileSync(
      good,
      `\uFEFF${[HEADER, 'CLI-1,冷库,经营性,自筹,桃源村,100.5,合作社,王,,', 'CLI-2,水渠,公益性,自筹,桃源村,"1,234.00",合作社,王,,'].join('\r\n')}\r\n`,
    );
    const first = await bangfu('agri', ['assets', 'import', '--file', good, '--json']);
    expect(first.code, first.stderr).toBe(0);
    expect(JSON.parse(first.stdout)).toMatchObject({ created: 2, unchanged: 0 });
    const again = await bangfu('agri', ['assets', 'import', '--file', good]);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toContain('imported 0 asset(s), 2 unchanged');
    expect((await cli.s.prisma.asset.findMany({ orderBy: { ledgerCode: 'asc' } })).map((a) => [a.ledgerCode, a.valueFen])).toEqual([
      ['CLI-1', 10_050n],
      ['CLI-2', 123_400n],
    ]);
  });
});

describe('bangfu households import', () => {
  it('a bad list imports nothing and prints its rows; a good one imports, a changed month updates, a re-run changes nothing', async () => {
    const header = MONITORING_LIST_COLUMNS.map((c) => c.header).join(',');
    const bad = path.join(cli.home, 'bad-households.csv');
    fs.writeFileSync(bad, [header, 'CLI-H-1,李一,桃源村,2,是,是,低保户,2024-01-01,,'].join('\n'));
    const refused = await bangfu('agri', ['households', 'import', '--file', bad]);
    expect(refused.code, refused.stderr).toBe(4);
    expect(refused.stderr).toMatch(/2\s+监测类型\s+UNKNOWN_MONITORING_TYPE/);
    expect(await cli.s.prisma.household.count()).toBe(0);

    const good = path.join(cli.home, 'households.csv');
    fs.writeFileSync(good, [header, 'CLI-H-1,李一,桃源村,2,是,是,边缘易致贫户,2024-01-01,,李一/户主/110101198001011234;李二/之子'].join('\n'));
    const first = await bangfu('agri', ['households', 'import', '--file', good, '--json']);
    expect(first.code, first.stderr).toBe(0);
    expect(JSON.parse(first.stdout)).toMatchObject({ created: 1, updated: 0, unchanged: 0 });
    fs.writeFileSync(good, [header, 'CLI-H-1,李一,桃源村,2,是,否,边缘易致贫户,2024-01-01,2025-01-01,'].join('\n'));
    const month = await bangfu('agri', ['households', 'import', '--file', good]);
    expect(month.code, month.stderr).toBe(0);
    expect(month.stdout).toContain('imported 0 household(s), 1 updated, 0 unchanged');
    expect(month.stdout).toMatch(/CLI-H-1\s+updated\s+\S+\s+monitored spells/);
    const again = await bangfu('agri', ['households', 'import', '--file', good]);
    expect(again.stdout).toContain('imported 0 household(s), 0 updated, 1 unchanged');
    expect((await cli.s.prisma.household.findFirstOrThrow()).members).toEqual([
      { name: '李一', relation: '户主', idLast4: '1234' },
      { name: '李二', relation: '之子', idLast4: null },
    ]);
  });
});
