import { api } from '../api.js';
import { go } from '../app.js';
import { GRADES, RISK_FLAG_CODES, STAGES } from '../domain.js';
import { lang, t } from '../i18n.js';
import { field, fmtFen, fmtTime, formError, h, pager, select, showErrors, stageBadge } from '../ui.js';

const PAGE_SIZE = 50;
/** The list API's filters (ZProjectListQuery), kept in the page's URL so a filtered list can be shared. */
const FILTERS = ['q', 'stage', 'orgUnitId', 'industry', 'year', 'grade', 'riskFlag'];

const href = (q) => '#/projects?' + new URLSearchParams(Object.entries(q).filter(([, v]) => v !== undefined && v !== ''));

/** Projects in my org units, filtered and paged on the server; a refused filter shows next to its control. */
export default async function projectsPage({ query }) {
  const filters = Object.fromEntries(FILTERS.map((k) => [k, (query[k] ?? '').trim() || undefined]));
  const page = Math.max(1, Number(query.page) || 1);
  const [list, units] = await Promise.all([
    api('/api/projects', { query: { ...filters, page, pageSize: PAGE_SIZE } }).catch((err) =>
      err.status === 400 ? { refused: err, items: [], total: 0 } : Promise.reject(err),
    ),
    api('/api/dashboard/org-units').then(
      (r) => r.items,
      () => [],
    ),
  ]);
  const names = new Map(units.map((u) => [u.id, u.name]));
  const all = ['', t('projects.all')];

  const controls = {
    q: h('input', { name: 'q', type: 'search', value: filters.q ?? '', maxlength: 100 }),
    stage: select('stage', [all, ...STAGES.map((s) => [s, t('stage.' + s)])], filters.stage),
    orgUnitId: select(
      'orgUnitId',
      [all, ...units.filter((u) => u.level !== 'COUNTY').map((u) => [u.id, u.level === 'VILLAGE' ? `　${u.name}` : u.name])],
      filters.orgUnitId,
    ),
    industry: h('input', { name: 'industry', value: filters.industry ?? '', maxlength: 60 }),
    year: h('input', { name: 'year', type: 'number', min: 2000, max: 2100, step: 1, value: filters.year ?? '' }),
    grade: select('grade', [all, ...GRADES.map((g) => [g, t('grade.' + g)])], filters.grade),
    riskFlag: select('riskFlag', [all, ['OPEN', t('pf.openFlags')], ...RISK_FLAG_CODES.map((c) => [c, t('risk.' + c)])], filters.riskFlag),
  };
  const labels = {
    q: t('projects.search'),
    stage: t('projects.stage'),
    orgUnitId: t('pf.orgUnit'),
    industry: t('projects.industry'),
    year: t('dash.year'),
    grade: t('pf.grade'),
    riskFlag: t('pf.riskFlag'),
  };
  const form = h(
    'form',
    { class: 'filters', role: 'search', id: 'project-filters' },
    FILTERS.map((k) => field(labels[k], controls[k], { path: 'querystring.' + k })),
    h('button', { type: 'submit', class: 'secondary' }, t('common.apply')),
    formError(),
  );
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    go(href(Object.fromEntries(FILTERS.map((k) => [k, controls[k].value.trim()]))).slice(1));
  });
  if (list.refused) queueMicrotask(() => showErrors(form, list.refused));

  const table = h(
    'table',
    { class: 'data responsive', id: 'projects' },
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        [
          t('np.name'),
          t('projects.stage'),
          t('projects.industry'),
          t('projects.township') + ' / ' + t('project.village'),
          t('project.budget'),
          t('pf.grade'),
          t('project.created'),
        ].map((c) => h('th', { scope: 'col' }, c)),
      ),
    ),
    h(
      'tbody',
      {},
      list.items.map((p) =>
        h(
          'tr',
          { dataset: { projectId: p.id } },
          h('td', { 'data-label': t('np.name') }, h('a', { href: '#/projects/' + encodeURIComponent(p.id) }, p.name)),
          h('td', { 'data-label': t('projects.stage') }, stageBadge(p.stage)),
          h('td', { 'data-label': t('projects.industry') }, p.industry),
          h('td', { 'data-label': t('projects.township') }, `${names.get(p.townshipId) ?? p.townshipId} / ${names.get(p.villageId) ?? p.villageId}`),
          h('td', { 'data-label': t('project.budget'), class: 'num' }, fmtFen(p.budgetFen)),
          h('td', { 'data-label': t('pf.grade') }, p.latestGrade ? t('grade.' + p.latestGrade) : '—'),
          h('td', { 'data-label': t('project.created') }, fmtTime(p.createdAt)),
        ),
      ),
    ),
  );

  // The ledgers of the filters applied (not of the page shown), downloaded with the session cookie.
  const exportQuery = new URLSearchParams(Object.entries({ ...filters, lang }).filter(([, v]) => v !== undefined && v !== ''));
  const exportLink = h(
    'a',
    { href: '/api/projects/export.xlsx?' + exportQuery, class: 'button secondary', id: 'export-xlsx', download: '', title: t('projects.exportHint') },
    t('projects.exportXlsx'),
  );

  const pageLinks = pager({ page, total: list.total, pageSize: PAGE_SIZE, href: (p) => href({ ...filters, page: p }) });

  return h(
    'div',
    {},
    h('h1', {}, t('projects.title'), ' ', h('span', { class: 'muted', id: 'projects-total' }, t('projects.count', { n: list.total }))),
    form,
    h('p', {}, exportLink),
    list.items.length ? table : h('p', { class: 'card muted', id: 'projects' }, t('projects.empty')),
    pageLinks,
  );
}
