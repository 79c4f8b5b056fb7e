import { useState } from 'react';
import { Alert, App as AntApp, Button, Card, Empty, Flex, Form, Image, Input, Modal, Select, Space, Spin, Table, Tag, Typography, Upload } from 'antd';
import { DownloadOutlined, EyeOutlined, PrinterOutlined, UploadOutlined } from '@ant-design/icons';
import type { z } from 'zod';
import { ATTACHMENT_KINDS, type ZAttachment } from '../../../http/schemas/attachment';
import { api, ApiError, newRequestId } from '../api';
import { errorText } from '../errors';
import { fill, useI18n } from '../i18n';
import { formatInstant } from '../format';
import { useApiGet } from '../use-api-get';
import { ARCHIVE_WORDS } from './archive-words';

type TAttachment = z.infer<typeof ZAttachment>;
type TKind = TAttachment['kind'];
const KINDS: readonly TKind[] = ATTACHMENT_KINDS;
/** The server's default limit (ATTACHMENT_MAX_MB); the server's 413 is what counts. */
const MAX_MB = 20;
const isImage = (a: TAttachment) => a.contentType.startsWith('image/');
const isPdf = (a: TAttachment) => a.contentType === 'application/pdf';

const sizeText = (bytes: number) =>
  bytes < 1024 ? `${bytes} B` : bytes < 1024 * 1024 ? `${(bytes / 1024).toFixed(1)} KB` : `${(bytes / 1024 / 1024).toFixed(1)} MB`;

/** POST the file as multipart/form-data (the fields first), answering the API's refusal as an ApiError. */
async function uploadFile(projectId: string, fields: { kind: TKind; note?: string }, file: File): Promise<TAttachment> {
  const form = new FormData();
  form.append('kind', fields.kind);
  form.append('requestId', newRequestId());
  if (fields.note) form.append('note', fields.note);
  form.append('file', file, file.name);
  const res = await fetch(`/api/projects/${encodeURIComponent(projectId)}/attachments`, { method: 'POST', body: form, credentials: 'same-origin' });
  const data = (await res.json().catch(() => null)) as { error?: { code?: string; message?: string; details?: [] } } | null;
  if (!res.ok) throw new ApiError(res.status, data?.error?.code ?? `HTTP_${res.status}`, data?.error?.message ?? '', data?.error?.details ?? []);
  return data as unknown as TAttachment;
}

/** 档案: a project's documents by kind, with upload, in-page previews (images, PDF) and download. */
export function ArchivePage({ projectId }: { projectId: string }) {
  const i18n = useI18n();
  const { lang } = i18n;
  const w = ARCHIVE_WORDS[lang];
  const { message } = AntApp.useApp();
  const [version, setVersion] = useState(0);
  const [form] = Form.useForm<{ kind?: TKind; note?: string }>();
  const [uploading, setUploading] = useState(false);
  const [uploadError, setUploadError] = useState<string>();
  const [pdf, setPdf] = useState<TAttachment | null>(null);
  const project = useApiGet<{ id: string; name: string }>(`/api/projects/${encodeURIComponent(projectId)}`, {}, i18n);
  const list = useApiGet<{ items: TAttachment[] }>(`/api/projects/${encodeURIComponent(projectId)}/attachments`, {}, i18n, version);

  const failure = (err: unknown) => {
    if (err instanceof ApiError && err.code in w.errors) return fill(w.errors[err.code as keyof typeof w.errors], { mb: MAX_MB });
    return err instanceof ApiError ? errorText(err, i18n) : w.errors.other;
  };

  /** The kind (required) and note come from the form; the file from the picker. */
  const send = async (file: File) => {
    setUploadError(undefined);
    let fields: { kind?: TKind; note?: string };
    try {
      fields = await form.validateFields();
    } catch {
      return;
    }
    setUploading(true);
    try {
      const saved = await uploadFile(projectId, { kind: fields.kind!, note: fields.note?.trim() || undefined }, file);
      message.success(fill(w.uploaded, { name: saved.fileName }));
      form.setFieldValue('note', undefined);
      setVersion((v) => v + 1);
    } catch (err) {
      setUploadError(failure(err));
    } finally {
      setUploading(false);
    }
  };

  const documentUrl = (doc: 'approval-document' | 'acceptance-report') => `/api/projects/${encodeURIComponent(projectId)}/${doc}`;
  /**
   * The 批复 is numbered when first issued: a county official of the issuing roles issues it on the
   * way (a repeat answers the same number); anyone else prints it once issued. The server decides.
   */
  const printApproval = async () => {
    const tab = window.open('', '_blank');
    try {
      await api(documentUrl('approval-document'), { method: 'POST', body: { requestId: newRequestId() } });
    } catch (err) {
      if (!(err instanceof ApiError && err.code === 'FORBIDDEN')) {
        tab?.close();
        message.error(errorText(err, i18n));
        return;
      }
    }
    if (tab) tab.location.href = documentUrl('approval-document');
  };

  if (project.error || list.error) return <Alert type="error" showIcon message={project.error ?? list.error} />;
  if (!project.data || !list.data) return <Spin />;
  const items = list.data.items;

  const columns = [
    {
      title: w.fileName,
      key: 'file',
      render: (_: unknown, a: TAttachment) => (
        <Flex gap={12} align="center">
          {isImage(a) && <Image src={a.url} width={72} height={72} style={{ objectFit: 'cover' }} alt={a.fileName} className="archive-thumb" />}
          <Space direction="vertical" size={0}>
            <Typography.Text className="archive-file-name">{a.fileName}</Typography.Text>
            {a.note && <Typography.Text type="secondary">{a.note}</Typography.Text>}
          </Space>
        </Flex>
      ),
    },
    { title: w.size, key: 'size', width: 100, render: (_: unknown, a: TAttachment) => sizeText(a.sizeBytes) },
    { title: w.uploader, key: 'uploader', width: 180, render: (_: unknown, a: TAttachment) => a.uploader.displayName ?? '—' },
    { title: w.uploadedAt, key: 'at', width: 180, render: (_: unknown, a: TAttachment) => formatInstant(a.createdAt as string, lang) },
    {
      title: w.actions,
      key: 'actions',
      width: 200,
      render: (_: unknown, a: TAttachment) => (
        <Space>
          {isPdf(a) && (
            <Button size="small" icon={<EyeOutlined />} onClick={() => setPdf(a)} aria-label={`${w.preview} ${a.fileName}`}>
              {w.preview}
            </Button>
          )}
          <Button size="small" icon={<DownloadOutlined />} href={`${a.url}?download=1`} aria-label={`${w.download} ${a.fileName}`}>
            {w.download}
          </Button>
        </Space>
      ),
    },
  ];

  return (
    <div id="archive">
      <Typography.Title level={1} style={{ fontSize: 22, marginTop: 0 }}>
        {w.title} · {project.data.name}
      </Typography.Title>

      <Card title={w.documents} style={{ marginBottom: 16 }} id="archive-documents">
        <Space wrap>
          <Button icon={<PrinterOutlined />} onClick={() => void printApproval()}>
            {w.printApproval}
          </Button>
          <Button icon={<PrinterOutlined />} href={documentUrl('acceptance-report')} target="_blank" rel="noopener">
            {w.printAcceptance}
          </Button>
        </Space>
        <Typography.Paragraph type="secondary" style={{ marginTop: 8, marginBottom: 0 }}>
          {w.documentsHint}
        </Typography.Paragraph>
      </Card>

      <Card title={w.upload} style={{ marginBottom: 16 }}>
        <Form form={form} name="archiveUpload" layout="vertical" requiredMark>
          <Flex gap={16} wrap>
            <Form.Item name="kind" label={w.kind} rules={[{ required: true, message: w.kindRequired }]} style={{ minWidth: 220 }}>
              <Select placeholder={w.kindPlaceholder} options={KINDS.map((k) => ({ value: k, label: w.kinds[k] }))} />
            </Form.Item>
            <Form.Item name="note" label={w.note} style={{ flex: 1, minWidth: 220 }}>
              <Input maxLength={500} placeholder={w.notePlaceholder} />
            </Form.Item>
          </Flex>
          <Upload
            accept=".pdf,.png,.jpg,.jpeg,.docx,.xlsx,application/pdf,image/png,image/jpeg"
            showUploadList={false}
            disabled={uploading}
            customRequest={({ file }) => void send(file as File)}
          >
            <Button icon={<UploadOutlined />} loading={uploading}>
              {w.choose}
            </Button>
          </Upload>
          <Typography.Paragraph type="secondary" style={{ marginTop: 8, marginBottom: 0 }}>
            {fill(w.hint, { mb: MAX_MB })}
          </Typography.Paragraph>
          {uploadError && <Alert type="error" showIcon message={uploadError} style={{ marginTop: 12 }} role="alert" />}
        </Form>
      </Card>

      {items.length === 0 ? (
        <Empty description={w.empty} />
      ) : (
        KINDS.filter((k) => items.some((a) => a.kind === k)).map((k) => (
          <Card
            key={k}
            title={
              <Space>
                {w.kinds[k]}
                <Tag>{items.filter((a) => a.kind === k).length}</Tag>
              </Space>
            }
            style={{ marginBottom: 16 }}
            data-kind={k}
          >
            <Table
              size="small"
              tableLayout="fixed"
              rowKey="id"
              pagination={false}
              dataSource={items.filter((a) => a.kind === k)}
              columns={columns}
              scroll={{ x: 720 }}
            />
          </Card>
        ))
      )}

      <Modal open={pdf !== null} title={pdf?.fileName} onCancel={() => setPdf(null)} footer={null} width="min(960px, 95vw)" destroyOnClose>
        {pdf && <iframe src={`${pdf.url}/${encodeURIComponent(pdf.fileName)}`} title={pdf.fileName} style={{ width: '100%', height: '75vh', border: 0 }} />}
      </Modal>
    </div>
  );
}
