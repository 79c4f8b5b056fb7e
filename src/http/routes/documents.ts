import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppError } from '../../domain/errors';
import type { TProposal } from '../../domain/lifecycle/proposal';
import { sendPrintable, HTML_DOCUMENT_RESPONSE } from '../documents/printable';
import { requireActor } from '../auth-guard';
import type { TAppDeps } from '../context';
import { renderPublicityNotice } from '../documents/publicity-notice';
import { visibleProject } from './projects';

const ZNoticeParams = z.object({ id: z.string().min(1).max(64), publicityId: z.string().min(1).max(200) });

/** Printable documents an official puts on a notice board or in the file (issue #18). */
export async function documentRoutes(app: FastifyInstance, { prisma, config }: TAppDeps) {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get(
    '/api/projects/:id/publicities/:publicityId/notice',
    {
      schema: {
        tags: ['projects'],
        summary: "The publicity notice (公示) of one of the project's publicity periods, printable Chinese HTML (print to PDF from the browser)",
        params: ZNoticeParams,
        response: HTML_DOCUMENT_RESPONSE,
      },
    },
    async (req, reply) => {
      const actor = requireActor(req);
      const project = await visibleProject(prisma, actor, req.params.id);
      const publicity = await prisma.publicity.findUnique({ where: { id: req.params.publicityId } });
      if (!publicity || publicity.projectId !== project.id)
        throw new AppError('NOT_FOUND', `no publicity ${req.params.publicityId} of this project`, [{ path: 'params.publicityId', message: 'not found' }]);
      const units = await prisma.orgUnit.findMany({
        where: { id: { in: [project.countyId, project.townshipId, project.villageId] } },
        select: { id: true, name: true },
      });
      const nameOf = (id: string) => units.find((u) => u.id === id)?.name ?? '';
      const html = renderPublicityNotice({
        kind: publicity.kind,
        startsAt: publicity.startsAt.getTime(),
        endsAt: publicity.endsAt.getTime(),
        proposal: project.proposal as unknown as TProposal,
        place: { county: nameOf(project.countyId), township: nameOf(project.townshipId), village: nameOf(project.villageId) },
        // The county's public board (/app/public/<county>), where the notice says one may also object online.
        boardUrl: config.notifications.publicBaseUrl ? `${config.notifications.publicBaseUrl}/app/public/${encodeURIComponent(project.countyId)}` : null,
      });
      return sendPrintable(reply, html);
    },
  );
}
