import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawTable } from '../../src/db/prisma';
import { Prisma } from '../../src/generated/prisma/client';
import { APPEND_ONLY_TRIGGER, asDatabaseOwner } from '../support/audit-tamper';
import { startCliStack, type TCliStack } from '../support/cli';
import { sampleProposal, type TTestStack } from '../support/stack';

let cli: TCliStack;
let s: TTestStack;
let url: string;
let home: string;
let bangfu: TCliStack['bangfu'];
beforeAll(async () => {
  cli = await startCliStack();
  ({ s, url, home, bangfu } = cli);
});
afterAll(async () => {
  await cli?.close();
});

describe('bangfu CLI', () => {
  it('logs in with a token, saving it readable by the owner only; a bad token exits 2', async () => {
    const bad = await bangfu(['login', '--url', url, '--token', 'bf_not-a-token']);
    expect(bad.code).toBe(2);
    expect(fs.existsSync(path.join(home, 'config.json'))).toBe(false);

    const ok = await bangfu(['login', '--url', url, '--token', s.tokens.village, '--json']);
    expect(ok.code, ok.stderr).toBe(0);
    expect(JSON.parse(ok.stdout)).toMatchObject({ userId: s.userIds.village });
    const stat = fs.statSync(path.join(home, 'config.json'));
    expect(stat.mode & 0o777).toBe(0o600);
  });

  it('starts projects from a file with progress, idempotently on re-run, and reports a bad entry', async () => {
    const file = path.join(home, 'proposals.json');
    fs.writeFileSync(
      file,
      JSON.stringify([
        sampleProposal({ name: 'CLI 茶园一期' }),
        sampleProposal({ name: 'CLI 茶园二期', budgetFen: 30_000_000, fundingSources: [{ source: 'CENTRAL_LINKAGE', amountFen: 30_000_000 }] }),
      ]),
    );
    const first = await bangfu(['projects', 'start', '--file', file, '--json']);
    expect(first.code, first.stderr + first.stdout).toBe(0);
    const started = JSON.parse(first.stdout);
    expect(started).toMatchObject({ started: 2, existing: 0, failed: 0 });
    expect(first.stderr).toContain('[1/2]');
    expect(first.stderr).toContain('[2/2]');

    const again = await bangfu(['projects', 'start', '--file', file, '--json']);
    expect(again.code).toBe(0);
    const rerun = JSON.parse(again.stdout);
    // The same request ids name the same projects; whether the server calls the replay 201 or 200
    // is the projects route's business, so only the outcome is asserted.
    expect(rerun.failed).toBe(0);
    expect(rerun.items.map((r: { projectId: string }) => r.projectId)).toEqual(started.items.map((r: { projectId: string }) => r.projectId));
    const ids = started.items.map((r: { projectId: string }) => r.projectId);
    expect(await s.prisma.project.count({ where: { id: { in: ids } } })).toBe(2);

    const badFile = path.join(home, 'bad.json');
    fs.writeFileSync(badFile, JSON.stringify([{ name: 'no budget' }]));
    const bad = await bangfu(['projects', 'start', '--file', badFile, '--json']);
    expect(bad.code).toBe(1);
    expect(JSON.parse(bad.stdout).items[0]).toMatchObject({ status: 'failed', error: { code: 'VALIDATION_FAILED' } });

    const list = await bangfu(['projects', 'list', '--json']);
    expect(JSON.parse(list.stdout).items.map((p: { id: string }) => p.id)).toEqual(expect.arrayContaining(ids));
    const table = await bangfu(['projects', 'list']);
    expect(table.stdout).toContain('CLI 茶园一期');
    // The server's filters as flags; a value it refuses exits 1 and names the field.
    const found = await bangfu(['projects', 'list', '--search', '茶园二期', '--org-unit', 'v-taoyuan', '--json']);
    expect(JSON.parse(found.stdout).items.map((p: { name: string }) => p.name)).toEqual(['CLI 茶园二期']);
    const none = await bangfu(['projects', 'list', '--search', '茶园', '--grade', 'POOR', '--json']);
    expect(JSON.parse(none.stdout)).toMatchObject({ items: [], total: 0 });
    const refused = await bangfu(['projects', 'list', '--year', '1999', '--json']);
    expect(refused.code).toBe(1);
    expect(JSON.parse(refused.stdout).error.details[0].path).toBe('querystring.year');
  });

  it('lists tasks as JSON, acts on one, and exits 3 for an unknown task', async () => {
    const projects = await s.prisma.project.findMany({ where: { name: 'CLI 茶园一期' } });
    expect(projects).toHaveLength(1);
    const listed = await bangfu(['tasks', 'list', '--json', '--token', s.tokens.township]);
    expect(listed.code, listed.stderr).toBe(0);
    const task = JSON.parse(listed.stdout).items.find((t: { projectId: string }) => t.projectId === projects[0]!.id);
    expect(task).toMatchObject({ kind: 'TOWNSHIP_REVIEW', status: 'PENDING' });

    const acted = await bangfu([
      'tasks',
      'act',
      task.id,
      '--action',
      'approve',
      '--checks',
      'pass',
      '--comment',
      '材料齐全',
      '--token',
      s.tokens.township,
      '--json',
    ]);
    expect(acted.code, acted.stderr).toBe(0);
    // Township approval opens the township publicity (0 days in the test stack), then the county review.
    expect(JSON.parse(acted.stdout)).toMatchObject({ stageBefore: 'TOWNSHIP_REVIEW', stageAfter: 'TOWNSHIP_PUBLICITY' });

    const shown = await bangfu(['projects', 'show', projects[0]!.id, '--json']);
    expect(['TOWNSHIP_PUBLICITY', 'COUNTY_JOINT_REVIEW']).toContain(JSON.parse(shown.stdout).stage);

    const twice = await bangfu(['tasks', 'act', task.id, '--action', 'approve', '--checks', 'pass', '--token', s.tokens.township]);
    expect(twice.code).toBe(4);
    const unknown = await bangfu(['tasks', 'act', 'no-such-task', '--action', 'approve', '--token', s.tokens.township, '--json']);
    expect(unknown.code).toBe(3);
    expect(JSON.parse(unknown.stdout).error.code).toBe('NOT_FOUND');
    const notMine = await bangfu(['tasks', 'act', task.id, '--action', 'approve', '--json']);
    expect([2, 4]).toContain(notMine.code);

    // --wait record: the county joint review's task, answered once recorded; a bad value exits 1 with the field.
    const county = await s.prisma.task.findFirstOrThrow({ where: { projectId: projects[0]!.id, status: 'PENDING', kind: 'COUNTY_JOINT_REVIEW' } });
    const commentOnCounty = (wait: string) =>
      bangfu(['tasks', 'act', county.id, '--action', 'comment', '--comment', '请补充材料', '--wait', wait, '--token', s.tokens.agri, '--json']);
    const badWait = await commentOnCounty('later');
    expect([badWait.code, JSON.parse(badWait.stdout).error.details[0].path]).toEqual([1, 'querystring.wait']);
    const quick = await commentOnCounty('record');
    expect(quick.code, quick.stderr).toBe(0);
    expect(await s.prisma.decision.count({ where: { taskId: county.id, action: 'comment' } })).toBe(1);
  });

  it('exits 1 on usage errors, 2 without a login, 5 when the server is unreachable', async () => {
    expect((await bangfu(['tasks', 'act'])).code).toBe(1);
    expect((await bangfu(['frobnicate'])).code).toBe(1);
    expect((await bangfu(['tasks', 'list', '--no-such-flag'])).code).toBe(1);
    expect((await bangfu(['tasks', 'list'], { BANGFU_CONFIG: path.join(home, 'absent.json') })).code).toBe(2);
    expect((await bangfu(['tasks', 'list', '--url', 'http://127.0.0.1:9'])).code).toBe(5);
    expect((await bangfu(['--help'])).code).toBe(0);
  });

  it('audit verify: exits 0 on an intact chain, 6 on a tampered one, 2 for a role that may not verify', async () => {
    const intact = await bangfu(['audit', 'verify', '--token', s.tokens.monitor]);
    expect(intact.code, intact.stderr).toBe(0);
    const anchor = /anchor for a later check: (\d+:[0-9a-f]{64})/.exec(intact.stdout)?.[1];
    expect(anchor).toBeDefined();
    expect((await bangfu(['audit', 'verify', '--token', s.tokens.village])).code).toBe(2);
    expect((await bangfu(['audit', 'verify', '--token', s.tokens.admin, '--anchor', 'latest'])).code).toBe(1);

    const row = await s.prisma.auditEvent.findFirstOrThrow({ where: { action: 'PROJECT_PROPOSED' }, orderBy: { seq: 'asc' } });
    const events = rawTable(s.prisma, 'AuditEvent');
    await asDatabaseOwner(s.prisma, [APPEND_ONLY_TRIGGER], Prisma.sql`UPDATE ${events} SET "actorId" = 'someone-else' WHERE id = ${row.id}`);
    try {
      const broken = await bangfu(['audit', 'verify', '--token', s.tokens.admin, '--json']);
      expect(broken.code).toBe(6);
      expect(JSON.parse(broken.stdout).firstBreak).toMatchObject({ reason: 'EDITED', rowId: row.id.toString() });
      const human = await bangfu(['audit', 'verify', '--token', s.tokens.admin]);
      expect(human.code).toBe(6);
      expect(human.stdout).toContain(`EDITED at row ${row.id}`);
    } finally {
      await asDatabaseOwner(s.prisma, [APPEND_ONLY_TRIGGER], Prisma.sql`UPDATE ${events} SET "actorId" = ${row.actorId} WHERE id = ${row.id}`);
    }
    expect((await bangfu(['audit', 'verify', '--token', s.tokens.admin, '--anchor', anchor!])).code).toBe(0);
    // An anchor whose hash the log no longer has: the log was rewritten up to there.
    const [seq] = anchor!.split(':');
    expect((await bangfu(['audit', 'verify', '--token', s.tokens.admin, '--anchor', `${seq}:${'0'.repeat(64)}`])).code).toBe(6);
  });
});
