import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LEDGER_COLUMNS } from '../../src/domain/assets/asset-register';
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
