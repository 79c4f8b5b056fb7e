import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { verifyStoredAuditChain } from '../../audit/read-audit-chain';
import type { TActor } from '../../domain/actor';
import { AppError } from '../../domain/errors';
import { requireActor } from '../auth-guard';
import type { TAppDeps } from '../context';

export const ZAuditVerifyQuery = z.object({
  /** `<seq>:<hash>` printed by an earlier verify and kept outside the database. */
  anchor: z
    .string()
    .regex(/^[1-9][0-9]{0,17}:[0-9a-f]{64}$/, 'expected <seq>:<64 hex digits>')
    .optional(),
});

/**
 * The chain is one for the whole deployment, so checking it (and learning its size) is for an
 * administrator or a monitor whose grant sits at the top of the org tree, not at a township.
 */
function requireChainAuditor(actor: TActor) {
  const grants = actor.roles.filter((g) => g.role === 'ADMIN' || g.role === 'MONITOR');
  if (grants.length === 0) throw new AppError('ROLE_NOT_ALLOWED', 'verifying the audit log is for administrators and monitors');
  if (!grants.some((g) => /^\/[^/]+\/$/.test(g.orgPath))) {
    throw new AppError('OUT_OF_SCOPE', 'the audit log spans every org unit: verifying it needs a grant at the top of the org tree');
  }
}

const ZChainBreak = z.object({
  reason: z.enum(['EDITED', 'DELETED', 'INSERTED']),
  rowId: z.string().nullable(),
  seq: z.string().nullable(),
  message: z.string(),
});
/** src/audit/verify-audit-chain.ts TChainReport. */
const ZChainReport = z.object({
  ok: z.boolean(),
  rows: z.int(),
  counts: z.object({ edited: z.int(), deleted: z.int(), inserted: z.int() }),
  firstBreak: ZChainBreak.nullable(),
  breaks: z.array(ZChainBreak).describe('every break found, up to 100; counts has the totals'),
  head: z.object({ seq: z.string(), hash: z.string().nullable() }).nullable().describe('record it elsewhere as an anchor for a later check'),
});

export async function auditRoutes(app: FastifyInstance, { prisma }: TAppDeps) {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get(
    '/api/audit/verify',
    {
      schema: {
        tags: ['audit'],
        summary: 'Recompute the audit log hash chain; report edited, deleted and inserted rows (ADMIN or MONITOR at the top of the org tree)',
        querystring: ZAuditVerifyQuery,
        response: { 200: ZChainReport },
      },
    },
    async (req) => {
      requireChainAuditor(requireActor(req));
      const anchor = req.query.anchor?.split(':');
      return verifyStoredAuditChain({ prisma, anchors: anchor ? [{ seq: BigInt(anchor[0]!), hash: anchor[1]! }] : [] });
    },
  );
}
