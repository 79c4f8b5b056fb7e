import { api } from '../api.js';
import { go } from '../app.js';
import { barChart } from '../chart.js';
import { GRADES } from '../domain.js';
import { t } from '../i18n.js';
import { sumFen, toFenBigInt } from '../money.js';
import { card, field, fmtFen, fmtTime, h, select } from '../ui.js';

/**
 * Fen (the API's sums are decimal strings, exact beyond 2^53) → 万元 with at most two decimals,
 * rounded half up, by bigint arithmetic: 50000000 → "50", 1234567 → "1.23".
 */
function wan(fen) {
  const big = toFenBigInt(fen) ?? 0n;
  const abs = big < 0n ? -big : big;
  const hundredths = (abs + 5_000n) / 10_000n;
  const whole = (hundredths / 100n).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const fraction = (hundredths % 100n).toString().padStart(2, '0').replace(/0+$/, '');
  return `${big < 0n && hundredths > 0n ? '-' : ''}${whole}${fraction ? '.' + fraction : ''}`;
}

/** Projects by stage, funds approved and disbursed by township, overdue tasks, open risk flags: for leaders and monitors. */
export default async function dashboardPage({ query }) {
  const q = { orgUnitId: query.orgUnitId, year: query.year };
  const [stages, funds, overdue, risks, grades, units] = await Promise.all([
    api('/api/dashboard/projects-by-stage', { query: q }),
    api('/api/dashboard/funds-by-township', { query: q }),
    api('/api/dashboard/overdue-tasks', { query: q }),
    api('/api/dashboard/risk-flags', { query: q }),
    // Every year is a bar here, so only the org unit narrows it.
    api('/api/dashboard/grades-by-year', { query: { orgUnitId: query.orgUnitId } }),
    api('/api/dashboard/org-units').then(
      (r) => r.items,
      () => [],
    ),
  ]);
  const org = select('orgUnitId', [['', t('projects.all')], ...units.map((u) => [u.id, u.name])], query.orgUnitId);
  const thisYear = new Date().getFullYear();
  const year = select('year', [['', t('projects.all')], ...[0, 1, 2, 3, 4].map((d) => [thisYear - d, thisYear - d])], query.year);
  const filters = h(
    'form',
    { class: 'filters' },
    field(t('dash.org'), org),
    field(t('dash.year'), year),
    h('button', { type: 'submit', class: 'secondary' }, t('common.apply')),
  );
  filters.addEventListener('submit', (e) => {
    e.preventDefault();
    go('/dashboard?' + new URLSearchParams(Object.entries({ orgUnitId: org.value, year: year.value }).filter(([, v]) => v)));
  });

  return h(
    'div',
    { id: 'dashboard' },
    h('h1', {}, t('dash.title')),
    filters,
    h(
      'p',
      { class: 'kpis' },
      h('span', { class: 'kpi' }, t('projects.count', { n: stages.total })),
      h('span', { class: 'kpi' }, `${t('dash.pending')}: ${overdue.pending}`),
      h('span', { class: overdue.total ? 'kpi danger' : 'kpi' }, `${t('dash.overdueTotal')}: ${overdue.total}`),
      h('span', { class: 'kpi', id: 'kpi-approved' }, `${t('dash.approvedSeries')}: ${fmtFen(sumFen(funds.items, 'approvedFen'))}`),
      h('span', { class: 'kpi', id: 'kpi-disbursed' }, `${t('dash.disbursedTotal')}: ${fmtFen(sumFen(funds.items, 'disbursedFen'))}`),
      h('span', { class: risks.total ? 'kpi danger' : 'kpi', id: 'kpi-risks' }, `${t('dash.riskTotal')}: ${risks.total}`),
    ),
    h(
      'div',
      { class: 'grid' },
      card(
        null,
        barChart({ id: 'chart-stages', title: t('dash.byStage'), rows: stages.items.map((i) => ({ label: t('stage.' + i.stage), values: [i.count] })) }),
      ),
      card(
        null,
        barChart({
          id: 'chart-funds',
          title: t('dash.fundsFlow'),
          series: [t('dash.approvedSeries'), t('dash.requestedSeries'), t('dash.disbursedSeries')],
          format: wan,
          rows: funds.items.map((i) => ({ label: i.townshipName, values: [i.approvedFen, i.requestedFen, i.disbursedFen] })),
        }),
      ),
      card(
        null,
        barChart({
          id: 'chart-grades',
          title: t('dash.gradesByYear'),
          series: GRADES.map((g) => t('grade.' + g)),
          rows: grades.items.map((i) => ({ label: String(i.year), values: GRADES.map((g) => i.counts[g]) })),
        }),
      ),
      card(
        null,
        barChart({ id: 'chart-overdue', title: t('dash.overdue'), rows: overdue.byTownship.map((i) => ({ label: i.townshipName, values: [i.count] })) }),
      ),
      card(
        null,
        barChart({
          id: 'chart-overdue-kind',
          title: t('dash.overdueKind'),
          rows: overdue.byKind.map((i) => ({ label: t('kind.' + i.kind), values: [i.count] })),
        }),
      ),
      card(
        null,
        barChart({ id: 'chart-risk-kind', title: t('dash.riskByCode'), rows: risks.byCode.map((i) => ({ label: t('risk.' + i.code), values: [i.count] })) }),
      ),
      card(
        null,
        barChart({
          id: 'chart-risk-township',
          title: t('dash.riskByTownship'),
          rows: risks.byTownship.map((i) => ({ label: i.townshipName, values: [i.count] })),
        }),
      ),
    ),
    card(
      t('dash.risks'),
      risks.latest.length
        ? h(
            'ul',
            { id: 'open-risks' },
            risks.latest.map((f) =>
              h(
                'li',
                {},
                h('a', { href: '#/projects/' + encodeURIComponent(f.project.id) }, `${t('risk.' + f.code)} · ${f.project.name}`),
                ` — ${fmtTime(f.raisedAt)}`,
                h('br'),
                h('span', { class: 'muted' }, f.message),
              ),
            ),
          )
        : h('p', { class: 'muted', id: 'open-risks' }, t('dash.noData')),
    ),
    card(
      t('dash.oldest'),
      overdue.oldest.length
        ? h(
            'ul',
            {},
            overdue.oldest.map((x) =>
              h(
                'li',
                {},
                h('a', { href: '#/tasks/' + encodeURIComponent(x.id) }, `${t('kind.' + x.kind)} · ${x.project.name}`),
                ` — ${t('inbox.dueAt')} ${fmtTime(x.dueAt)}`,
              ),
            ),
          )
        : h('p', { class: 'muted' }, t('dash.noData')),
    ),
  );
}
