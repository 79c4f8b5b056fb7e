import { z } from 'zod';
import { ZInstant } from './instant';

/** The kinds of document a project's archive (档案) files: 申报书, 会议纪要, 公示照片, 发票, 验收报告, 产权证书, other. */
export const ATTACHMENT_KINDS = ['PROPOSAL', 'MINUTES', 'PUBLICITY_PHOTO', 'INVOICE', 'ACCEPTANCE_REPORT', 'TITLE_CERTIFICATE', 'OTHER'] as const;
export const ZAttachmentKind = z.enum(ATTACHMENT_KINDS);

/** An attachment as the API answers it (upload and list). */
export const ZAttachment = z.object({
  id: z.string(),
  projectId: z.string(),
  kind: ZAttachmentKind,
  fileName: z.string(),
  contentType: z.string().describe('decided from the file’s first bytes, not from what the client sent'),
  sizeBytes: z.int(),
  sha256: z.string().describe('SHA-256 of the content, lower-case hex'),
  uploader: z.object({ userId: z.string(), displayName: z.string().nullable() }),
  note: z.string().nullable(),
  createdAt: ZInstant,
  url: z.string().describe('GET it for the file (inline); add ?download=1 to save it'),
  replayed: z.boolean().optional().describe('true: this requestId was uploaded before; this is its record'),
});
