import crypto from 'node:crypto';
import type { TPrisma } from '../db/prisma';
import type { TActor } from '../domain/actor';

/** Bearer tokens are random; only their sha256 is stored, so a database leak reveals no token. */
export function newToken(): { token: string; hash: string } {
  const token = `bf_${crypto.randomBytes(32).toString('base64url')}`;
  return { token, hash: hashToken(token) };
}

export function hashToken(token: string): string {
  return crypto.createHash('sha256').update(token).digest('hex');
}

export async function issueToken(prisma: TPrisma, userId: string, name: string): Promise<string> {
  const { token, hash } = newToken();
  await prisma.apiToken.create({ data: { userId, name, tokenHash: hash } });
  return token;
}

/** The actor behind a bearer token, with every role grant and its org path; null if invalid. */
export async function actorForToken(prisma: TPrisma, token: string): Promise<TActor | null> {
  const row = await prisma.apiToken.findUnique({
    where: { tokenHash: hashToken(token) },
    include: { user: { include: { roles: { include: { orgUnit: true } } } } },
  });
  if (!row || row.revokedAt || !row.user.active) return null;
  return actorFromUser(row.user);
}

export function actorFromUser(user: {
  id: string;
  displayName: string;
  roles: Array<{ role: string; orgUnitId: string; orgUnit: { path: string } }>;
}): TActor {
  return {
    userId: user.id,
    displayName: user.displayName,
    roles: user.roles.map((r) => ({ role: r.role as TActor['roles'][number]['role'], orgUnitId: r.orgUnitId, orgPath: r.orgUnit.path })),
  };
}
