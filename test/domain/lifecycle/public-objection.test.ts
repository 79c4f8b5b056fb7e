import { describe, expect, it } from 'vitest';
import { maskPhone, objectionLodgerRefusal, publicActor, PUBLIC_ACTOR_ID } from '../../../src/domain/lifecycle/public-objection';
import { ZPublicObjectionBody } from '../../../src/http/schemas/public-objection-body';
import { holdsRoleOver } from '../../../src/domain/actor';

const lodger = { name: '王秀英', phone: '13812345678' };
const official = { userId: 'u-1', roles: [{ role: 'VILLAGE_COMMITTEE' as const, orgUnitId: 'v-taoyuan', orgPath: '/c-qingshan/t-hexi/v-taoyuan/' }] };

describe('the public actor (公示栏异议)', () => {
  it('holds no role anywhere, so every role rule refuses it', () => {
    const actor = publicActor();
    expect(actor).toMatchObject({ userId: PUBLIC_ACTOR_ID, roles: [] });
    expect(holdsRoleOver(actor, ['ADMIN', 'VILLAGE_COMMITTEE', 'TOWNSHIP_REVIEWER'], '/c-qingshan/')).toBe(false);
  });

  it('objects only with a lodger; an official objects in their own name; a public actor with a grant is refused', () => {
    expect(objectionLodgerRefusal({ actor: publicActor(), lodger })).toBeNull();
    expect(objectionLodgerRefusal({ actor: publicActor() })).toMatchObject({ code: 'VALIDATION_FAILED', field: 'body.phone' });
    expect(objectionLodgerRefusal({ actor: official })).toBeNull();
    expect(objectionLodgerRefusal({ actor: official, lodger })).toMatchObject({ code: 'VALIDATION_FAILED', field: 'body.name' });
    expect(objectionLodgerRefusal({ actor: { ...publicActor(), roles: official.roles }, lodger })).toMatchObject({ code: 'FORBIDDEN' });
  });

  it('masks the phone as the audit log keeps it', () => {
    expect(maskPhone('13812345678')).toBe('138****5678');
  });

  it('the body schema takes mainland mobiles only, and bounded names and reasons', () => {
    const ok = { ...lodger, reason: '占用了集体林地，未经村民同意', requestId: 'web-12345678' };
    expect(ZPublicObjectionBody.safeParse(ok).success).toBe(true);
    expect(ZPublicObjectionBody.safeParse({ ...ok, phone: ' 13812345678 ' }).data?.phone).toBe('13812345678');
    for (const phone of ['12812345678', '1381234567', '138123456789', '+8613812345678', '138-1234-5678'])
      expect(ZPublicObjectionBody.safeParse({ ...ok, phone }).error?.issues[0]?.path).toEqual(['phone']);
    expect(ZPublicObjectionBody.safeParse({ ...ok, name: '王' }).success).toBe(false);
    expect(ZPublicObjectionBody.safeParse({ ...ok, reason: '短' }).success).toBe(false);
  });
});
