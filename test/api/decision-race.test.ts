/**
 * Exactly once under concurrency (issue #14, item 1: phantom approvals). 20 concurrent approvals
 * with distinct request ids, by several people, on one step, round after round, on single-slot,
 * 或签 and 会签 steps; after each round the records, the callers' answers and the step's history
 * must agree (test/support/decision-race.ts says what is compared). Before the records were
 * written after acceptance (patch `approval-step-record-after-acceptance`), about a third of the
 * rounds left 2–5 Decision rows and TASK_APPROVE events for one accepted Update.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, type TTestStack } from '../support/stack';
import { expectRecordsMatchHistory, racePeople, raceRound, type TRacePerson } from '../support/decision-race';
import { AGRI_SLOT, TOWNSHIP_SLOT } from '../workflows/approval-support';

/** Rounds per mode (RACE_ROUNDS to soak it longer): 3 modes × 7 = 21 rounds per run. */
const ROUNDS = Number(process.env.RACE_ROUNDS ?? 7);
const CALLERS = 20;

let s: TTestStack;
let people: TRacePerson[];

beforeAll(async () => {
  s = await startTestStack();
  people = await racePeople(s);
});
afterAll(async () => {
  await s?.close();
});

describe(`${CALLERS} concurrent approvals × ${ROUNDS} rounds per mode: records = history = answers`, { timeout: 900_000 }, () => {
  it('single signer slot (乡镇审核): exactly one approval accepted and on record per round', async () => {
    for (let r = 0; r < ROUNDS; r += 1) {
      const round = await raceRound(s, people, { config: { candidates: [TOWNSHIP_SLOT] }, callers: CALLERS });
      expect(await expectRecordsMatchHistory(s, round)).toHaveLength(1);
      expect(round.answers.filter((a) => a.status === 200)).toHaveLength(1);
    }
  });

  it('或签 ANY_ONE over two slots: exactly one approval in all, the other slot no longer needed', async () => {
    for (let r = 0; r < ROUNDS; r += 1) {
      const round = await raceRound(s, people, { config: { mode: 'ANY_ONE', candidates: [TOWNSHIP_SLOT, AGRI_SLOT] }, callers: CALLERS });
      expect(await expectRecordsMatchHistory(s, round)).toHaveLength(1);
      const outcomes = (await s.prisma.task.findMany({ where: { workflowId: round.workflowId } })).map((t) => t.outcome).sort();
      expect(outcomes).toEqual(['APPROVED', 'NO_LONGER_NEEDED']);
    }
  });

  it('会签 COUNTERSIGN over two slots: exactly one approval per slot', async () => {
    for (let r = 0; r < ROUNDS; r += 1) {
      const round = await raceRound(s, people, { config: { mode: 'COUNTERSIGN', candidates: [TOWNSHIP_SLOT, AGRI_SLOT] }, callers: CALLERS });
      const accepted = await expectRecordsMatchHistory(s, round);
      expect(accepted.map((a) => a.taskId).sort()).toEqual([round.taskId(1), round.taskId(2)]);
    }
  });
});
