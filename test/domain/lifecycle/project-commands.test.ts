import { describe, expect, it } from 'vitest';
import { isSameRequester } from '../../../src/domain/lifecycle/project-commands';

describe('isSameRequester: who may repeat a projectAct request id and get its first answer', () => {
  it('matches the sender of the first request and nobody else', () => {
    expect(isSameRequester({ actorId: 'u-village' }, 'u-village')).toBe(true);
    expect(isSameRequester({ actorId: 'u-village' }, 'u-other')).toBe(false);
  });

  it('matches anyone for answers stored before actor ids were recorded (carried across continue-as-new)', () => {
    // Refusing these would turn the sender's own retry into DUPLICATE_REQUEST.
    expect(isSameRequester({}, 'u-village')).toBe(true);
    expect(isSameRequester({ actorId: null }, 'u-village')).toBe(true);
  });
});
