import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requireActor } from '../auth-guard';
import type { TAppDeps } from '../context';
import { ZProjectListQuery } from '../project-filters';
import { projectLedgerSheets } from '../xlsx-project-ledger';
import { attachmentHeader, ledgerWorkbook, shanghaiWallClock, XLSX_CONTENT_TYPE } from '../xlsx-workbook';

/** The list's filters without its paging (an export holds every matching row), and the headers' language. */
export const ZProjectExportQuery = ZProjectListQuery.omit({ page: true, pageSize: true }).extend({
  lang: z.enum(['zh', 'en']).default('zh').describe('the language of the headers and the names of codes: zh (default) or en'),
});

export async function exportRoutes(app: FastifyInstance, { prisma }: TAppDeps) {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get(
    '/api/projects/export.xlsx',
    {
      schema: {
        tags: ['projects'],
        summary: 'The project ledger (项目台账) and payment ledger (资金拨付台账) as an Excel workbook, under the filters of GET /api/projects',
        querystring: ZProjectExportQuery,
        response: {
          200: {
            description: 'an .xlsx workbook: sheet 项目台账 (one row per project) and sheet 资金拨付台账 (one row per payment of those projects)',
            content: { [XLSX_CONTENT_TYPE]: { schema: z.string().describe('binary') } },
          },
        },
      },
    },
    async (req, reply) => {
      const actor = requireActor(req);
      const { lang, ...filters } = req.query;
      const sheets = await projectLedgerSheets({ prisma, actor, query: { ...filters, page: 1, pageSize: 1 }, lang });
      const body = await ledgerWorkbook(sheets, lang);
      const day = shanghaiWallClock(new Date()).toISOString().slice(0, 10);
      return (
        reply
          .type(XLSX_CONTENT_TYPE)
          .header('content-disposition', attachmentHeader(`projects-${day}.xlsx`, `${lang === 'en' ? 'projects' : '项目台账'}-${day}.xlsx`))
          .header('cache-control', 'no-store')
          .header('x-content-type-options', 'nosniff')
          // Bytes, sent as they are (Fastify serializes no Buffer); the schema above only documents them.
          .send(body as unknown as string)
      );
    },
  );
}
