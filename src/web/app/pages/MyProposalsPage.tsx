import { useState } from 'react';
import { Alert, Button, Table, Tag, Typography } from 'antd';
import type { TableProps } from 'antd';
import { STAGE_TASKS } from '../../../domain/lifecycle/stage-tasks';
import { useApiGet } from '../use-api-get';
import { fill, nameOf, useI18n } from '../i18n';
import { formatInstant } from '../format';
import { linkTo } from '../router';

/** One row of GET /api/projects?mine=proposed: the project and whom it waits for. */
interface TMineRow {
  id: string;
  name: string;
  stage: string;
  updatedAt: string;
  waitingFor: Array<{ taskId: string; kind: string; title: string; people: Array<{ userId: string; displayName: string }> }>;
}

const REVISE_KIND = STAGE_TASKS.RETURNED!.kind;

/** 我发起的: the projects the signed-in user proposed, each with its stage, whom it waits for and when it last moved. */
export function MyProposalsPage() {
  const i18n = useI18n();
  const { t, lang, labels } = i18n;
  const [page, setPage] = useState({ page: 1, pageSize: 20 });
  const { data, error, loading } = useApiGet<{ items: TMineRow[]; total: number }>('/api/projects', { mine: 'proposed', ...page }, i18n);

  const columns: NonNullable<TableProps<TMineRow>['columns']> = [
    {
      title: t.mine.project,
      dataIndex: 'name',
      key: 'name',
      render: (name: string, row) => <a {...linkTo(`/projects/${encodeURIComponent(row.id)}/archive`)}>{name}</a>,
    },
    { title: t.mine.stage, dataIndex: 'stage', key: 'stage', render: (stage: string) => <Tag>{nameOf(labels.stage, stage)}</Tag> },
    {
      title: t.mine.waitingFor,
      key: 'waiting',
      render: (_: unknown, row) =>
        row.waitingFor.length === 0
          ? t.mine.nobody
          : row.waitingFor.map((w) => (
              <div key={w.taskId}>
                {nameOf(labels.kind, w.kind)}：{w.people.map((p) => p.displayName).join('、') || t.mine.nobody}
              </div>
            )),
    },
    { title: t.mine.lastMoved, dataIndex: 'updatedAt', key: 'updatedAt', render: (at: string) => formatInstant(at, lang), responsive: ['sm'] },
    {
      title: t.mine.open,
      key: 'open',
      render: (_: unknown, row) => {
        const revise = row.waitingFor.find((w) => w.kind === REVISE_KIND);
        const first = revise ?? row.waitingFor[0];
        return first ? (
          <Button
            size="small"
            type={revise ? 'primary' : 'default'}
            className={revise ? 'mine-revise' : undefined}
            {...linkTo(`/tasks/${encodeURIComponent(first.taskId)}`)}
          >
            {revise ? t.mine.revise : t.mine.open}
          </Button>
        ) : null;
      },
    },
  ];

  return (
    <div>
      <Typography.Title level={1} style={{ fontSize: 22, marginTop: 0 }}>
        {t.mine.title}
      </Typography.Title>
      {error && <Alert type="error" showIcon message={error} style={{ marginBottom: 16 }} />}
      <Table<TMineRow>
        id="mine-table"
        rowKey="id"
        size="middle"
        loading={loading}
        columns={columns}
        dataSource={data?.items ?? []}
        locale={{ emptyText: t.mine.empty }}
        scroll={{ x: true }}
        pagination={{
          current: page.page,
          pageSize: page.pageSize,
          total: data?.total ?? 0,
          showTotal: (n) => fill(t.mine.total, { n }),
          onChange: (p, size) => setPage({ page: p, pageSize: size }),
        }}
      />
    </div>
  );
}
