import { useCallback, useEffect, useState } from 'react';
import { Alert, Button, Card, Descriptions, Flex, Result, Spin, Tag, Typography } from 'antd';
import { formatFen } from '../../../domain/policies/money';
import { OWN_TASKS } from '../../../domain/lifecycle/stage-tasks';
import { api, ApiError } from '../api';
import { errorText } from '../errors';
import { nameOf, useI18n } from '../i18n';
import { formatInstant } from '../format';
import { linkTo } from '../router';
import type { TWebTask } from '../task-types';
import { PaymentMatter } from '../components/PaymentMatter';
import { Signers } from '../components/Signers';
import { DecisionBar } from '../components/DecisionBar';
import { ProposalChanges, ReviseProposal, UrgeMark } from '../components/ProposalRevision';
import { ARCHIVE_WORDS } from './archive-words';

/**
 * Tasks whose forms this app does not have yet: the township review's five checks, the
 * lifecycle's own tasks (done by a project command) and the 容错纠错 steps. Their bar sends the
 * person to the classic app, where they are done today.
 */
const OWN_TASK_KINDS = new Set<string>(Object.values(OWN_TASKS).map((task) => task.kind));
const inClassicApp = (kind: string) => kind === 'TOWNSHIP_REVIEW' || OWN_TASK_KINDS.has(kind) || kind.startsWith('REVIEW_');

/** A task: the matter it decides (the project, a payment, who has signed) and the decision bar. */
export function TaskPage({ taskId }: { taskId: string }) {
  const i18n = useI18n();
  const { t, lang, labels } = i18n;
  const [task, setTask] = useState<TWebTask | null>();
  const [error, setError] = useState<string>();

  const load = useCallback(() => {
    api<TWebTask>(`/api/web/tasks/${encodeURIComponent(taskId)}`).then(
      (res) => (setTask(res), setError(undefined)),
      (err: unknown) => (err instanceof ApiError && err.code === 'NOT_FOUND' ? setTask(null) : setError(errorText(err, i18n))),
    );
  }, [taskId, i18n]);
  useEffect(load, [load]);

  if (error) return <Alert type="error" showIcon message={error} />;
  if (task === undefined) return <Spin />;
  if (task === null)
    return (
      <Result
        status="404"
        title={t.task.notFound}
        extra={
          <Button type="primary" {...linkTo('/')}>
            {t.task.back}
          </Button>
        }
      />
    );

  const pending = task.status === 'PENDING';
  return (
    <div data-task-status={task.status}>
      <Typography.Title level={1} style={{ fontSize: 22, marginTop: 0 }}>
        {nameOf(labels.kind, task.kind)} · {task.project.name}
      </Typography.Title>
      <Flex gap={8} wrap style={{ marginBottom: 16 }}>
        <Tag color={pending ? 'processing' : 'default'} id="task-status">
          {nameOf(labels.status, task.status)}
        </Tag>
        {task.overdue && <Tag color="red">{t.inbox.overdue}</Tag>}
        {task.urge && <UrgeMark urge={task.urge} />}
      </Flex>

      {task.proposalRevision && <ProposalChanges revision={task.proposalRevision} />}
      {pending && task.proposal && <ReviseProposal task={task} onDone={load} />}

      {task.payment && <PaymentMatter payment={task.payment} />}

      <Card title={t.task.project} style={{ marginBottom: 16 }}>
        <Descriptions size="small" column={{ xs: 1, sm: 2, md: 3 }}>
          <Descriptions.Item label={t.task.projectName}>
            <a href={`/#/projects/${encodeURIComponent(task.project.id)}`}>{task.project.name}</a>
          </Descriptions.Item>
          <Descriptions.Item label={t.task.industry}>{task.project.industry}</Descriptions.Item>
          <Descriptions.Item label={t.task.budget}>{formatFen(task.project.budgetFen)}</Descriptions.Item>
          <Descriptions.Item label={t.task.stage}>{nameOf(labels.stage, task.project.stage)}</Descriptions.Item>
          <Descriptions.Item label={t.task.due}>{task.dueAt ? formatInstant(task.dueAt, lang) : t.inbox.noDue}</Descriptions.Item>
          <Descriptions.Item label={ARCHIVE_WORDS[lang].title}>
            <a {...linkTo(`/projects/${encodeURIComponent(task.project.id)}/archive`)} id="task-archive-link">
              {ARCHIVE_WORDS[lang].openArchive}
            </a>
          </Descriptions.Item>
        </Descriptions>
      </Card>

      {task.signers.length > 0 && <Signers mode={task.mode} signers={task.signers} />}

      {pending && (
        <div className="decision-bar">
          {inClassicApp(task.kind) ? (
            <Flex gap={8} align="center" wrap>
              <Typography.Text>{t.task.ownTask}</Typography.Text>
              <Button href={`/#/tasks/${encodeURIComponent(task.id)}`}>{t.task.openOld}</Button>
            </Flex>
          ) : (
            <DecisionBar task={task} onDone={load} />
          )}
        </div>
      )}
    </div>
  );
}
