import crypto from 'node:crypto';
import path from 'node:path';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import multipart from '@fastify/multipart';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { writeAuditEvent } from '../../audit/write-audit-event';
import { AppError } from '../../domain/errors';
import { diskFileStore, sha256Of, type TFileStore } from '../../files/file-store';
import { ACCEPTED_FILE_TYPES, PREVIEWABLE_CONTENT_TYPES, sniffFileType } from '../../files/sniff-file-type';
import { Prisma } from '../../generated/prisma/client';
import { requireActor } from '../auth-guard';
import type { TAppDeps } from '../context';
import { ZAttachment, ZAttachmentKind } from '../schemas/attachment';
import { canSee, visibleProject } from './projects';

export const DEFAULT_ATTACHMENT_MAX_BYTES = 20 * 1024 * 1024;

/** The form fields of an upload besides the file itself (each a multipart field, in any order). */
export const ZUploadFields = z.object({
  kind: ZAttachmentKind,
  note: z.string().trim().max(500).optional(),
  requestId: z.string().trim().min(8).max(100),
});

const ZFileBytes = z.any().meta({ type: 'string', format: 'binary' });

type TAttachmentRow = Prisma.AttachmentGetPayload<object>;
const attachmentOut = (a: TAttachmentRow, uploaderName: string | null) => ({
  id: a.id,
  projectId: a.projectId,
  kind: a.kind as z.infer<typeof ZAttachmentKind>,
  fileName: a.fileName,
  contentType: a.contentType,
  sizeBytes: a.sizeBytes,
  sha256: a.sha256,
  uploader: { userId: a.uploaderId, displayName: uploaderName },
  note: a.note,
  createdAt: a.createdAt,
  url: `/api/attachments/${a.id}`,
});

/** The name as the uploader gave it, reduced to a plain file name: no directories, no control characters, at most 200 characters. */
export function cleanFileName(raw: string | undefined): string {
  const base = path.posix.basename(String(raw ?? '').replaceAll('\\', '/'));
  // eslint-disable-next-line no-control-regex
  const clean = base.replace(/[\u0000-\u001f\u007f"]/g, '').trim();
  return Array.from(clean).slice(0, 200).join('') || 'file';
}

/** RFC 6266/5987: an ASCII fallback and the UTF-8 name (Chinese names included). */
export function contentDisposition(disposition: 'inline' | 'attachment', fileName: string): string {
  const ascii = fileName.replace(/[^\x20-\x7e]/g, '_').replace(/[\\"]/g, '_');
  const encoded = encodeURIComponent(fileName).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `${disposition}; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}

/**
 * The file response's own CSP. `sandbox` makes the file a unique origin with no scripts, forms or
 * plugins, whatever its bytes. Chromium's PDF viewer will not run inside a sandboxed document,
 * so an inline PDF instead gets no-fetch rules (default-src 'none'), which its viewer respects.
 * frame-ancestors 'self' lets the archive page (same origin) frame it, and no one else.
 */
function fileCsp(contentType: string, inline: boolean): string {
  const base = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; frame-ancestors 'self'; base-uri 'none'; form-action 'none'";
  return inline && contentType === 'application/pdf' ? base : `${base}; sandbox`;
}

type TUpload = { fields: Record<string, string>; file: { bytes: Buffer; fileName: string } | null };

/** Reads the multipart body: the fields, and the one file (buffered; the size limit is enforced while reading). */
async function readUpload(req: FastifyRequest, maxBytes: number): Promise<TUpload> {
  if (!req.isMultipart())
    throw new AppError('VALIDATION_FAILED', 'send the file as multipart/form-data', [{ path: 'headers.content-type', message: 'not multipart/form-data' }]);
  const fields: Record<string, string> = {};
  let file: TUpload['file'] = null;
  try {
    for await (const part of req.parts({ limits: { fileSize: maxBytes, files: 1, fields: 10, fieldSize: 4096, parts: 12 } })) {
      if (part.type === 'file') {
        if (part.fieldname !== 'file') {
          part.file.resume();
          throw new AppError('VALIDATION_FAILED', 'the file goes in the field "file"', [{ path: `body.${part.fieldname}`, message: 'unexpected file' }]);
        }
        file = { bytes: await part.toBuffer(), fileName: cleanFileName(part.filename) };
      } else {
        fields[part.fieldname] = String(part.value);
      }
    }
  } catch (err) {
    if (err instanceof AppError) throw err;
    const code = (err as { code?: string }).code;
    if (code === 'FST_REQ_FILE_TOO_LARGE')
      throw new AppError('FILE_TOO_LARGE', `the file is larger than ${maxBytes} bytes`, [{ path: 'body.file', message: `at most ${maxBytes} bytes` }]);
    if (code === 'FST_FILES_LIMIT' || code === 'FST_PARTS_LIMIT' || code === 'FST_FIELDS_LIMIT')
      throw new AppError('VALIDATION_FAILED', 'one file and a few fields per upload', [{ path: 'body', message: 'too many parts' }]);
    throw err;
  }
  return { fields, file };
}

/**
 * Attachments and the project's archive (档案, issue #18): upload into the content-addressed
 * store, list, and serve back. Whoever may read the project (`canSee`) may upload to and read its
 * archive; everyone else gets the same 404 as for a project that does not exist.
 */
export async function attachmentRoutes(app: FastifyInstance, deps: TAppDeps & { fileStore?: TFileStore }) {
  const { prisma, config } = deps;
  const maxBytes = config.files?.maxBytes ?? DEFAULT_ATTACHMENT_MAX_BYTES;
  const store = deps.fileStore ?? diskFileStore({ root: path.join(config.dataDir, 'files') });

  // Registered in its own scope: only these routes take multipart bodies.
  await app.register(async (scope) => {
    await scope.register(multipart, { throwFileSizeLimit: true });
    const r = scope.withTypeProvider<ZodTypeProvider>();

    r.post(
      '/api/projects/:id/attachments',
      {
        schema: {
          tags: ['attachments'],
          summary: 'Upload a file to the project’s archive (multipart/form-data: file, kind, requestId, note?)',
          description:
            'The type is decided from the file’s first bytes: PDF, PNG, JPEG, DOCX or XLSX, anything else 415 UNSUPPORTED_FILE_TYPE; ' +
            'over the size limit (ATTACHMENT_MAX_MB, default 20) 413 FILE_TOO_LARGE; in both cases nothing is stored. ' +
            'The same requestId from the same person answers the first upload (200, replayed); the same content under a new requestId is a new row over the one stored file.',
          consumes: ['multipart/form-data'],
          params: z.object({ id: z.string().min(1).max(64) }),
          response: { 201: ZAttachment, 200: ZAttachment },
        },
      },
      async (req, reply) => {
        const actor = requireActor(req);
        const project = await visibleProject(prisma, actor, req.params.id);
        const { fields, file } = await readUpload(req, maxBytes);
        const parsed = ZUploadFields.safeParse(fields);
        if (!parsed.success)
          throw new AppError(
            'VALIDATION_FAILED',
            'invalid upload fields',
            parsed.error.issues.map((i) => ({ path: ['body', ...i.path].join('.'), message: i.message })),
          );
        const { kind, note, requestId } = parsed.data;
        const earlier = await prisma.attachment.findUnique({ where: { uploaderId_requestId: { uploaderId: actor.userId, requestId } } });
        if (earlier) {
          if (earlier.projectId !== project.id)
            throw new AppError('DUPLICATE_REQUEST', 'this requestId was used for an upload to another project', [
              { path: 'body.requestId', message: 'already used' },
            ]);
          return reply.code(200).send({ ...attachmentOut(earlier, actor.displayName ?? null), replayed: true });
        }
        if (!file || file.bytes.length === 0) throw new AppError('VALIDATION_FAILED', 'no file in the upload', [{ path: 'body.file', message: 'required' }]);
        const type = sniffFileType(file.bytes);
        if (!type)
          throw new AppError('UNSUPPORTED_FILE_TYPE', 'only PDF, PNG, JPEG, DOCX and XLSX files are accepted (judged by their content)', [
            { path: 'body.file', message: 'not a PDF, PNG, JPEG, DOCX or XLSX file' },
          ]);
        const sha256 = sha256Of(file.bytes);
        // The bytes first: a row never names content the store lacks. A row that then fails leaves
        // an unreferenced file, which is harmless (the next upload of that content reuses it).
        await store.put({ sha256, bytes: file.bytes });
        const id = crypto.randomUUID();
        const data = {
          id,
          projectId: project.id,
          kind,
          fileName: file.fileName,
          contentType: type.contentType,
          sizeBytes: file.bytes.length,
          sha256,
          uploaderId: actor.userId,
          note: note || null,
          requestId,
        };
        try {
          const row = await prisma.$transaction(async (tx) => {
            const created = await tx.attachment.create({ data });
            await writeAuditEvent(tx, {
              eventKey: `attachment:${id}`,
              action: 'ATTACHMENT_UPLOADED',
              entityType: 'Attachment',
              entityId: id,
              projectId: project.id,
              actorId: actor.userId,
              requestId,
              comment: note || null,
              details: { attachmentId: id, kind, fileName: data.fileName, contentType: data.contentType, sizeBytes: data.sizeBytes, sha256 },
            });
            return created;
          });
          return reply.code(201).send(attachmentOut(row, actor.displayName ?? null));
        } catch (err) {
          // The same request sent twice at once: the other one made the row.
          if (err instanceof Prisma.PrismaClientKnownRequestError && err.code === 'P2002') {
            const row = await prisma.attachment.findUnique({ where: { uploaderId_requestId: { uploaderId: actor.userId, requestId } } });
            if (row?.projectId === project.id) return reply.code(200).send({ ...attachmentOut(row, actor.displayName ?? null), replayed: true });
          }
          throw err;
        }
      },
    );
  });

  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get(
    '/api/projects/:id/attachments',
    {
      schema: {
        tags: ['attachments'],
        summary: 'The project’s archive (档案): its attachments, newest first',
        params: z.object({ id: z.string().min(1).max(64) }),
        querystring: z.object({ kind: ZAttachmentKind.optional() }),
        response: { 200: z.object({ items: z.array(ZAttachment) }) },
      },
    },
    async (req) => {
      const actor = requireActor(req);
      const project = await visibleProject(prisma, actor, req.params.id);
      const rows = await prisma.attachment.findMany({
        where: { projectId: project.id, ...(req.query.kind ? { kind: req.query.kind } : {}) },
        orderBy: [{ createdAt: 'desc' }, { id: 'asc' }],
        take: 1000,
      });
      const users = await prisma.user.findMany({ where: { id: { in: [...new Set(rows.map((a) => a.uploaderId))] } }, select: { id: true, displayName: true } });
      const nameOf = new Map(users.map((u) => [u.id, u.displayName]));
      return { items: rows.map((a) => attachmentOut(a, nameOf.get(a.uploaderId) ?? null)) };
    },
  );

  const fileResponse = {
    200: {
      description: 'the file’s bytes, as stored',
      content: Object.fromEntries(Object.values(ACCEPTED_FILE_TYPES).map((type) => [type, { schema: ZFileBytes }])),
    },
  };
  const ZDownloadQuery = z.object({ download: z.enum(['0', '1']).optional() });
  const sendFile = async (req: FastifyRequest, reply: FastifyReply, id: string, download: boolean) => {
    const actor = requireActor(req);
    const row = await prisma.attachment.findUnique({ where: { id }, include: { project: { select: { orgPath: true } } } });
    if (!row || !canSee(actor, row.project.orgPath))
      throw new AppError('NOT_FOUND', `no attachment ${id} in your org units`, [{ path: 'params.id', message: 'not found' }]);
    const bytes = await store.get(row.sha256);
    if (!bytes) throw new AppError('SERVICE_UNAVAILABLE', 'the file is missing from the file store', [{ path: 'params.id', message: 'file missing' }]);
    const inline = !download && PREVIEWABLE_CONTENT_TYPES.has(row.contentType);
    return reply
      .type(row.contentType)
      .header('content-disposition', contentDisposition(inline ? 'inline' : 'attachment', row.fileName))
      .header('content-security-policy', fileCsp(row.contentType, inline))
      .header('x-content-type-options', 'nosniff')
      .header('cross-origin-resource-policy', 'same-origin')
      .header('cache-control', 'private, no-store')
      .header('etag', `"${row.sha256}"`)
      .send(bytes);
  };

  r.get(
    '/api/attachments/:id',
    {
      schema: {
        tags: ['attachments'],
        summary: 'An attachment’s bytes, with its stored content type (inline for images and PDF; ?download=1 to save)',
        params: z.object({ id: z.string().min(1).max(64) }),
        querystring: ZDownloadQuery,
        response: fileResponse,
      },
    },
    async (req, reply) => sendFile(req, reply, req.params.id, req.query.download === '1'),
  );

  // The same file under its name: a browser's PDF viewer titles the document by the last path
  // segment, which then reads as the file's name rather than its id.
  r.get(
    '/api/attachments/:id/:name',
    {
      schema: {
        tags: ['attachments'],
        summary: 'The same as GET /api/attachments/:id; the trailing name (any) is only for the browser’s title',
        params: z.object({ id: z.string().min(1).max(64), name: z.string().max(300) }),
        querystring: ZDownloadQuery,
        response: fileResponse,
      },
    },
    async (req, reply) => sendFile(req, reply, req.params.id, req.query.download === '1'),
  );
}
