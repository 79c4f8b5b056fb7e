import { proposalDiff, type TProposalChange } from '../domain/lifecycle/proposal-revision';
import type { TProposal } from '../domain/lifecycle/proposal';
import type { TPrisma } from './prisma';

export interface TProposalRevision {
  version: number;
  revisedAt: Date;
  author: { userId: string; displayName: string | null };
  /** 本次修改: the latest version against the one before it. */
  changes: TProposalChange[];
}

/** The project's latest revision of its proposal (version 2 or later) with what it changed; null while it has only its first version. */
export async function latestProposalRevision(prisma: TPrisma, projectId: string): Promise<TProposalRevision | null> {
  const [latest, previous] = await prisma.proposalVersion.findMany({ where: { projectId }, orderBy: { version: 'desc' }, take: 2 });
  if (!latest || !previous || latest.version < 2) return null;
  const author = await prisma.user.findUnique({ where: { id: latest.authorId }, select: { displayName: true } });
  return {
    version: latest.version,
    revisedAt: latest.createdAt,
    author: { userId: latest.authorId, displayName: author?.displayName ?? null },
    changes: proposalDiff(previous.values as TProposal, latest.values as TProposal),
  };
}
