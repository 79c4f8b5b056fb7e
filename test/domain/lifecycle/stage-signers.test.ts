import { describe, expect, it } from 'vitest';
import { priorSignersFor, withStepSigners } from '../../../src/domain/lifecycle/stage-signers';

describe('separation of duties across the approval chain (stage-signers)', () => {
  const afterTownship = withStepSigners({}, 'TOWNSHIP_REVIEW', [
    { type: 'APPROVE', actorId: 'u-t' },
    { type: 'COMMENT', actorId: 'u-c' },
  ]);
  const afterJoint = withStepSigners(afterTownship, 'COUNTY_JOINT_REVIEW', [
    { type: 'APPROVE', actorId: 'u-a' },
    { type: 'APPROVE', actorId: 'u-f' },
  ]);

  it('a later stage refuses whoever approved or rejected an earlier one; comments do not count', () => {
    expect(priorSignersFor('COUNTY_JOINT_REVIEW', afterTownship)).toEqual(['u-t']);
    expect(priorSignersFor('COUNTY_APPROVAL', afterJoint)).toEqual(['u-t', 'u-a', 'u-f']);
  });

  it('a stage run again (a return to it) does not refuse its own earlier signers', () => {
    expect(priorSignersFor('TOWNSHIP_REVIEW', afterJoint)).toEqual(['u-a', 'u-f']);
  });

  it('acceptance, evaluation and replacement are outside the chain: nobody is refused there', () => {
    expect(priorSignersFor('ACCEPTANCE', afterJoint)).toEqual([]);
    expect(withStepSigners(afterJoint, 'EVALUATION', [{ type: 'APPROVE', actorId: 'u-x' }])).toBe(afterJoint);
  });
});
