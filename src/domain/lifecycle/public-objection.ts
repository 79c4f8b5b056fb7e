import * as z from '../shape';
import type { TActor } from '../actor';
import { refusal, type TRefusal } from '../errors';
import { ZVisibleName } from '../policies/visible-name';

/**
 * 公示异议 from the public board (issue #18): a villager, not signed in, objects to a project in
 * its publicity period. The workflow needs an actor; the board sends this one. It holds no role
 * and no grant, so every rule that asks for a role refuses it; the one command that takes it is
 * an objection, and only with the lodger's name and phone (`objectionLodgerRefusal`, checked by
 * the project workflow's validator). Its id is not a user id: no user can be called this.
 */
export const PUBLIC_ACTOR_ID = 'public';

export const publicActor = (): TActor => ({ userId: PUBLIC_ACTOR_ID, displayName: '公众', roles: [] });

export const isPublicActor = (actor: Pick<TActor, 'userId'>): boolean => actor.userId === PUBLIC_ACTOR_ID;

/** A mainland mobile number (中国大陆手机号): 11 digits, 1 then 3–9. */
export const ZMainlandMobile = z
  .string()
  .trim()
  .regex(/^1[3-9]\d{9}$/, 'a mainland mobile number: 11 digits starting with 13–19');

/** Who lodged a public objection: what the officials need to reach them, nothing more. */
const ZLodgerName = ZVisibleName({ min: 2, max: 30 });
export const ZObjectionLodger = z.object({
  name: ZLodgerName,
  phone: ZMainlandMobile,
});
export type TObjectionLodger = z.infer<typeof ZObjectionLodger>;

/** The board's objection form and POST /api/public/projects/:id/objections: one schema for both. */
export const ZPublicObjectionBody = z.object({
  name: ZLodgerName,
  phone: ZMainlandMobile,
  reason: ZVisibleName({ min: 10, max: 1000 }),
  requestId: z.string().trim().min(8).max(100),
});
export type TPublicObjectionBody = z.infer<typeof ZPublicObjectionBody>;

/**
 * The rule, in one place: the public actor lodges an objection only with a lodger, and a
 * signed-in official's objection names none (it is theirs). Null when the pair is acceptable.
 */
export function objectionLodgerRefusal({ actor, lodger }: { actor: Pick<TActor, 'userId' | 'roles'>; lodger?: TObjectionLodger }): TRefusal | null {
  if (isPublicActor(actor)) {
    if (actor.roles.length > 0) return refusal('FORBIDDEN', 'the public actor holds no role', 'actor.roles');
    if (!lodger) return refusal('VALIDATION_FAILED', "a public objection needs the lodger's name and phone", 'body.phone');
    return null;
  }
  if (lodger) return refusal('VALIDATION_FAILED', 'a signed-in objection is lodged in its own name', 'body.name');
  return null;
}

/** The phone as the audit log keeps it: 13812345678 → 138****5678. */
export const maskPhone = (phone: string): string => `${phone.slice(0, 3)}****${phone.slice(-4)}`;
