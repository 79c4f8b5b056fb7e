import crypto from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/http/app';
import { paymentOfTask } from '../../src/http/task-matter';
import { startTestStack, newRequestId, type TTestStack } from '../support/stack';
import { taoyuanProjectRow } from '../support/project-row';
import { multipartBody, tinyPdf, tinyPng } from '../support/tiny-files';

/**
 * Attachments and the project's archive (档案, issue #18): real uploads through the multipart
 * route into a content-addressed store in a temporary data dir, read back as the browser does.
 */
const MAX_BYTES = 64 * 1024;
let s: TTestStack;
let app: FastifyInstance;
let dataDir: string;
let projectId: string;

beforeAll(async () => {
  s = await startTestStack({ worker: false, app: false });
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'bangfu-attach-'));
  app = await buildApp({ config: { ...s.config, dataDir, files: { maxBytes: MAX_BYTES } }, prisma: s.prisma, temporal: s.client });
  projectId = `att-${crypto.randomBytes(4).toString('hex')}`;
  await s.prisma.project.create({ data: taoyuanProjectRow({ id: projectId, proposerId: s.userIds.village! }) });
});
afterAll(async () => {
  await app?.close();
  await s?.close();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

const auth = (who: string) => ({ authorization: `Bearer ${s.tokens[who]}` });
async function upload(who: string, file: { bytes: Buffer; name: string; type: string }, fields: Record<string, string> = {}) {
  const body = await multipartBody({ kind: 'OTHER', requestId: newRequestId(), ...fields }, file);
  return app.inject({ method: 'POST', url: `/api/projects/${projectId}/attachments`, payload: body.payload, headers: { ...auth(who), ...body.headers } });
}
const get = (who: string, url: string) => app.inject({ method: 'GET', url, headers: auth(who) });
/** Every file the store holds (under sha256/) and any temporary file left behind. */
async function storedFiles() {
  const list = async (dir: string) =>
    (await readdir(path.join(dataDir, 'files', dir), { recursive: true, withFileTypes: true }).catch(() => [])).filter((e) => e.isFile());
  return { hashed: (await list('sha256')).map((e) => e.name).sort(), temporary: (await list('tmp')).length };
}
const sha = (b: Buffer) => crypto.createHash('sha256').update(b).digest('hex');

describe('POST /api/projects/:id/attachments and reading them back', () => {
  const png = tinyPng();
  const pdf = tinyPdf();

  it('a PNG and a PDF are stored under their sha256, listed, and served byte-identical with their type, nosniff and a sandboxing CSP', async () => {
    const up = await upload('township', { bytes: png, name: '公示照片 1.png', type: 'image/png' }, { kind: 'PUBLICITY_PHOTO', note: '村委会公示栏' });
    expect(up.statusCode, up.body).toBe(201);
    const photo = up.json();
    expect(photo).toMatchObject({
      projectId,
      kind: 'PUBLICITY_PHOTO',
      fileName: '公示照片 1.png',
      contentType: 'image/png',
      sizeBytes: png.length,
      sha256: sha(png),
      note: '村委会公示栏',
      uploader: { userId: s.userIds.township, displayName: '河西镇审核 张审核' },
    });
    // A PDF sent as application/octet-stream: its type comes from its bytes.
    const upPdf = await upload('village', { bytes: pdf, name: 'minutes.pdf', type: 'application/octet-stream' }, { kind: 'MINUTES' });
    expect(upPdf.statusCode, upPdf.body).toBe(201);
    expect(upPdf.json()).toMatchObject({ contentType: 'application/pdf', sha256: sha(pdf) });
    expect((await storedFiles()).hashed).toEqual([sha(png), sha(pdf)].sort());

    const list = await get('agri', `/api/projects/${projectId}/attachments`);
    expect(list.statusCode).toBe(200);
    expect(list.json().items.map((a: any) => [a.kind, a.fileName])).toEqual(
      expect.arrayContaining([
        ['PUBLICITY_PHOTO', '公示照片 1.png'],
        ['MINUTES', 'minutes.pdf'],
      ]),
    );

    const file = await get('township', photo.url);
    expect(file.statusCode).toBe(200);
    expect(file.rawPayload.equals(png)).toBe(true);
    expect(file.headers['content-type']).toBe('image/png');
    expect(file.headers['x-content-type-options']).toBe('nosniff');
    expect(file.headers['content-disposition']).toBe(`inline; filename="____ 1.png"; filename*=UTF-8''${encodeURIComponent('公示照片 1.png')}`);
    expect(file.headers['content-security-policy']).toMatch(/sandbox/);
    expect(file.headers['content-security-policy']).toMatch(/default-src 'none'/);

    const named = await get('township', `${photo.url}/${encodeURIComponent('公示照片 1.png')}`);
    expect(named.statusCode).toBe(200);
    expect(named.rawPayload.equals(png)).toBe(true);

    const download = await get('township', `${photo.url}?download=1`);
    expect(download.headers['content-disposition']).toMatch(/^attachment; /);
    expect(download.rawPayload.equals(png)).toBe(true);

    const pdfFile = await get('finance', upPdf.json().url);
    expect(pdfFile.rawPayload.equals(pdf)).toBe(true);
    expect(pdfFile.headers['content-type']).toBe('application/pdf');
    expect(pdfFile.headers['content-disposition']).toMatch(/^inline; /);
  });

  it('the audit event of an upload carries the sha256', async () => {
    const bytes = tinyPng({ size: 4, rgb: [1, 2, 3] });
    const up = await upload('township', { bytes, name: 'a.png', type: 'image/png' }, { kind: 'PROPOSAL' });
    expect(up.statusCode, up.body).toBe(201);
    const event = await s.prisma.auditEvent.findUniqueOrThrow({ where: { eventKey: `attachment:${up.json().id}` } });
    expect(event).toMatchObject({ action: 'ATTACHMENT_UPLOADED', entityType: 'Attachment', projectId, actorId: s.userIds.township });
    expect(event.details).toEqual({
      attachmentId: up.json().id,
      kind: 'PROPOSAL',
      fileName: 'a.png',
      contentType: 'image/png',
      sizeBytes: bytes.length,
      sha256: sha(bytes),
    });
  });

  it('the same content under two requestIds is two rows over one stored file; the same requestId again answers its first row', async () => {
    const bytes = tinyPng({ size: 5, rgb: [9, 9, 9] });
    const requestId = newRequestId();
    const first = await upload('township', { bytes, name: 'x.png', type: 'image/png' }, { requestId });
    const again = await upload('township', { bytes, name: 'x.png', type: 'image/png' }, { requestId });
    const other = await upload('township', { bytes, name: 'y.png', type: 'image/png' }, { kind: 'INVOICE' });
    expect([first.statusCode, again.statusCode, other.statusCode]).toEqual([201, 200, 201]);
    expect(again.json()).toMatchObject({ id: first.json().id, replayed: true });
    expect(other.json().id).not.toBe(first.json().id);
    expect(await s.prisma.attachment.count({ where: { sha256: sha(bytes) } })).toBe(2);
    expect((await storedFiles()).hashed.filter((h) => h === sha(bytes))).toHaveLength(1);
  });

  it('an HTML page or a Windows program named .png is refused 415 on body.file, and nothing is stored', async () => {
    const before = await storedFiles();
    const rows = await s.prisma.attachment.count();
    for (const bytes of [Buffer.from('<!doctype html><script>alert(1)</script>'), Buffer.concat([Buffer.from('MZ'), Buffer.alloc(200, 0x90)])]) {
      const res = await upload('township', { bytes, name: 'photo.png', type: 'image/png' });
      expect(res.statusCode).toBe(415);
      expect(res.json().error).toMatchObject({ code: 'UNSUPPORTED_FILE_TYPE', details: [{ path: 'body.file' }] });
    }
    expect(await storedFiles()).toEqual(before);
    expect(await s.prisma.attachment.count()).toBe(rows);
  });

  it('a file over the size limit is refused 413 FILE_TOO_LARGE, and nothing is stored', async () => {
    const before = await storedFiles();
    const rows = await s.prisma.attachment.count();
    const big = Buffer.concat([tinyPdf(), Buffer.alloc(MAX_BYTES, 0x20)]);
    const res = await upload('township', { bytes: big, name: 'big.pdf', type: 'application/pdf' });
    expect(res.statusCode).toBe(413);
    expect(res.json().error).toMatchObject({ code: 'FILE_TOO_LARGE', details: [{ path: 'body.file' }] });
    expect(await storedFiles()).toEqual(before);
    expect(await s.prisma.attachment.count()).toBe(rows);
  });

  it('a missing kind or requestId is refused 400 naming the field', async () => {
    const body = await multipartBody({ kind: 'SELFIE' }, { bytes: tinyPng(), name: 'p.png', type: 'image/png' });
    const res = await app.inject({
      method: 'POST',
      url: `/api/projects/${projectId}/attachments`,
      payload: body.payload,
      headers: { ...auth('township'), ...body.headers },
    });
    expect(res.statusCode).toBe(400);
    expect(
      res
        .json()
        .error.details.map((d: any) => d.path)
        .sort(),
    ).toEqual(['body.kind', 'body.requestId']);
  });

  it('an official of another township neither reads nor lists nor uploads: 404 and no bytes', async () => {
    const up = await upload('township', { bytes: tinyPng({ size: 6 }), name: 'p.png', type: 'image/png' });
    const url = up.json().url as string;
    const file = await get('township2', url);
    expect(file.statusCode).toBe(404);
    expect(file.json().error.code).toBe('NOT_FOUND');
    expect((await get('township2', `${url}/p.png`)).statusCode).toBe(404);
    expect(file.headers['content-type']).toMatch(/^application\/json/);
    expect((await get('township2', `/api/projects/${projectId}/attachments`)).statusCode).toBe(404);
    const rows = await s.prisma.attachment.count();
    expect((await upload('township2', { bytes: tinyPng({ size: 7 }), name: 'q.png', type: 'image/png' })).statusCode).toBe(404);
    expect(await s.prisma.attachment.count()).toBe(rows);
    expect((await app.inject({ method: 'GET', url })).statusCode).toBe(401);
  });

  it("a payment's invoice links to the archive's file with the same sha256", async () => {
    const scan = tinyPdf('Invoice No.044001900211');
    const up = await upload('implementer', { bytes: scan, name: '发票.pdf', type: 'application/pdf' }, { kind: 'INVOICE' });
    expect(up.statusCode, up.body).toBe(201);
    const paymentId = `${projectId}:pay:1`;
    await s.prisma.payment.create({
      data: {
        id: paymentId,
        requestId: newRequestId(),
        projectId,
        seq: 1,
        tranche: 'START',
        amountFen: 1_000_00n,
        payeeId: '桃源茶叶合作社',
        status: 'VERIFYING',
        requestedBy: s.userIds.implementer!,
        requestedAt: new Date(),
        invoices: {
          create: [
            { id: `${paymentId}:0`, projectId, number: 'No.044001900211', numberKey: '044001900211', sha256: sha(scan) },
            { id: `${paymentId}:1`, projectId, number: 'No.044001900212', numberKey: '044001900212', sha256: sha(Buffer.from('no file')) },
          ],
        },
      },
    });
    const payment = await paymentOfTask(s.prisma, { projectId, stepId: 'payment-1-verify' });
    expect(payment?.invoices).toEqual([
      { number: 'No.044001900211', sha256: sha(scan), file: { attachmentId: up.json().id, contentType: 'application/pdf', url: up.json().url } },
      { number: 'No.044001900212', sha256: sha(Buffer.from('no file')), file: null },
    ]);
  });
});
