import { useState } from 'react';
import { Alert, Card, Descriptions, Flex, Select, Spin, Statistic, Table, Timeline, Typography } from 'antd';
import type { TableProps } from 'antd';
import {
  ASSET_CLASS_LABELS_ZH,
  ASSET_CLASSES,
  ASSET_FUNDING_SOURCE_LABELS_EN,
  ASSET_FUNDING_SOURCE_LABELS_ZH,
  ASSET_FUNDING_SOURCES,
  ASSET_STATUS_LABELS_ZH,
  ASSET_STATUSES,
} from '../../../domain/assets/asset-register';
import { formatFen, formatFenTotal } from '../../../domain/policies/money';
import { ROLE_LABELS_ZH, type TRole } from '../../../domain/roles';
import { useApiGet } from '../use-api-get';
import { fill, useI18n, type TLang } from '../i18n';
import { formatInstant } from '../format';
import { linkTo } from '../router';
import { serverPagination } from '../components/ColumnChooser';

/** One row of GET /api/assets (money in integer fen). */
interface TAssetRow {
  id: string;
  ledgerCode: string | null;
  name: string;
  assetClass: string;
  fundingSource: string | null;
  status: string;
  valueFen: number;
  owner: string;
  custodian: string;
  location: string | null;
  certificateNo: string | null;
  orgUnitId: string | null;
  projectId: string | null;
  registeredAt: string;
}
type TTotal = { count: number; valueFen: string };
interface TAssetList {
  items: TAssetRow[];
  total: number;
  totals: { all: TTotal; byClass: Array<TTotal & { assetClass: string }>; bySource: Array<TTotal & { fundingSource: string | null }> };
}
interface TQuery {
  page: number;
  pageSize: number;
  assetClass?: string;
  fundingSource?: string;
  status?: string;
  orgUnitId?: string;
}

const EN = {
  class: { HOUSEHOLD: 'Household', OPERATING: 'Operating', PUBLIC_WELFARE: 'Public welfare' } as Record<string, string>,
  source: ASSET_FUNDING_SOURCE_LABELS_EN as Record<string, string>,
  status: { IN_USE: 'In use', IDLE: 'Idle', DISPOSED: 'Disposed' } as Record<string, string>,
};
/** The register's code lists in the page's language: the Chinese labels live in src/domain. */
const assetLabels = (lang: TLang) => ({
  class: lang === 'zh' ? (ASSET_CLASS_LABELS_ZH as Record<string, string>) : EN.class,
  source: lang === 'zh' ? (ASSET_FUNDING_SOURCE_LABELS_ZH as Record<string, string>) : EN.source,
  status: lang === 'zh' ? (ASSET_STATUS_LABELS_ZH as Record<string, string>) : EN.status,
});
/** The history's audit actions and roles in words. */
const EVENT_WORDS: Record<TLang, Record<string, string>> = {
  zh: { ASSET_IMPORTED: '台账导入', ASSET_REGISTERED: '确权登记', ASSETS_HANDED_OVER: '资产移交' },
  en: { ASSET_IMPORTED: 'Imported from the ledger', ASSET_REGISTERED: 'Registered', ASSETS_HANDED_OVER: 'Handed over' },
};
const label = (labels: Record<string, string>, code: string | null) => (code ? (labels[code] ?? code) : '—');

/** 资产台账: every asset in my org units, filtered by class, source, village and status, with totals over all pages. */
export function AssetsPage() {
  const i18n = useI18n();
  const { t, lang } = i18n;
  const L = assetLabels(lang);
  const [query, setQuery] = useState<TQuery>({ page: 1, pageSize: 20 });
  const { data, error, loading } = useApiGet<TAssetList>('/api/assets', { ...query }, i18n);
  const units = useApiGet<{ items: Array<{ id: string; name: string; level: string }> }>('/api/dashboard/org-units', {}, i18n);
  const unitName = (id: string | null) => units.data?.items.find((u) => u.id === id)?.name ?? id ?? '';
  const villages = (units.data?.items ?? []).filter((u) => u.level === 'VILLAGE');
  const set = (patch: Partial<TQuery>) => setQuery((q) => ({ ...q, ...patch, page: 1 }));

  const columns: NonNullable<TableProps<TAssetRow>['columns']> = [
    { title: t.assets.code, dataIndex: 'ledgerCode', key: 'ledgerCode', render: (code: string | null) => code ?? '—' },
    { title: t.assets.name, dataIndex: 'name', key: 'name', render: (name: string, row) => <a {...linkTo(`/assets/${encodeURIComponent(row.id)}`)}>{name}</a> },
    { title: t.assets.assetClass, dataIndex: 'assetClass', key: 'assetClass', render: (c: string) => label(L.class, c) },
    { title: t.assets.fundingSource, dataIndex: 'fundingSource', key: 'fundingSource', render: (c: string | null) => label(L.source, c), responsive: ['md'] },
    { title: t.assets.village, dataIndex: 'orgUnitId', key: 'orgUnitId', render: (id: string | null) => unitName(id), responsive: ['md'] },
    { title: t.assets.value, dataIndex: 'valueFen', key: 'valueFen', align: 'right', render: (fen: number) => formatFen(fen) },
    { title: t.assets.custodian, dataIndex: 'custodian', key: 'custodian', responsive: ['lg'] },
    { title: t.assets.status, dataIndex: 'status', key: 'status', render: (c: string) => label(L.status, c) },
  ];
  const select = (
    value: string | undefined,
    placeholder: string,
    options: Array<{ value: string; label: string }>,
    onChange: (v: string | undefined) => void,
    id: string,
  ) => (
    <Select
      id={id}
      allowClear
      aria-label={placeholder}
      placeholder={placeholder}
      style={{ minWidth: 160 }}
      value={value}
      options={options}
      onChange={onChange}
    />
  );

  return (
    <>
      <Typography.Title level={1} style={{ fontSize: 24, marginTop: 0 }}>
        {t.assets.title}
      </Typography.Title>
      <Flex gap={8} wrap style={{ marginBottom: 16 }}>
        {select(
          query.assetClass,
          t.assets.allClasses,
          ASSET_CLASSES.map((c) => ({ value: c, label: L.class[c] })),
          (v) => set({ assetClass: v }),
          'asset-class-filter',
        )}
        {select(
          query.fundingSource,
          t.assets.allSources,
          ASSET_FUNDING_SOURCES.map((c) => ({ value: c, label: L.source[c] })),
          (v) => set({ fundingSource: v }),
          'asset-source-filter',
        )}
        {select(
          query.orgUnitId,
          t.assets.allVillages,
          villages.map((v) => ({ value: v.id, label: v.name })),
          (v) => set({ orgUnitId: v }),
          'asset-village-filter',
        )}
        {select(
          query.status,
          t.assets.allStatuses,
          ASSET_STATUSES.map((c) => ({ value: c, label: L.status[c] })),
          (v) => set({ status: v }),
          'asset-status-filter',
        )}
      </Flex>
      {error && <Alert type="error" message={error} showIcon style={{ marginBottom: 16 }} />}
      {data && (
        <Flex gap={16} wrap style={{ marginBottom: 16 }} id="asset-totals">
          <Card size="small">
            <Statistic title={fill(t.assets.totalAll, { n: data.totals.all.count })} value={formatFenTotal(data.totals.all.valueFen)} />
          </Card>
          {data.totals.byClass.map((c) => (
            <Card size="small" key={c.assetClass}>
              <Statistic title={`${label(L.class, c.assetClass)} · ${c.count}`} value={formatFenTotal(c.valueFen)} />
            </Card>
          ))}
        </Flex>
      )}
      <Table<TAssetRow>
        id="assets-table"
        rowKey="id"
        columns={columns}
        dataSource={data?.items ?? []}
        loading={loading}
        onChange={(pagination) => setQuery((q) => ({ ...q, page: pagination.current ?? 1, pageSize: pagination.pageSize ?? q.pageSize }))}
        locale={{ emptyText: t.assets.empty }}
        pagination={serverPagination({ page: query.page, pageSize: query.pageSize, total: data?.total ?? 0, totalText: (n) => fill(t.assets.total, { n }) })}
        scroll={{ x: 'max-content' }}
      />
    </>
  );
}

interface TAssetDetail extends TAssetRow {
  handedOverAt: string | null;
  history: Array<{ at: string; action: string; actorId: string | null; role: string | null }>;
}

/** One asset: its register entry and its history (the audit log rows about it). */
export function AssetPage({ assetId }: { assetId: string }) {
  const i18n = useI18n();
  const { t, lang } = i18n;
  const L = assetLabels(lang);
  const { data, error } = useApiGet<TAssetDetail>(`/api/assets/${encodeURIComponent(assetId)}`, {}, i18n);
  const units = useApiGet<{ items: Array<{ id: string; name: string }> }>('/api/dashboard/org-units', {}, i18n);
  const unitName = (id: string | null) => units.data?.items.find((u) => u.id === id)?.name ?? id ?? '';
  if (error) return <Alert type="error" message={error} showIcon />;
  if (!data) return <Spin />;
  return (
    <>
      <a {...linkTo('/assets')}>{t.assets.back}</a>
      <Typography.Title level={1} style={{ fontSize: 24 }}>
        {data.name}
      </Typography.Title>
      <Descriptions bordered size="small" column={{ xs: 1, md: 2 }} id="asset-details">
        <Descriptions.Item label={t.assets.code}>{data.ledgerCode ?? '—'}</Descriptions.Item>
        <Descriptions.Item label={t.assets.assetClass}>{label(L.class, data.assetClass)}</Descriptions.Item>
        <Descriptions.Item label={t.assets.fundingSource}>{label(L.source, data.fundingSource)}</Descriptions.Item>
        <Descriptions.Item label={t.assets.village}>{unitName(data.orgUnitId)}</Descriptions.Item>
        <Descriptions.Item label={t.assets.value}>{formatFen(data.valueFen)}</Descriptions.Item>
        <Descriptions.Item label={t.assets.status}>{label(L.status, data.status)}</Descriptions.Item>
        <Descriptions.Item label={t.assets.owner}>{data.owner}</Descriptions.Item>
        <Descriptions.Item label={t.assets.custodian}>{data.custodian}</Descriptions.Item>
        <Descriptions.Item label={t.assets.location}>{data.location ?? '—'}</Descriptions.Item>
        <Descriptions.Item label={t.assets.certificate}>{data.certificateNo ?? '—'}</Descriptions.Item>
        <Descriptions.Item label={t.assets.project}>
          {data.projectId ? <a href={`/#/projects/${encodeURIComponent(data.projectId)}`}>{data.projectId}</a> : '—'}
        </Descriptions.Item>
        <Descriptions.Item label={t.assets.registered}>{formatInstant(data.registeredAt, lang)}</Descriptions.Item>
      </Descriptions>
      <Typography.Title level={2} style={{ fontSize: 18, marginTop: 24 }}>
        {t.assets.history}
      </Typography.Title>
      <div id="asset-history">
        <Timeline
          items={data.history.map((e) => ({
            children: `${formatInstant(e.at, lang)} · ${EVENT_WORDS[lang][e.action] ?? e.action}${e.role ? ` · ${lang === 'zh' ? (ROLE_LABELS_ZH[e.role as TRole] ?? e.role) : e.role}` : ''}`,
          }))}
        />
      </div>
    </>
  );
}
