import { useState } from 'react';
import { Alert, App, Button, Card, Form, Input, InputNumber, Table, Tag } from 'antd';
import { ZDecisionBody } from '../../../http/schemas/decision-body';
import { fenToYuanDecimal, formatFen, parseYuanToFen } from '../../../domain/policies/money';
import type { TProposal } from '../../../domain/lifecycle/proposal';
import { api, newRequestId } from '../api';
import { errorText } from '../errors';
import { fill, nameOf, useI18n } from '../i18n';
import { formatInstant } from '../format';
import type { TWebTask } from '../task-types';
import { zodIssues } from '../zod-form';

interface TValues {
  name: string;
  industry: string;
  budget: string;
  sources: string[];
  implementer: string;
  households: number;
  mechanism: string;
  meetingRecord: string;
  comment?: string;
}

/**
 * 退回修改: the proposer edits the returned proposal and resubmits it as the next version. The
 * body is checked by the API's own schema (ZDecisionBody, the proposal's ZProposal) before it is
 * sent; amounts are typed in yuan and sent in integer fen.
 */
export function ReviseProposal({ task, onDone }: { task: TWebTask; onDone: () => void }) {
  const i18n = useI18n();
  const { t, lang, labels } = i18n;
  const { message } = App.useApp();
  const current = task.proposal as unknown as TProposal;
  const [form] = Form.useForm<TValues>();
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);

  const submit = async (v: TValues) => {
    setError(undefined);
    let proposal: TProposal;
    try {
      proposal = {
        ...current,
        name: v.name,
        industry: v.industry,
        budgetFen: parseYuanToFen(v.budget, 'budget'),
        fundingSources: current.fundingSources.map((f, i) => ({ ...f, amountFen: parseYuanToFen(v.sources[i] ?? '', `sources.${i}`) })),
        implementer: { ...current.implementer, name: v.implementer },
        householdLinkage: { households: v.households, mechanism: v.mechanism },
        meetingRecord: v.meetingRecord,
      };
    } catch {
      setError(t.errors.VALIDATION_FAILED ?? t.errors.other);
      return;
    }
    const body = { action: 'resubmit', requestId: newRequestId(), proposal, ...(v.comment?.trim() ? { comment: v.comment.trim() } : {}) };
    const issues = zodIssues(ZDecisionBody, body, lang);
    if (issues.length > 0) {
      setError(issues.map((i) => i.message).join('；'));
      return;
    }
    setBusy(true);
    try {
      await api(`/api/tasks/${encodeURIComponent(task.id)}/decision`, { method: 'POST', body });
      void message.success(t.mine.submitted);
      onDone();
    } catch (err) {
      setError(errorText(err, i18n));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Card title={t.mine.reviseTitle} style={{ marginBottom: 16 }} id="revise-proposal">
      <Alert type="info" showIcon message={t.mine.reviseHint} style={{ marginBottom: 16 }} />
      {error && <Alert type="error" showIcon message={error} style={{ marginBottom: 16 }} id="revise-error" />}
      <Form<TValues>
        form={form}
        layout="vertical"
        onFinish={(v) => void submit(v)}
        initialValues={{
          name: current.name,
          industry: current.industry,
          budget: fenToYuanDecimal(current.budgetFen),
          sources: current.fundingSources.map((f) => fenToYuanDecimal(f.amountFen)),
          implementer: current.implementer.name,
          households: current.householdLinkage.households,
          mechanism: current.householdLinkage.mechanism,
          meetingRecord: current.meetingRecord,
        }}
      >
        <Form.Item name="name" label={t.mine.name} rules={[{ required: true }]}>
          <Input id="revise-name" />
        </Form.Item>
        <Form.Item name="industry" label={t.mine.industry} rules={[{ required: true }]}>
          <Input />
        </Form.Item>
        <Form.Item name="budget" label={t.mine.budget} rules={[{ required: true }]}>
          <Input id="revise-budget" inputMode="decimal" />
        </Form.Item>
        {current.fundingSources.map((f, i) => (
          <Form.Item
            key={`${f.source}-${i}`}
            name={['sources', i]}
            label={`${t.mine.sources} · ${nameOf(labels.source, f.source)}`}
            rules={[{ required: true }]}
          >
            <Input id={`revise-source-${i}`} inputMode="decimal" />
          </Form.Item>
        ))}
        <Form.Item name="implementer" label={t.mine.implementer} rules={[{ required: true }]}>
          <Input />
        </Form.Item>
        <Form.Item name="households" label={t.mine.households} rules={[{ required: true }]}>
          <InputNumber min={0} precision={0} style={{ width: '100%' }} />
        </Form.Item>
        <Form.Item name="mechanism" label={t.mine.mechanism} rules={[{ required: true }]}>
          <Input.TextArea id="revise-mechanism" autoSize={{ minRows: 2 }} />
        </Form.Item>
        <Form.Item name="meetingRecord" label={t.mine.meetingRecord} rules={[{ required: true }]}>
          <Input.TextArea autoSize={{ minRows: 2 }} />
        </Form.Item>
        <Form.Item name="comment" label={t.mine.comment}>
          <Input.TextArea id="revise-comment" autoSize={{ minRows: 2 }} />
        </Form.Item>
        <Button type="primary" htmlType="submit" loading={busy} id="revise-submit">
          {t.mine.submit}
        </Button>
      </Form>
    </Card>
  );
}

/** A diff field's name: `fundingSources.0.amountFen` → 资金来源 1 · 金额. */
function fieldLabel(field: string, names: Record<string, string>): string {
  return field
    .split('.')
    .map((part) => (/^\d+$/.test(part) ? String(Number(part) + 1) : (names[part] ?? part)))
    .join(' · ');
}

/** 本次修改: what the latest version of the proposal changed, money in yuan. */
export function ProposalChanges({ revision }: { revision: NonNullable<TWebTask['proposalRevision']> }) {
  const { t, lang, labels } = useI18n();
  const show = (value: string | number | boolean | undefined, money: boolean, field: string) => {
    if (value === undefined) return t.common.none;
    if (money && typeof value === 'number') return formatFen(value);
    if (field.endsWith('.source') && typeof value === 'string') return nameOf(labels.source, value);
    return String(value);
  };
  return (
    <Card
      id="proposal-changes"
      style={{ marginBottom: 16 }}
      title={fill(t.mine.changesTitle, {
        v: revision.version,
        who: revision.author.displayName ?? t.mine.someone,
        at: formatInstant(revision.revisedAt, lang),
      })}
    >
      <Table
        size="small"
        rowKey="field"
        pagination={false}
        dataSource={revision.changes}
        columns={[
          { title: t.mine.field, dataIndex: 'field', key: 'field', render: (field: string) => fieldLabel(field, t.mine.fields) },
          { title: t.mine.before, key: 'before', render: (_: unknown, c) => show(c.before, c.money, c.field) },
          { title: t.mine.after, key: 'after', render: (_: unknown, c) => <strong>{show(c.after, c.money, c.field)}</strong> },
        ]}
      />
    </Card>
  );
}

/** 催办: how often, when last and by whom; a tag in the inbox, a line on the task page. */
export function UrgeMark({ urge, short }: { urge: NonNullable<TWebTask['urge']>; short?: boolean }) {
  const { t, lang } = useI18n();
  const who = urge.lastBy?.displayName ?? t.mine.someone;
  const text = fill(t.mine.urged, { n: urge.count, who, at: formatInstant(String(urge.lastAt), lang) });
  return (
    <Tag color="orange" className="urge-mark" title={text}>
      {short ? fill(t.mine.urgedShort, { n: urge.count }) : text}
    </Tag>
  );
}
