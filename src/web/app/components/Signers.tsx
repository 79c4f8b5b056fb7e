import { Card, Steps, Tag } from 'antd';
import type { StepsProps } from 'antd';
import type { TTaskSigner } from '../../../http/schemas/task-matter';
import { nameOf, useI18n } from '../i18n';
import { formatInstant } from '../format';

const stepStatus = (s: TTaskSigner): NonNullable<StepsProps['items']>[number]['status'] => {
  if (s.decision) return s.decision.action === 'approve' ? 'finish' : 'error';
  if (s.status === 'PENDING') return 'process';
  return s.status === 'DONE' ? 'finish' : 'wait';
};

/** 会签 / 依次: every task of the step round, who decided what and when, and who is still to. */
export function Signers({ mode, signers }: { mode: string | null; signers: TTaskSigner[] }) {
  const { t, lang, labels } = useI18n();
  // In Chinese the role is named at its unit's level (东川市 市财政局, not 县财政局); the English names carry no level.
  const role = (s: TTaskSigner) => (lang === 'zh' && s.candidate.roleTitle) || nameOf(labels.role, s.candidate.role);
  const who = (s: TTaskSigner) => s.candidate.displayName ?? [s.candidate.orgUnitName, role(s)].filter(Boolean).join(' ');
  return (
    <Card title={t.task.signers} id="signers" extra={mode ? <Tag color="blue">{nameOf(t.task.mode, mode)}</Tag> : null} style={{ marginBottom: 16 }}>
      <Steps
        direction="vertical"
        size="small"
        items={signers.map((s) => ({
          key: s.taskId,
          status: stepStatus(s),
          title: who(s),
          description: s.decision
            ? `${nameOf(t.action, s.decision.action)} · ${s.decision.actorName ?? ''} · ${formatInstant(s.decision.at as string, lang)}`
            : s.status === 'PENDING'
              ? t.task.waiting
              : nameOf(labels.status, s.status),
        }))}
      />
    </Card>
  );
}
