/**
 * The decision race (test/api/decision-race.test.ts) with the worker killed by kill -9 in the
 * middle of each burst and a new one started two seconds later: the Updates in flight wait for
 * the new worker, and afterwards the records, every caller's answer and the step's history still
 * agree exactly (test/support/decision-race.ts), with one decision per slot.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TTestStack } from '../support/stack';
import { expectRecordsMatchHistory, racePeople, raceRound, type TRacePerson } from '../support/decision-race';
import { AGRI_SLOT, TOWNSHIP_SLOT } from '../workflows/approval-support';
import { startKillStack } from './support/kill-stack';
import { sleep } from './support/faults';

let k: Awaited<ReturnType<typeof startKillStack>>;
let s: TTestStack;
let people: TRacePerson[];

beforeAll(async () => {
  k = await startKillStack();
  s = k.s;
  people = await racePeople(s, 'kill-race');
});
afterAll(async () => {
  await k?.close();
});

describe('concurrent approvals with the worker killed mid-burst', () => {
  it('single slot, 或签 and 会签: records = history = answers, one decision per slot', { timeout: 600_000 }, async () => {
    const killMidBurst = async () => {
      await sleep(150);
      await k.kill();
      await sleep(2_000);
      await k.restart();
    };
    for (const config of [
      { candidates: [TOWNSHIP_SLOT] },
      { mode: 'ANY_ONE' as const, candidates: [TOWNSHIP_SLOT, AGRI_SLOT] },
      { mode: 'COUNTERSIGN' as const, candidates: [TOWNSHIP_SLOT, AGRI_SLOT] },
    ]) {
      const startedAt = Date.now();
      const round = await raceRound(s, people, { config, callers: 20, during: killMidBurst });
      const accepted = await expectRecordsMatchHistory(s, round);
      expect(accepted).toHaveLength(config.mode === 'COUNTERSIGN' ? 2 : 1);
      console.log(
        `[faults] ${config.mode ?? 'single slot'}: 20 approvals, worker killed 150 ms in; ${round.answers.filter((a) => a.status === 200).length} answered 200, ${round.answers.filter((a) => a.status === 409).length} 409; step ended ${Date.now() - startedAt} ms after the burst began`,
      );
    }
  });
});
