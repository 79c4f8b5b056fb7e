import { useState } from 'react';
import { Alert, Flex, Table, Tabs, Tag, Typography } from 'antd';
import type { TableProps } from 'antd';
import { useApiGet } from '../use-api-get';
import { fill, nameOf, useI18n } from '../i18n';
import { formatInstant } from '../format';
import { linkTo } from '../router';
import { serverPagination, useColumnChooser } from '../components/ColumnChooser';
import { UrgeMark } from '../components/ProposalRevision';
import type { TWebTask } from '../task-types';

const VIEWS = ['pending', 'claimed', 'copied', 'done'] as const;
type TView = (typeof VIEWS)[number];

/** One row of GET /api/tasks (ZInboxItem). */
interface TInboxItem {
  id: string;
  projectId: string;
  kind: string;
  title: string;
  status: string;
  dueAt: string | null;
  createdAt: string;
  overdue: boolean;
  project: { name: string; stage: string };
  urge?: TWebTask['urge'];
}
interface TQuery {
  view: TView;
  page: number;
  pageSize: number;
  kind?: string;
  overdue?: 'true' | 'false';
  sort?: string;
}

/**
 * 我的待办: the inbox as an antd Table. Paging, the type and overdue filters and the sort are the
 * API's own (GET /api/tasks ?page ?pageSize ?kind ?overdue ?sort), so they hold across all pages.
 */
export function InboxPage() {
  const i18n = useI18n();
  const { t, lang, labels } = i18n;
  const [query, setQuery] = useState<TQuery>({ view: 'pending', page: 1, pageSize: 20 });
  const { data, error, loading } = useApiGet<{ items: TInboxItem[]; total: number }>('/api/tasks', { ...query }, i18n);

  const sortOrder = (key: string) => (query.sort === key ? 'ascend' : query.sort === `-${key}` ? 'descend' : null);
  const columns: NonNullable<TableProps<TInboxItem>['columns']> = [
    {
      title: t.inbox.matter,
      dataIndex: 'title',
      key: 'title',
      // The project under the task's own title: a lifecycle step's title ("县级联合论证（会签）") does not name it.
      render: (_: unknown, row) => (
        <Flex vertical>
          <a {...linkTo(`/tasks/${encodeURIComponent(row.id)}`)}>{row.title}</a>
          {!row.title.includes(row.project.name) && <Typography.Text type="secondary">{row.project.name}</Typography.Text>}
          {row.urge && (
            <span>
              <UrgeMark urge={row.urge} />
            </span>
          )}
        </Flex>
      ),
    },
    {
      title: t.inbox.kind,
      dataIndex: 'kind',
      key: 'kind',
      render: (kind: string) => nameOf(labels.kind, kind),
      filters: Object.entries(labels.kind).map(([value, text]) => ({ value, text })),
      filterMultiple: false,
      filteredValue: query.kind ? [query.kind] : null,
      responsive: ['md'],
    },
    { title: t.inbox.stage, key: 'stage', render: (_: unknown, row) => nameOf(labels.stage, row.project.stage), responsive: ['lg'] },
    {
      title: t.inbox.due,
      dataIndex: 'dueAt',
      key: 'dueAt',
      sorter: true,
      sortOrder: sortOrder('dueAt'),
      filters: [
        { value: 'true', text: t.inbox.overdue },
        { value: 'false', text: t.inbox.notOverdue },
      ],
      filterMultiple: false,
      filteredValue: query.overdue ? [query.overdue] : null,
      render: (dueAt: string | null, row) => (
        <>
          {dueAt ? formatInstant(dueAt, lang) : <Typography.Text type="secondary">{t.inbox.noDue}</Typography.Text>}{' '}
          {row.overdue && <Tag color="red">{t.inbox.overdue}</Tag>}
        </>
      ),
    },
    {
      title: t.inbox.created,
      dataIndex: 'createdAt',
      key: 'createdAt',
      sorter: true,
      sortOrder: sortOrder('createdAt'),
      render: (at: string) => formatInstant(at, lang),
      responsive: ['sm'],
    },
    { title: t.inbox.status, dataIndex: 'status', key: 'status', render: (status: string) => nameOf(labels.status, status) },
  ];

  const { visible, chooser } = useColumnChooser('inbox', columns);

  const onChange: TableProps<TInboxItem>['onChange'] = (pagination, filters, sorter) => {
    const one = Array.isArray(sorter) ? sorter[0] : sorter;
    const key = one?.order ? String(one.columnKey) : undefined;
    setQuery((q) => ({
      ...q,
      page: pagination.current ?? 1,
      pageSize: pagination.pageSize ?? q.pageSize,
      kind: (filters.kind?.[0] as string | undefined) ?? undefined,
      overdue: (filters.dueAt?.[0] as 'true' | 'false' | undefined) ?? undefined,
      sort: key ? `${one?.order === 'descend' ? '-' : ''}${key}` : undefined,
    }));
  };

  return (
    <>
      <Typography.Title level={1} style={{ fontSize: 24, marginTop: 0 }}>
        {t.inbox.title}
      </Typography.Title>
      <Tabs
        activeKey={query.view}
        onChange={(view) => setQuery((q) => ({ ...q, view: view as TView, page: 1 }))}
        items={VIEWS.map((v) => ({ key: v, label: t.inbox.views[v] }))}
        tabBarExtraContent={chooser}
      />
      {error && <Alert type="error" message={error} showIcon style={{ marginBottom: 16 }} />}
      <Table<TInboxItem>
        rowKey="id"
        columns={visible}
        dataSource={data?.items ?? []}
        loading={loading}
        onChange={onChange}
        locale={{ emptyText: t.inbox.empty }}
        pagination={serverPagination({ page: query.page, pageSize: query.pageSize, total: data?.total ?? 0, totalText: (n) => fill(t.inbox.total, { n }) })}
        scroll={{ x: 'max-content' }}
      />
    </>
  );
}
