import { useState } from 'react';
import { Alert, Button, Flex, Input, Table, Typography } from 'antd';
import type { TableProps } from 'antd';
import { FileExcelOutlined } from '@ant-design/icons';
import { formatFen } from '../../../domain/policies/money';
import { useApiGet } from '../use-api-get';
import { fill, nameOf, useI18n } from '../i18n';
import { formatInstant } from '../format';
import { serverPagination, useColumnChooser } from '../components/ColumnChooser';

/** One row of GET /api/projects (ZProjectRow; money in integer fen). */
interface TProjectRow {
  id: string;
  name: string;
  industry: string;
  stage: string;
  townshipId: string;
  villageId: string;
  budgetFen: number;
  disbursedFen: number;
  latestGrade: string | null;
  createdAt: string;
}
interface TQuery {
  page: number;
  pageSize: number;
  q?: string;
  stage?: string;
  grade?: string;
}

/** The list's filters as the query of GET /api/projects and of its Excel export (same names). */
const filtersOf = ({ q, stage, grade }: TQuery) => ({ q, stage, grade });

/** The export of the current filters: the project and payment ledgers, in the page's language. */
export function exportHref(query: Record<string, string | number | undefined>, lang: string) {
  const qs = new URLSearchParams(
    Object.entries({ ...query, lang })
      .filter(([, v]) => v !== undefined && v !== '')
      .map(([k, v]) => [k, String(v)]),
  );
  return `/api/projects/export.xlsx?${qs}`;
}

/**
 * 项目台账: the projects in my org units as an antd Table. Paging, the stage and grade filters and
 * the search are the API's (GET /api/projects), so they hold across pages and the export; the
 * sort orders the page shown. 导出 Excel downloads exactly what the filters select.
 */
export function ProjectsPage() {
  const i18n = useI18n();
  const { t, lang, labels } = i18n;
  const [query, setQuery] = useState<TQuery>({ page: 1, pageSize: 20 });
  const { data, error, loading } = useApiGet<{ items: TProjectRow[]; total: number }>('/api/projects', { ...query }, i18n);
  const units = useApiGet<{ items: Array<{ id: string; name: string }> }>('/api/dashboard/org-units', {}, i18n);
  const unitName = (id: string) => units.data?.items.find((u) => u.id === id)?.name ?? '';

  const columns: NonNullable<TableProps<TProjectRow>['columns']> = [
    {
      title: t.projects.name,
      dataIndex: 'name',
      key: 'name',
      sorter: (a, b) => a.name.localeCompare(b.name, 'zh-CN'),
      // The project's page is the classic app's (the React app has none yet).
      render: (name: string, row) => <a href={`/#/projects/${encodeURIComponent(row.id)}`}>{name}</a>,
    },
    {
      title: t.projects.stage,
      dataIndex: 'stage',
      key: 'stage',
      render: (stage: string) => nameOf(labels.stage, stage),
      filters: Object.entries(labels.stage).map(([value, text]) => ({ value, text })),
      filterMultiple: false,
      filteredValue: query.stage ? [query.stage] : null,
    },
    {
      title: t.projects.place,
      key: 'place',
      render: (_: unknown, row) => `${unitName(row.townshipId)} / ${unitName(row.villageId)}`,
      responsive: ['md'],
    },
    { title: t.projects.industry, dataIndex: 'industry', key: 'industry', responsive: ['lg'] },
    {
      title: t.projects.budget,
      dataIndex: 'budgetFen',
      key: 'budgetFen',
      align: 'right',
      sorter: (a, b) => a.budgetFen - b.budgetFen,
      render: (fen: number) => formatFen(fen),
    },
    {
      title: t.projects.disbursed,
      dataIndex: 'disbursedFen',
      key: 'disbursedFen',
      align: 'right',
      sorter: (a, b) => a.disbursedFen - b.disbursedFen,
      render: (fen: number) => formatFen(fen),
      responsive: ['sm'],
    },
    {
      title: t.projects.grade,
      dataIndex: 'latestGrade',
      key: 'latestGrade',
      render: (grade: string | null) => (grade ? nameOf(labels.grade, grade) : t.common.none),
      filters: Object.entries(labels.grade).map(([value, text]) => ({ value, text })),
      filterMultiple: false,
      filteredValue: query.grade ? [query.grade] : null,
    },
    {
      title: t.projects.created,
      dataIndex: 'createdAt',
      key: 'createdAt',
      sorter: (a, b) => a.createdAt.localeCompare(b.createdAt),
      render: (at: string) => formatInstant(at, lang),
      responsive: ['sm'],
    },
  ];
  const { visible, chooser } = useColumnChooser('projects', columns);

  const onChange: TableProps<TProjectRow>['onChange'] = (pagination, filters) => {
    setQuery((q) => ({
      ...q,
      page: pagination.current ?? 1,
      pageSize: pagination.pageSize ?? q.pageSize,
      stage: (filters.stage?.[0] as string | undefined) ?? undefined,
      grade: (filters.latestGrade?.[0] as string | undefined) ?? undefined,
    }));
  };

  return (
    <>
      <Typography.Title level={1} style={{ fontSize: 24, marginTop: 0 }}>
        {t.projects.title}
      </Typography.Title>
      <Flex gap={8} wrap justify="space-between" style={{ marginBottom: 16 }}>
        <Input.Search
          allowClear
          aria-label={t.projects.search}
          placeholder={t.projects.search}
          maxLength={100}
          style={{ maxWidth: 320 }}
          onSearch={(q) => setQuery((prev) => ({ ...prev, q: q.trim() || undefined, page: 1 }))}
        />
        <Flex gap={8}>
          {chooser}
          {/* A plain link: the browser downloads with the session cookie, and the file is the server's. */}
          <Button type="primary" icon={<FileExcelOutlined />} href={exportHref(filtersOf(query), lang)} download title={t.table.exportHint} id="export-xlsx">
            {t.table.exportPrefix} <span lang="en">Excel</span>
          </Button>
        </Flex>
      </Flex>
      {error && <Alert type="error" message={error} showIcon style={{ marginBottom: 16 }} />}
      <Table<TProjectRow>
        id="projects-table"
        rowKey="id"
        columns={visible}
        dataSource={data?.items ?? []}
        loading={loading}
        onChange={onChange}
        locale={{ emptyText: t.projects.empty }}
        pagination={serverPagination({ page: query.page, pageSize: query.pageSize, total: data?.total ?? 0, totalText: (n) => fill(t.projects.total, { n }) })}
        scroll={{ x: 'max-content' }}
      />
    </>
  );
}
