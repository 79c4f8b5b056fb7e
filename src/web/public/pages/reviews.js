import { api } from '../api.js';
import { go } from '../app.js';
import { REVIEW_STATES } from '../domain.js';
import { t } from '../i18n.js';
import { dataTable, field, fmtTime, h, select } from '../ui.js';
import { reviewOutcomeBadge, reviewStageBadge } from './review.js';

/** 容错纠错 cases I may see: about me, or of a county whose deciding body or leading group I am in. */
export default async function reviewsPage({ query }) {
  const list = await api('/api/reviews', { query: { stage: query.stage, mine: query.mine, pageSize: 200 } });
  const stage = select('stage', [['', t('rv.all')], ...REVIEW_STATES.map((s) => [s, t('review.state.' + s)])], query.stage);
  const mine = h('input', { type: 'checkbox', name: 'mine', id: 'reviews-mine', checked: query.mine === 'true' });
  const form = h(
    'form',
    { class: 'filters', role: 'search' },
    field(t('rv.stage'), stage),
    h('div', { class: 'field check' }, mine, h('label', { for: 'reviews-mine' }, t('rv.mine'))),
    h('button', { type: 'submit', class: 'secondary' }, t('common.apply')),
  );
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    go('/reviews?' + new URLSearchParams(Object.entries({ stage: stage.value, mine: mine.checked ? 'true' : '' }).filter(([, v]) => v)));
  });
  const officials = (c) => (Array.isArray(c.concernedOfficials) ? c.concernedOfficials.map((o) => o.name).join('、') : '—');
  return h(
    'div',
    {},
    h('h1', {}, t('rv.title'), ' ', h('span', { class: 'muted' }, `(${list.total})`)),
    h('p', {}, h('a', { href: '#/reviews/new', class: 'button', id: 'review-new-link' }, t('rvf.newTitle'))),
    form,
    h(
      'div',
      { class: 'card' },
      dataTable({
        id: 'reviews',
        empty: t('rv.empty'),
        rows: list.items,
        columns: [
          [t('rv.matter'), (c) => h('a', { href: '#/reviews/' + encodeURIComponent(c.id) }, c.matter)],
          [t('rv.officials'), officials],
          [t('rv.stage'), (c) => reviewStageBadge(c.stage)],
          [t('rv.outcome'), (c) => reviewOutcomeBadge(c.outcome)],
          [t('rv.trigger'), (c) => t('review.trigger.' + c.triggerType)],
          [t('rv.opened'), (c) => fmtTime(c.openedAt)],
        ],
      }),
    ),
  );
}
