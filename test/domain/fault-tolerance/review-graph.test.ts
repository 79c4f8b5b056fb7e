import { describe, expect, it } from 'vitest';
import { transition } from 'xstate';
import { createTestModel, getAdjacencyMap, getShortestPaths, getSimplePaths } from 'xstate/graph';
import { graphEvents, graphInput, serializeReviewState } from './graph-events';
import { APPROVER, makeInput } from './fixtures';
import { REVIEW_STATES, checkReviewAction, exemptionJustified, officialRecordEffects, reviewMachine, type TReviewEvent, type TReviewSnapshot } from './imports';

const options = { input: graphInput, events: graphEvents, serializeState: serializeReviewState };

function moved(before: TReviewSnapshot, after: TReviewSnapshot) {
  return after.value !== before.value || after.context !== before.context;
}

describe('fault-tolerance review: model-based paths (xstate/graph)', () => {
  const adjacency = getAdjacencyMap(reviewMachine, options);
  const vertices = Object.values(adjacency);

  it('reaches every state by a shortest path', () => {
    const paths = getShortestPaths(reviewMachine, options);
    const reached = new Set(paths.map((p) => String(p.state.value)));
    expect([...reached].sort()).toEqual([...REVIEW_STATES].sort());
  });

  it('replays every shortest path through a test model, checking invariants in each state', async () => {
    const model = createTestModel(reviewMachine, options);
    const paths = model.getShortestPaths();
    const visited = new Set<string>();
    const invariants = (snapshot: TReviewSnapshot) => {
      visited.add(String(snapshot.value));
      const decisions = snapshot.context.rounds.map((r) => r.decision);
      // Inadmissible cases never get past admissibility or end anywhere but refused, by any path;
      // an exemption decided before an exclusion came to light is superseded, never applied.
      if (snapshot.context.exclusions.length > 0) {
        expect(['application', 'admissibility', 'refused', 'lapsed']).toContain(String(snapshot.value));
        expect(officialRecordEffects(snapshot.context)).toEqual([]);
      }
      for (const d of decisions) if (d?.outcome === 'LENIENT') expect(d.impactPeriodEndsAt).toBeGreaterThan(d.at);
      if (snapshot.value === 'resultApplied') expect(decisions.at(-1)).toBeDefined();
      if (snapshot.value === 'refused') expect(snapshot.context.termination).toBeDefined();
    };
    const states = Object.fromEntries(REVIEW_STATES.map((s) => [s, invariants]));
    for (const path of paths) await path.test({ states });
    expect([...visited].sort()).toEqual([...REVIEW_STATES].sort());
  });

  it('exercises every guard both ways', () => {
    const outcomes = new Map<string, Set<boolean>>();
    const note = (guard: unknown, value: boolean) => {
      const name = typeof guard === 'string' ? guard : (guard as { type: string }).type;
      outcomes.set(name, (outcomes.get(name) ?? new Set()).add(value));
    };
    for (const { state, transitions } of vertices) {
      const node = reviewMachine.states[String(state.value) as keyof typeof reviewMachine.states];
      for (const { event, state: next } of Object.values(transitions) as { event: TReviewEvent; state: TReviewSnapshot }[]) {
        const candidates = node.transitions.get(event.type) ?? [];
        const taken = moved(state, next) ? candidates.findIndex((t) => (t.target?.[0]?.key ?? String(state.value)) === String(next.value)) : candidates.length;
        candidates.forEach((t, i) => {
          if (i < taken) note(t.guard, false);
          if (i === taken) note(t.guard, true);
        });
      }
    }
    const guards = Object.keys(reviewMachine.implementations.guards);
    expect(guards.length).toBeGreaterThanOrEqual(17);
    for (const guard of guards) expect([guard, [...(outcomes.get(guard) ?? [])].sort()]).toEqual([guard, [false, true]]);
  });

  it('the checker agrees with the machine on every event offered in every reachable snapshot', () => {
    let checked = 0;
    const extra: TReviewEvent[] = [
      { type: 'APPEAL', appellantId: 'u-official-li', grounds: '申诉', at: 0 },
      { type: 'DECIDE', actorId: 'clerk-1', at: 0, correctiveMeasures: [] },
      { type: 'APPLY', applicantId: 'u-official-li', at: 0 },
    ];
    for (const { state } of vertices) {
      for (const event of [...graphEvents(state), ...extra]) {
        const [next] = transition(reviewMachine, state, event);
        const check = checkReviewAction(state, event);
        expect({ state: state.value, event, ok: check.ok }).toEqual({ state: state.value, event, ok: moved(state, next) });
        checked += 1;
      }
    }
    expect(checked).toBeGreaterThan(1000);
  });

  it('every simple path of allowed actions ends in a final state with a coherent record', () => {
    // Narrowed so the simple paths stay enumerable: one set of findings, members vote in list
    // order and all of them vote before the decision, no revotes, no late exclusions (covered above).
    const paths = getSimplePaths(reviewMachine, {
      ...options,
      filterEvents: (snapshot, event) => {
        if (!checkReviewAction(snapshot, event).ok) return false;
        const round = snapshot.context.rounds.at(-1)!;
        const voters = round.body.memberIds.filter((m) => m !== APPROVER);
        const voted = new Set(round.ballots.map((b) => b.memberId));
        switch (event.type) {
          case 'RECORD_EXCLUSION':
          case 'CALL_REVOTE':
          case 'OPEN_BY_BODY':
            return false;
          case 'RECORD_FINDING':
            return event.value === (event.criterion === 'FORCE_MAJEURE' ? 'NOT_MET' : 'MET');
          case 'CAST_VOTE':
            return event.memberId === voters.find((m) => !voted.has(m));
          case 'DECIDE':
            return voters.every((m) => voted.has(m));
          default:
            return true;
        }
      },
    });
    const finals = paths.filter((p) => p.state.status === 'done');
    const ends = new Set(finals.map((p) => String(p.state.value)));
    expect([...ends].sort()).toEqual(['lapsed', 'refused', 'resultApplied']);
    // 3 members, 3 choices, 6 of the 27 ballots split three ways: 21 decisions, each final or appealed
    // into another 21 decisions.
    expect(finals.filter((p) => p.state.value === 'resultApplied')).toHaveLength(21 + 21 * 21);
    for (const path of finals) {
      if (path.state.value !== 'resultApplied') continue;
      const final = path.state.context.rounds.at(-1)!.decision!;
      const effects = officialRecordEffects(path.state.context);
      expect(effects.map((e) => e.outcome)).toEqual([final.outcome, final.outcome]);
    }
  });

  it('an inadmissible case has no simple path to any decision, let alone an exemption', () => {
    const input = makeInput({
      fundViolationFlags: [{ flagId: 'F-1', projectId: 'P-tea-01', userId: 'u-official-li', kind: 'WITHHOLDING', confirmed: true }],
    });
    const paths = getSimplePaths(reviewMachine, { ...options, input });
    const reached = new Set(paths.map((p) => String(p.state.value)));
    expect([...reached].sort()).toEqual(['admissibility', 'application', 'lapsed', 'refused']);
    for (const path of paths) expect(path.state.context.rounds[0].decision).toBeUndefined();
  });

  it('no reachable snapshot applies an exemption to a case with an exclusion or unjustified findings', () => {
    for (const { state } of vertices) {
      const effects = officialRecordEffects(state.context);
      if (state.context.exclusions.length > 0) expect(effects).toEqual([]);
      if (effects.some((e) => e.outcome === 'EXEMPT')) expect(exemptionJustified(state.context.rounds.at(-1)!)).toBe(true);
      for (const round of state.context.rounds) {
        if (round.decision?.outcome === 'EXEMPT') expect(exemptionJustified(round)).toBe(true);
      }
    }
  });
});
