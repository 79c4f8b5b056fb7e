import { api, newRequestId } from '../api.js';
import { hasRole, render } from '../app.js';
import { t } from '../i18n.js';
import { card, clearErrors, dataTable, field, fmtTime, formError, h, showErrors } from '../ui.js';
import { reviewOutcomeBadge } from './review.js';

/*
 * An official's record (结果运用): the final outcome of each fault-tolerance case about them, with
 * whether it still counts against them today, and their honours (表彰奖励). An administrator
 * records an honour here for a project graded 优; the API refuses any other (GRADE_NOT_EXCELLENT).
 */

function honourForm(userId) {
  const projectId = h('input', { name: 'projectId', autocomplete: 'off' });
  const title = h('input', { name: 'title', autocomplete: 'off' });
  const form = h(
    'form',
    { id: 'honour-form', novalidate: true },
    field(t('rvf.honourProject'), projectId, { path: 'body.projectId' }),
    field(t('rvf.honourTitle'), title, { path: 'body.title' }),
    formError(),
    h('button', { type: 'submit' }, t('rvf.recordHonour')),
  );
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearErrors(form);
    try {
      await api(`/api/officials/${encodeURIComponent(userId)}/honours`, {
        method: 'POST',
        body: { requestId: newRequestId(), projectId: projectId.value.trim(), title: title.value.trim() },
      });
      render();
    } catch (err) {
      showErrors(form, err);
    }
  });
  return form;
}

export default async function officialRecordPage({ params: [userId] }) {
  const rec = await api(`/api/officials/${encodeURIComponent(userId)}/record`);
  return h(
    'div',
    { class: 'official-record' },
    h('h1', {}, t('rvf.recordTitle', { name: rec.official.displayName })),
    card(
      t('rvf.reviewOutcomes'),
      dataTable({
        id: 'official-reviews',
        empty: t('rv.empty'),
        rows: rec.reviews,
        columns: [
          [t('rv.matter'), (r) => h('a', { href: '#/reviews/' + encodeURIComponent(r.caseId) }, r.case.matter)],
          [t('rv.outcome'), (r) => reviewOutcomeBadge(r.outcome)],
          [t('rv.decided'), (r) => fmtTime(r.decidedAt)],
          [t('rv.impactUntil'), (r) => (r.impactPeriodEndsAt ? fmtTime(r.impactPeriodEndsAt) : '—')],
          [t('rvf.adverseNow'), (r) => t(r.adverseNow ? 'rvf.yes' : 'rvf.no')],
          [t('rv.note'), (r) => r.summaryZh],
        ],
      }),
    ),
    card(
      t('rvf.honours'),
      dataTable({
        id: 'official-honours',
        empty: t('rvf.noHonours'),
        rows: rec.honours,
        columns: [
          [t('rvf.honourTitle'), (x) => x.title],
          [t('rvf.honourProject'), (x) => h('a', { href: '#/projects/' + encodeURIComponent(x.projectId) }, x.projectId)],
          [t('common.time'), (x) => fmtTime(x.awardedAt)],
        ],
      }),
      hasRole('ADMIN') ? honourForm(userId) : '',
    ),
  );
}
