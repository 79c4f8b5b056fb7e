import { api } from '../api.js';
import { go } from '../app.js';
import { CODE_LABELS, REVIEW_CASE_KINDS } from '../domain.js';
import { t } from '../i18n.js';
import { dueBadge, field, fmtFen, fmtTime, h, pager, select, stageBadge } from '../ui.js';

const VIEWS = ['pending', 'claimed', 'copied', 'done'];
// Every kind the dictionary names (code-labels.ts), as the React app's inbox offers them.
const KINDS = Object.keys(CODE_LABELS.zh.kind);
const PAGE_SIZE = 20;

// 容错纠错 tasks open their case (or, for an eligibility notice, the application form), not the approval task page.
const CASE_KINDS = new Set(REVIEW_CASE_KINDS);
const taskHref = (task) =>
  CASE_KINDS.has(task.kind)
    ? '#/reviews/' + encodeURIComponent(task.workflowId.replace(/^review-/, ''))
    : task.kind === 'REVIEW_ELIGIBLE'
      ? '#/reviews/new?eligibility=' + encodeURIComponent(task.id.replace(/^review-eligible:/, ''))
      : '#/tasks/' + encodeURIComponent(task.id);

const href = (q) => '#/inbox?' + new URLSearchParams(Object.entries(q).filter(([, v]) => v !== undefined && v !== ''));

/** The landing page: my tasks per view with counts, due badges and filters. */
export default async function inboxPage({ query }) {
  const view = VIEWS.includes(query.view) ? query.view : 'pending';
  const page = Math.max(1, Number(query.page) || 1);
  const filters = { kind: query.kind || undefined, orgUnitId: query.orgUnitId || undefined, overdue: query.overdue || undefined };
  const [counts, list, units] = await Promise.all([
    Promise.all(
      VIEWS.map((v) =>
        api('/api/tasks', { query: { view: v, pageSize: 1 } }).then(
          (r) => r.total,
          () => null,
        ),
      ),
    ),
    api('/api/tasks', { query: { view, page, pageSize: PAGE_SIZE, ...filters } }),
    api('/api/dashboard/org-units').then(
      (r) => r.items,
      () => [],
    ),
  ]);

  const tabs = h(
    'nav',
    { class: 'tabs', 'aria-label': t('inbox.title') },
    VIEWS.map((v, i) =>
      h(
        'a',
        { href: href({ view: v }), 'aria-current': v === view ? 'page' : null, dataset: { view: v } },
        t('inbox.' + v),
        ' ',
        h('span', { class: 'count' }, counts[i] ?? '–'),
      ),
    ),
  );

  const kind = select('kind', [['', t('inbox.all')], ...KINDS.map((k) => [k, t('kind.' + k)])], filters.kind);
  const org = select('orgUnitId', [['', t('inbox.all')], ...units.filter((u) => u.level !== 'COUNTY').map((u) => [u.id, u.name])], filters.orgUnitId);
  const overdue = select(
    'overdue',
    [
      ['', t('inbox.all')],
      ['true', t('inbox.overdueOnly')],
      ['false', t('inbox.notOverdue')],
    ],
    filters.overdue,
  );
  const filterForm = h(
    'form',
    { class: 'filters', role: 'search' },
    field(t('inbox.kind'), kind),
    field(t('inbox.org'), org),
    field(t('inbox.due'), overdue),
    h('button', { type: 'submit', class: 'secondary' }, t('inbox.filter')),
  );
  filterForm.addEventListener('submit', (e) => {
    e.preventDefault();
    go(href({ view, kind: kind.value, orgUnitId: org.value, overdue: overdue.value }).slice(1));
  });

  const items = list.items.map((task) =>
    h(
      'li',
      { class: 'task card', dataset: { taskId: task.id, projectId: task.projectId } },
      h(
        'div',
        { class: 'task-head' },
        h('a', { href: taskHref(task), class: 'task-link' }, `${t('kind.' + task.kind)} · ${task.project.name}`),
        dueBadge(task.dueAt, task.overdue),
      ),
      h(
        'p',
        { class: 'muted' },
        stageBadge(task.project.stage),
        ' ',
        task.project.industry,
        ' · ',
        fmtFen(task.project.budgetFen),
        ' · ',
        fmtTime(task.createdAt),
        task.claimedBy ? ' · ' + t('inbox.claimed') : '',
      ),
    ),
  );

  const pageLinks = pager({ page, total: list.total, pageSize: PAGE_SIZE, href: (p) => href({ view, ...filters, page: p }) });

  return h(
    'div',
    {},
    h('h1', {}, t('inbox.title'), ' ', h('span', { class: 'muted', id: 'inbox-total' }, `(${list.total})`)),
    tabs,
    filterForm,
    items.length ? h('ul', { class: 'plain', id: 'tasks' }, items) : h('p', { class: 'card muted', id: 'tasks' }, t('inbox.empty')),
    pageLinks,
  );
}
