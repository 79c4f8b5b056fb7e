import { useMemo, useState } from 'react';
import { Alert, Card, Col, Flex, Row, Select, Statistic, Typography } from 'antd';
import { formatFenTotal } from '../../../domain/policies/money';
import { Chart, type TChartOption } from '../components/Chart';
import { fenSum, fenToYuanNumber, yuanAxis } from '../components/chart-money';
import { useApiGet } from '../use-api-get';
import { fill, nameOf, useI18n } from '../i18n';

/** The answers of GET /api/dashboard/* (src/http/routes/dashboard.ts): fen sums are decimal strings. */
interface TByStage {
  items: Array<{ stage: string; count: number; budgetFen: string }>;
  total: number;
}
interface TFunds {
  items: Array<{ townshipId: string; townshipName: string; approvedFen: string; requestedFen: string; disbursedFen: string }>;
}
interface TGrades {
  items: Array<{ year: number; counts: Record<string, number>; total: number }>;
}
interface TRisks {
  total: number;
  byCode: Array<{ code: string; count: number }>;
}
interface TOverdue {
  total: number;
}
interface TUnit {
  id: string;
  name: string;
  level: string;
}

const THIS_YEAR = new Date().getFullYear();
const GRADES = ['EXCELLENT', 'GOOD', 'FAIR', 'POOR'] as const;
const GRADE_COLOURS = ['#52c41a', '#1677ff', '#faad14', '#ff4d4f'];

/**
 * 统计看板: the county dashboard of the classic app in the React app, drawn with ECharts: projects
 * by stage, funds by township (disbursed and still to disburse, stacked to the approved sum), grades
 * by year and open risk flags, for the caller's scope, narrowed to a unit and a year. Every chart
 * carries its figures as a hidden table; money is shown exactly from the API's fen strings.
 */
export function DashboardPage() {
  const i18n = useI18n();
  const { t, labels } = i18n;
  // A link may name the unit and year (the roll-up's county rows do: /app/dashboard?orgUnitId=…&year=…).
  const [orgUnitId, setOrgUnitId] = useState(() => new URLSearchParams(location.search).get('orgUnitId') ?? undefined);
  const [year, setYear] = useState(() => Number(new URLSearchParams(location.search).get('year')) || undefined);
  const query = { orgUnitId, year };
  const units = useApiGet<{ items: TUnit[] }>('/api/dashboard/org-units', {}, i18n);
  const stages = useApiGet<TByStage>('/api/dashboard/projects-by-stage', query, i18n);
  const funds = useApiGet<TFunds>('/api/dashboard/funds-by-township', query, i18n);
  const grades = useApiGet<TGrades>('/api/dashboard/grades-by-year', { orgUnitId }, i18n);
  const risks = useApiGet<TRisks>('/api/dashboard/risk-flags', query, i18n);
  const overdue = useApiGet<TOverdue>('/api/dashboard/overdue-tasks', query, i18n);
  const error = units.error ?? stages.error ?? funds.error ?? grades.error ?? risks.error ?? overdue.error;

  // In the lifecycle's order (the names' dictionary follows it), not the API's alphabetical one.
  const stageItems = useMemo(() => {
    const order = Object.keys(labels.stage);
    return [...(stages.data?.items ?? [])].sort((a, b) => order.indexOf(a.stage) - order.indexOf(b.stage));
  }, [stages.data, labels]);
  const fundItems = useMemo(() => funds.data?.items ?? [], [funds.data]);
  const gradeItems = useMemo(() => grades.data?.items ?? [], [grades.data]);
  const riskItems = useMemo(() => risks.data?.byCode ?? [], [risks.data]);

  const stageOption = useMemo<TChartOption>(
    () => ({
      grid: { left: 8, right: 16, top: 16, bottom: 8, containLabel: true },
      tooltip: { trigger: 'axis' },
      xAxis: { type: 'category', data: stageItems.map((s) => nameOf(labels.stage, s.stage)), axisLabel: { interval: 0, rotate: 30 } },
      yAxis: { type: 'value', minInterval: 1 },
      series: [{ type: 'bar', name: t.dashboard.count, data: stageItems.map((s) => s.count), itemStyle: { color: '#1677ff' } }],
    }),
    [stageItems, labels, t],
  );

  // Disbursed plus still to disburse is the approved sum: one stacked bar per township.
  const fundsOption = useMemo<TChartOption>(() => {
    const pending = fundItems.map((f) => {
      const rest = BigInt(f.approvedFen) - BigInt(f.disbursedFen);
      return rest > 0n ? rest : 0n;
    });
    return {
      grid: { left: 8, right: 16, top: 40, bottom: 8, containLabel: true },
      legend: { top: 0 },
      tooltip: { trigger: 'axis', valueFormatter: yuanAxis },
      xAxis: { type: 'category', data: fundItems.map((f) => f.townshipName), axisLabel: { interval: 0 } },
      yAxis: { type: 'value', axisLabel: { formatter: yuanAxis } },
      series: [
        {
          type: 'bar',
          stack: 'approved',
          name: t.dashboard.disbursed,
          data: fundItems.map((f) => fenToYuanNumber(f.disbursedFen)),
          itemStyle: { color: '#52c41a' },
        },
        { type: 'bar', stack: 'approved', name: t.dashboard.pendingSeries, data: pending.map(fenToYuanNumber), itemStyle: { color: '#91caff' } },
      ],
    };
  }, [fundItems, t]);

  const gradesOption = useMemo<TChartOption>(
    () => ({
      grid: { left: 8, right: 16, top: 40, bottom: 8, containLabel: true },
      legend: { top: 0 },
      tooltip: { trigger: 'axis' },
      xAxis: { type: 'category', data: gradeItems.map((g) => fill(t.rollup.year, { year: g.year })) },
      yAxis: { type: 'value', minInterval: 1 },
      series: GRADES.map((g, k) => ({
        type: 'bar' as const,
        stack: 'grades',
        name: nameOf(labels.grade, g),
        data: gradeItems.map((y) => y.counts[g] ?? 0),
        itemStyle: { color: GRADE_COLOURS[k] },
      })),
    }),
    [gradeItems, labels, t],
  );

  const riskOption = useMemo<TChartOption>(
    () => ({
      grid: { left: 8, right: 24, top: 8, bottom: 8, containLabel: true },
      tooltip: { trigger: 'axis' },
      xAxis: { type: 'value', minInterval: 1 },
      yAxis: { type: 'category', data: riskItems.map((r) => nameOf(labels.risk, r.code)), inverse: true },
      series: [{ type: 'bar', name: t.dashboard.riskCount, data: riskItems.map((r) => r.count), itemStyle: { color: '#ff7a45' } }],
    }),
    [riskItems, labels, t],
  );

  const approvedTotal = fenSum(fundItems.map((f) => f.approvedFen));
  const disbursedTotal = fenSum(fundItems.map((f) => f.disbursedFen));
  const empty = <Typography.Text type="secondary">{t.dashboard.empty}</Typography.Text>;

  return (
    <>
      <Typography.Title level={1} style={{ fontSize: 24, marginTop: 0 }}>
        {t.dashboard.title}
      </Typography.Title>
      <Flex gap={8} wrap style={{ marginBottom: 16 }}>
        <Select<string>
          id="dashboard-unit"
          aria-label={t.dashboard.unitLabel}
          style={{ width: 200 }}
          value={orgUnitId ?? ''}
          onChange={(v) => setOrgUnitId(v || undefined)}
          options={[
            { value: '', label: t.dashboard.allUnits },
            ...(units.data?.items ?? []).filter((u) => u.level !== 'VILLAGE').map((u) => ({ value: u.id, label: u.name })),
          ]}
        />
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
      </Flex>
      {error && <Alert type="error" message={error} showIcon style={{ marginBottom: 16 }} />}
      <Row gutter={[16, 16]} style={{ marginBottom: 16 }} id="dashboard-totals">
        {(
          [
            ['projects', t.dashboard.projects, stages.data?.total ?? '—'],
            ['approved', t.dashboard.approved, funds.data ? formatFenTotal(approvedTotal) : '—'],
            ['disbursed', t.dashboard.disbursed, funds.data ? formatFenTotal(disbursedTotal) : '—'],
            ['risks', t.dashboard.risks, risks.data?.total ?? '—'],
            ['overdue', t.dashboard.overdue, overdue.data?.total ?? '—'],
          ] as const
        ).map(([key, title, value]) => (
          <Col key={key} xs={12} md={8} xl={4}>
            <Card size="small" id={`kpi-${key}`}>
              <Statistic title={title} value={value} />
            </Card>
          </Col>
        ))}
      </Row>
      <Row gutter={[16, 16]}>
        <Col xs={24} lg={12}>
          <Card title={t.dashboard.byStage} size="small">
            {stageItems.length === 0 && !stages.loading ? (
              empty
            ) : (
              <Chart id="chart-stages" label={t.dashboard.byStageLabel} option={stageOption}>
                <table>
                  <caption>{t.dashboard.byStage}</caption>
                  <thead>
                    <tr>
                      <th scope="col">{t.dashboard.stage}</th>
                      <th scope="col">{t.dashboard.count}</th>
                      <th scope="col">{t.dashboard.budget}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {stageItems.map((s) => (
                      <tr key={s.stage} data-stage={s.stage}>
                        <th scope="row">{nameOf(labels.stage, s.stage)}</th>
                        <td>{s.count}</td>
                        <td>{formatFenTotal(s.budgetFen)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </Chart>
            )}
          </Card>
        </Col>
        <Col xs={24} lg={12}>
          <Card title={t.dashboard.funds} size="small">
            {fundItems.length === 0 && !funds.loading ? (
              empty
            ) : (
              <Chart id="chart-funds" label={t.dashboard.fundsLabel} option={fundsOption}>
                <table>
                  <caption>{t.dashboard.funds}</caption>
                  <thead>
                    <tr>
                      <th scope="col">{t.dashboard.township}</th>
                      <th scope="col">{t.dashboard.approved}</th>
                      <th scope="col">{t.dashboard.disbursed}</th>
                      <th scope="col">{t.dashboard.requested}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {fundItems.map((f) => (
                      <tr key={f.townshipId} data-township={f.townshipId}>
                        <th scope="row">{f.townshipName}</th>
                        <td data-fen={f.approvedFen}>{formatFenTotal(f.approvedFen)}</td>
                        <td data-fen={f.disbursedFen}>{formatFenTotal(f.disbursedFen)}</td>
                        <td data-fen={f.requestedFen}>{formatFenTotal(f.requestedFen)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </Chart>
            )}
          </Card>
        </Col>
        <Col xs={24} lg={12}>
          <Card title={t.dashboard.grades} size="small">
            {gradeItems.length === 0 && !grades.loading ? (
              empty
            ) : (
              <Chart id="chart-grades" label={t.dashboard.gradesLabel} option={gradesOption}>
                <table>
                  <caption>{t.dashboard.grades}</caption>
                  <thead>
                    <tr>
                      <th scope="col">{t.dashboard.gradeYear}</th>
                      {GRADES.map((g) => (
                        <th scope="col" key={g}>
                          {nameOf(labels.grade, g)}
                        </th>
                      ))}
                      <th scope="col">{t.dashboard.gradeTotal}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {gradeItems.map((y) => (
                      <tr key={y.year} data-year={y.year}>
                        <th scope="row">{fill(t.rollup.year, { year: y.year })}</th>
                        {GRADES.map((g) => (
                          <td key={g}>{y.counts[g] ?? 0}</td>
                        ))}
                        <td>{y.total}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </Chart>
            )}
          </Card>
        </Col>
        <Col xs={24} lg={12}>
          <Card title={t.dashboard.riskByCode} size="small">
            {riskItems.length === 0 && !risks.loading ? (
              empty
            ) : (
              <Chart id="chart-risks" label={t.dashboard.riskLabel} option={riskOption} height={Math.max(160, 48 * riskItems.length + 32)}>
                <table>
                  <caption>{t.dashboard.riskByCode}</caption>
                  <thead>
                    <tr>
                      <th scope="col">{t.dashboard.riskKind}</th>
                      <th scope="col">{t.dashboard.riskCount}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {riskItems.map((r) => (
                      <tr key={r.code} data-code={r.code}>
                        <th scope="row">{nameOf(labels.risk, r.code)}</th>
                        <td>{r.count}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </Chart>
            )}
          </Card>
        </Col>
      </Row>
    </>
  );
}
