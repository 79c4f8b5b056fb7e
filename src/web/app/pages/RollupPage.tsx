import { useEffect, useMemo, useState } from 'react';
import { Alert, Breadcrumb, Button, Card, Col, Empty, Flex, Row, Select, Space, Spin, Statistic, Table, Typography } from 'antd';
import type { TableProps } from 'antd';
import { DownloadOutlined } from '@ant-design/icons';
import { formatFenTotal } from '../../../domain/policies/money';
import { Chart, type TChartOption } from '../components/Chart';
import { fenToYuanNumber, yuanAxis } from '../components/chart-money';
import { useApiGet } from '../use-api-get';
import { fill, nameOf, useI18n } from '../i18n';
import { linkTo, navigate } from '../router';

/** GET /api/rollups (ZRollup): fen sums are decimal strings, exact at any size. */
interface TFigures {
  projectCount: number;
  budgetFen: string;
  byStage: Array<{ stage: string; count: number; budgetFen: string }>;
  allocatedFen: string;
  disbursedFen: string;
  disbursedBySource: Array<{ source: string; disbursedFen: string; count: number }>;
  gradesByYear: Array<{ year: number; counts: Record<string, number>; total: number }>;
  openRiskFlags: number;
  overdueTasks: number;
  reviews: { total: number; byOutcome: Array<{ outcome: string; count: number }> } | null;
}
interface TUnitRef {
  id: string;
  name: string;
  level: string;
  path: string;
}
type TRow = TUnitRef & { figures: TFigures };
interface TRollup {
  unit: TUnitRef;
  trail: TUnitRef[];
  groups: TRow[];
  counties: TRow[];
  total: TFigures;
}

/** Whole percent of disbursed over allocated, by integer arithmetic (the sums may pass 2^53). */
const percentOf = (part: string, whole: string) => (BigInt(whole) === 0n ? 0 : Math.min(100, Number((BigInt(part) * 100n) / BigInt(whole))));
/** The chart's segments: the three fiscal sources and payments made before the source was recorded. */
const SOURCES = ['CENTRAL_LINKAGE', 'LOCAL', 'OTHER', 'UNKNOWN'] as const;
const SOURCE_COLOURS = ['#1677ff', '#52c41a', '#faad14', '#bfbfbf'];
const DRILLABLE = new Set(['PROVINCE', 'CITY', 'COUNTY', 'TOWNSHIP']);
const THIS_YEAR = new Date().getFullYear();

/**
 * 汇总分析: the roll-up of a province, city, county or township (GET /api/rollups) as antd cards and
 * tables, with ECharts bars for the funds by source per unit below and the projects by stage (each
 * with its figures as a hidden table). A unit's name drills down to its own roll-up
 * (/app/rollup/<id>); a county row also opens its 统计看板 (/app/dashboard) and a unit's project
 * list in the classic app, where a project opens. The 上报 exports download for the unit and year.
 */
export function RollupPage({ unitId }: { unitId?: string }) {
  const i18n = useI18n();
  const { t, lang, labels } = i18n;
  const [year, setYear] = useState<number | undefined>();
  const units = useApiGet<{ items: TUnitRef[] }>('/api/rollups/units', {}, i18n);
  const start = units.data?.items[0]?.id;
  useEffect(() => {
    if (!unitId && start) navigate(`/rollup/${encodeURIComponent(start)}`, { replace: true });
  }, [unitId, start]);
  const { data, error, loading } = useApiGet<TRollup>(unitId ? '/api/rollups' : '/api/rollups/units', unitId ? { orgUnitId: unitId, year } : {}, i18n);
  const r = unitId && data && 'unit' in data ? data : undefined;

  // Funds disbursed per unit below, one stacked bar each, a segment per source.
  const sourceOption = useMemo<TChartOption>(() => {
    const rows = r?.groups ?? [];
    return {
      grid: { left: 8, right: 16, top: 40, bottom: 8, containLabel: true },
      legend: { top: 0 },
      tooltip: { trigger: 'axis', valueFormatter: yuanAxis },
      xAxis: { type: 'category', data: rows.map((row) => row.name), axisLabel: { interval: 0 } },
      yAxis: { type: 'value', axisLabel: { formatter: yuanAxis } },
      series: SOURCES.map((source, k) => ({
        type: 'bar' as const,
        stack: 'disbursed',
        name: t.rollup.sources[source],
        data: rows.map((row) => fenToYuanNumber(row.figures.disbursedBySource.find((x) => x.source === source)?.disbursedFen ?? '0')),
        itemStyle: { color: SOURCE_COLOURS[k] },
      })),
    };
  }, [r, t]);
  const stageOption = useMemo<TChartOption>(() => {
    const stages = r?.total.byStage ?? [];
    return {
      grid: { left: 8, right: 16, top: 16, bottom: 8, containLabel: true },
      tooltip: { trigger: 'axis' },
      xAxis: { type: 'category', data: stages.map((x) => nameOf(labels.stage, x.stage)), axisLabel: { interval: 0, rotate: 30 } },
      yAxis: { type: 'value', minInterval: 1 },
      series: [{ type: 'bar', name: t.rollup.projects, data: stages.map((x) => x.count), itemStyle: { color: '#1677ff' } }],
    };
  }, [r, t, labels]);

  if (!unitId) {
    if (units.loading) return <Spin />;
    return <Empty description={units.error ?? t.rollup.noUnits} />;
  }

  const money = (fen: string) => formatFenTotal(fen);
  const exportHref = (name: 'funds-by-source' | 'asset-ledger', format: 'csv' | 'xlsx') =>
    `/api/rollups/${name}.${format}?${new URLSearchParams({ orgUnitId: unitId, lang, ...(year ? { year: String(year) } : {}) })}`;

  const columns: NonNullable<TableProps<TRow>['columns']> = [
    {
      title: t.rollup.unit,
      key: 'name',
      fixed: 'left',
      render: (_: unknown, row) =>
        DRILLABLE.has(row.level) ? (
          <a {...linkTo(`/rollup/${encodeURIComponent(row.id)}`)} title={fill(t.rollup.drill, { name: row.name })} className="rollup-drill">
            {row.name}
          </a>
        ) : (
          row.name
        ),
    },
    { title: t.rollup.projects, key: 'projects', align: 'right', render: (_: unknown, row) => row.figures.projectCount },
    { title: t.rollup.allocated, key: 'allocated', align: 'right', render: (_: unknown, row) => money(row.figures.allocatedFen) },
    { title: t.rollup.disbursed, key: 'disbursed', align: 'right', render: (_: unknown, row) => money(row.figures.disbursedFen) },
    {
      title: t.rollup.rate,
      key: 'rate',
      width: 140,
      align: 'right',
      render: (_: unknown, row) => `${percentOf(row.figures.disbursedFen, row.figures.allocatedFen)}%`,
    },
    ...SOURCES.slice(0, 3).map((source) => ({
      title: t.rollup.sources[source],
      key: source,
      align: 'right' as const,
      responsive: ['lg' as const],
      render: (_: unknown, row: TRow) => money(row.figures.disbursedBySource.find((s) => s.source === source)?.disbursedFen ?? '0'),
    })),
    { title: t.rollup.risks, key: 'risks', align: 'right', render: (_: unknown, row) => row.figures.openRiskFlags },
    { title: t.rollup.overdue, key: 'overdue', align: 'right', render: (_: unknown, row) => row.figures.overdueTasks },
    { title: t.rollup.reviews, key: 'reviews', align: 'right', render: (_: unknown, row) => (row.figures.reviews ? row.figures.reviews.total : t.common.none) },
    {
      title: '',
      key: 'links',
      render: (_: unknown, row) => (
        <Space size="small">
          {row.level === 'COUNTY' && (
            <a {...linkTo(`/dashboard?${new URLSearchParams({ orgUnitId: row.id, ...(year ? { year: String(year) } : {}) })}`)}>{t.rollup.dashboard}</a>
          )}
          <a href={`/#/projects?${new URLSearchParams({ orgUnitId: row.id })}`}>{t.rollup.projectList}</a>
        </Space>
      ),
    },
  ];
  const table = (id: string, title: string, rows: TRow[]) => (
    <Card title={title} size="small" style={{ marginBottom: 16 }}>
      <Table<TRow>
        id={id}
        rowKey="id"
        columns={columns}
        dataSource={rows}
        pagination={false}
        size="small"
        scroll={{ x: 'max-content' }}
        locale={{ emptyText: t.rollup.empty }}
      />
    </Card>
  );

  return (
    <>
      <Typography.Title level={1} style={{ fontSize: 24, marginTop: 0 }}>
        {t.rollup.title}
        {r && ` · ${r.unit.name}`}
      </Typography.Title>
      {r && (
        <Breadcrumb
          style={{ marginBottom: 12 }}
          items={[...r.trail, r.unit].map((u) => ({
            title: u.id === r.unit.id ? `${u.name}（${nameOf(t.rollup.levels, u.level)}）` : <a {...linkTo(`/rollup/${encodeURIComponent(u.id)}`)}>{u.name}</a>,
          }))}
        />
      )}
      <Flex gap={8} wrap justify="space-between" style={{ marginBottom: 16 }}>
        <Select<number | 'all'>
          aria-label={t.rollup.yearLabel}
          style={{ width: 140 }}
          value={year ?? 'all'}
          onChange={(v) => setYear(v === 'all' ? undefined : v)}
          options={[
            { value: 'all' as const, label: t.rollup.allYears },
            ...Array.from({ length: 6 }, (_, k) => THIS_YEAR - k).map((y) => ({ value: y, label: fill(t.rollup.year, { year: y }) })),
          ]}
        />
        <Flex gap={8} wrap title={t.rollup.exportHint}>
          {(['csv', 'xlsx'] as const).map((format) => (
            <Button
              key={`funds-${format}`}
              icon={<DownloadOutlined />}
              href={year ? exportHref('funds-by-source', format) : undefined}
              disabled={!year}
              title={year ? t.rollup.exportHint : t.rollup.needYear}
              download
            >
              {t.rollup.exportFunds} <span lang="en">{format.toUpperCase()}</span>
            </Button>
          ))}
          {(['csv', 'xlsx'] as const).map((format) => (
            <Button key={`assets-${format}`} icon={<DownloadOutlined />} href={exportHref('asset-ledger', format)} download>
              {t.rollup.exportAssets} <span lang="en">{format.toUpperCase()}</span>
            </Button>
          ))}
        </Flex>
      </Flex>
      {error && <Alert type="error" message={error} showIcon style={{ marginBottom: 16 }} />}
      {loading && !r && <Spin />}
      {r && (
        <>
          <Row gutter={[16, 16]} style={{ marginBottom: 16 }} id="rollup-totals">
            {[
              [t.rollup.projects, r.total.projectCount],
              [t.rollup.allocated, money(r.total.allocatedFen)],
              [t.rollup.disbursed, money(r.total.disbursedFen)],
              [t.rollup.risks, r.total.openRiskFlags],
              [t.rollup.overdue, r.total.overdueTasks],
              [t.rollup.reviews, r.total.reviews?.total ?? t.common.none],
            ].map(([title, value]) => (
              <Col key={String(title)} xs={12} md={8} xl={4}>
                <Card size="small">
                  <Statistic title={title} value={value} />
                </Card>
              </Col>
            ))}
          </Row>
          {table('rollup-groups', t.rollup.groups, r.groups)}
          {r.unit.level === 'PROVINCE' && table('rollup-counties', t.rollup.counties, r.counties)}
          <Row gutter={[16, 16]}>
            <Col xs={24} lg={12}>
              <Card title={t.rollup.bySource} size="small">
                {r.groups.length === 0 ? (
                  <Empty description={t.rollup.empty} />
                ) : (
                  <Chart id="rollup-chart-sources" label={t.rollup.bySourceLabel} option={sourceOption}>
                    <table>
                      <caption>{t.rollup.bySource}</caption>
                      <thead>
                        <tr>
                          <th scope="col">{t.rollup.unit}</th>
                          {SOURCES.map((source) => (
                            <th scope="col" key={source}>
                              {t.rollup.sources[source]}
                            </th>
                          ))}
                        </tr>
                      </thead>
                      <tbody>
                        {[...r.groups, { id: '', name: t.rollup.total, figures: r.total }].map((row) => (
                          <tr key={row.id} data-unit={row.id}>
                            <th scope="row">{row.name}</th>
                            {SOURCES.map((source) => (
                              <td key={source}>{money(row.figures.disbursedBySource.find((x) => x.source === source)?.disbursedFen ?? '0')}</td>
                            ))}
                          </tr>
                        ))}
                      </tbody>
                    </table>
                  </Chart>
                )}
              </Card>
            </Col>
            <Col xs={24} lg={12}>
              <Card title={t.rollup.byStage} size="small">
                {r.total.byStage.length === 0 ? (
                  <Empty description={t.rollup.empty} />
                ) : (
                  <Chart id="rollup-chart-stages" label={t.rollup.byStageLabel} option={stageOption}>
                    <table>
                      <caption>{t.rollup.byStage}</caption>
                      <thead>
                        <tr>
                          <th scope="col">{t.dashboard.stage}</th>
                          <th scope="col">{t.rollup.projects}</th>
                        </tr>
                      </thead>
                      <tbody>
                        {r.total.byStage.map((x) => (
                          <tr key={x.stage} data-stage={x.stage}>
                            <th scope="row">{nameOf(labels.stage, x.stage)}</th>
                            <td>{x.count}</td>
                          </tr>
                        ))}
                      </tbody>
                    </table>
                  </Chart>
                )}
              </Card>
            </Col>
            <Col xs={24}>
              <Card title={t.rollup.grades} size="small">
                <Table
                  size="small"
                  pagination={false}
                  rowKey="year"
                  dataSource={r.total.gradesByYear}
                  locale={{ emptyText: t.rollup.empty }}
                  columns={[
                    { title: t.rollup.gradeYear, dataIndex: 'year', key: 'year' },
                    ...Object.keys(labels.grade).map((g) => ({
                      title: nameOf(labels.grade, g),
                      key: g,
                      align: 'right' as const,
                      render: (_: unknown, row: { counts: Record<string, number> }) => row.counts[g] ?? 0,
                    })),
                  ]}
                />
                {r.total.reviews && (
                  <Typography.Paragraph style={{ marginTop: 12, marginBottom: 0 }}>
                    {t.rollup.reviews}：{r.total.reviews.byOutcome.map((o) => `${nameOf(t.rollup.outcomes, o.outcome)} ${o.count}`).join('，') || t.common.none}
                  </Typography.Paragraph>
                )}
              </Card>
            </Col>
          </Row>
        </>
      )}
    </>
  );
}
