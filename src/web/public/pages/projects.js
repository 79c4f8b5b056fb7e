import { api } from '../api.js';
import { go } from '../app.js';
import { STAGES } from '../domain.js';
import { t } from '../i18n.js';
import { field, fmtFen, fmtTime, h, select, stageBadge } from '../ui.js';

/**
 * Projects in my org units. The stage filter runs on the server; name, industry, township and
 * year narrow the (at most 200) projects of that stage in the browser until the list API has them.
 */
export default async function projectsPage({ query }) {
  const [list, units] = await Promise.all([
    api('/api/projects', { query: { stage: query.stage, pageSize: 200 } }),
    api('/api/dashboard/org-units').then((r) => r.items, () => []),
  ]);
  const names = new Map(units.map((u) => [u.id, u.name]));
  const q = (query.q || '').trim();
  const items = list.items.filter((p) =>
    (!q || p.name.includes(q)) &&
    (!query.industry || p.industry === query.industry) &&
    (!query.township || p.townshipId === query.township) &&
    (!query.year || new Date(p.createdAt).getFullYear() === Number(query.year)));

  const search = h('input', { name: 'q', type: 'search', value: q });
  const stage = select('stage', [['', t('projects.all')], ...STAGES.map((s) => [s, t('stage.' + s)])], query.stage);
  const industries = [...new Set(list.items.map((p) => p.industry))].sort();
  const industry = select('industry', [['', t('projects.all')], ...industries.map((i) => [i, i])], query.industry);
  const township = select('township', [['', t('projects.all')], ...units.filter((u) => u.level === 'TOWNSHIP').map((u) => [u.id, u.name])], query.township);
  const years = [...new Set(list.items.map((p) => new Date(p.createdAt).getFullYear()))].sort().reverse();
  const year = select('year', [['', t('projects.all')], ...years.map((y) => [y, y])], query.year);
  const form = h('form', { class: 'filters', role: 'search' },
    field(t('projects.search'), search), field(t('projects.stage'), stage), field(t('projects.industry'), industry),
    field(t('projects.township'), township), field(t('dash.year'), year),
    h('button', { type: 'submit', class: 'secondary' }, t('common.apply')));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const qs = new URLSearchParams(Object.entries({ q: search.value.trim(), stage: stage.value, industry: industry.value, township: township.value, year: year.value }).filter(([, v]) => v));
    go('/projects?' + qs);
  });

  const table = h('table', { class: 'data responsive', id: 'projects' },
    h('thead', {}, h('tr', {}, [t('np.name'), t('projects.stage'), t('projects.industry'), t('projects.township') + ' / ' + t('project.village'), t('project.budget'), t('project.created')].map((c) => h('th', { scope: 'col' }, c)))),
    h('tbody', {}, items.map((p) => h('tr', { dataset: { projectId: p.id } },
      h('td', { 'data-label': t('np.name') }, h('a', { href: '#/projects/' + encodeURIComponent(p.id) }, p.name)),
      h('td', { 'data-label': t('projects.stage') }, stageBadge(p.stage)),
      h('td', { 'data-label': t('projects.industry') }, p.industry),
      h('td', { 'data-label': t('projects.township') }, `${names.get(p.townshipId) ?? p.townshipId} / ${names.get(p.villageId) ?? p.villageId}`),
      h('td', { 'data-label': t('project.budget'), class: 'num' }, fmtFen(p.budgetFen)),
      h('td', { 'data-label': t('project.created') }, fmtTime(p.createdAt))))));

  return h('div', {},
    h('h1', {}, t('projects.title'), ' ', h('span', { class: 'muted' }, t('projects.count', { n: items.length }))),
    form,
    items.length ? table : h('p', { class: 'card muted' }, t('projects.empty')));
}
