import { Alert, Card, Descriptions, Flex, Progress, Table, Tag, Typography } from 'antd';
import { formatFen } from '../../../domain/policies/money';
import type { TTaskPayment } from '../../../http/schemas/task-matter';
import { fill, nameOf, useI18n } from '../i18n';
import { formatInstant } from '../format';
import { ARCHIVE_WORDS } from '../pages/archive-words';

const percentOf = (part: number, whole: number) => (whole > 0 ? Math.min(100, Math.floor((part * 100) / whole)) : 100);

/** The payment a payment step decides: what is paid, to whom, against which invoices, on what verified facts, and any risk flags. */
export function PaymentMatter({ payment }: { payment: TTaskPayment }) {
  const { t, lang, labels } = useI18n();
  const f = payment.facts;
  return (
    <Card title={t.task.payment} id="payment" style={{ marginBottom: 16 }}>
      <Descriptions bordered size="small" column={{ xs: 1, sm: 1, md: 2 }}>
        <Descriptions.Item label={t.task.amount}>
          <span className="amount" id="payment-amount">
            {formatFen(payment.amountFen)}
          </span>
        </Descriptions.Item>
        <Descriptions.Item label={t.task.tranche}>{nameOf(labels.tranche, payment.tranche)}</Descriptions.Item>
        <Descriptions.Item label={t.task.payee}>
          <span id="payment-payee">{payment.payeeId}</span>
        </Descriptions.Item>
        <Descriptions.Item label={t.task.account}>
          {payment.payeeAccount ?? <Typography.Text type="secondary">{t.task.noAccount}</Typography.Text>}
        </Descriptions.Item>
        <Descriptions.Item label={t.task.fiscalSource}>{payment.fiscalSource ? nameOf(labels.source, payment.fiscalSource) : t.common.none}</Descriptions.Item>
        <Descriptions.Item label={t.task.paymentStatus}>{nameOf(t.paymentStatus, payment.status)}</Descriptions.Item>
        <Descriptions.Item label={t.task.requestedBy}>{payment.requestedBy.displayName ?? t.common.none}</Descriptions.Item>
        <Descriptions.Item label={t.task.requestedAt}>{formatInstant(payment.requestedAt as string, lang)}</Descriptions.Item>
      </Descriptions>

      <Typography.Title level={3} style={{ fontSize: 16, marginTop: 20 }}>
        {t.task.invoices}
      </Typography.Title>
      <Table
        size="small"
        rowKey="number"
        pagination={false}
        dataSource={payment.invoices}
        locale={{ emptyText: t.task.noInvoices }}
        columns={[
          { title: t.task.invoiceNumber, dataIndex: 'number', key: 'number' },
          {
            title: t.task.invoiceFile,
            dataIndex: 'sha256',
            key: 'file',
            // The record holds the scan's fingerprint; when the project's archive has that file, it opens for preview.
            render: (sha256: string, invoice: TTaskPayment['invoices'][number]) =>
              invoice.file ? (
                <a href={invoice.file.url} target="_blank" rel="noopener" className="invoice-file" title={sha256}>
                  {ARCHIVE_WORDS[lang].invoicePreview}
                </a>
              ) : (
                <Tag title={sha256}>{t.task.fileRegistered}</Tag>
              ),
          },
        ]}
      />

      <Typography.Title level={3} style={{ fontSize: 16, marginTop: 20 }}>
        {t.task.facts}
      </Typography.Title>
      <Descriptions bordered size="small" column={{ xs: 1, sm: 1, md: 2 }}>
        <Descriptions.Item label={t.task.allocated}>{formatFen(f.allocatedFen)}</Descriptions.Item>
        <Descriptions.Item label={t.task.disbursed}>{formatFen(f.disbursedFen)}</Descriptions.Item>
        <Descriptions.Item label={t.task.progress}>
          <Progress percent={f.verifiedProgressPercent} size="small" aria-label={t.task.progress} />
        </Descriptions.Item>
        <Descriptions.Item label={t.task.ownCapital}>
          <Flex vertical>
            <Progress percent={percentOf(f.ownCapitalVerifiedFen, f.ownCapitalRequiredFen)} size="small" aria-label={t.task.ownCapital} />
            <Typography.Text type="secondary">
              {fill(t.task.ownCapitalOf, { got: formatFen(f.ownCapitalVerifiedFen), need: formatFen(f.ownCapitalRequiredFen) })}
            </Typography.Text>
          </Flex>
        </Descriptions.Item>
      </Descriptions>

      <Typography.Title level={3} style={{ fontSize: 16, marginTop: 20 }}>
        {t.task.riskFlags}
      </Typography.Title>
      {payment.riskFlags.length === 0 ? (
        <Alert type="success" showIcon message={t.task.noRiskFlags} />
      ) : (
        <Flex vertical gap={8}>
          {payment.riskFlags.map((flag) => (
            <Alert
              key={flag.code}
              type={flag.status === 'DISMISSED' ? 'info' : 'warning'}
              showIcon
              message={`${nameOf(labels.risk, flag.code)} · ${nameOf(labels.flagStatus, flag.status)}`}
            />
          ))}
        </Flex>
      )}
    </Card>
  );
}
