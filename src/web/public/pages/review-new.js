import { api, newRequestId } from '../api.js';
import { go, hasRole, session } from '../app.js';
import { TRIGGER_TYPES } from '../domain.js';
import { t } from '../i18n.js';
import { parseYuan } from '../money.js';
import { card, clearErrors, field, formError, h, select, showErrors } from '../ui.js';

/*
 * Apply for (申请) or open (认定机构启动) a fault-tolerance case: POST /api/reviews. An official
 * applies with one of their open eligibilities (the inbox's 可申请容错纠错 notice links here with
 * it), which brings the project, trigger and window along; without one, or when the deciding body
 * opens the case, the form asks for the project, the officials and when they were notified. It
 * offers no deciding body, level, quorum or window: the server draws the body from the county's
 * holders of the deciding role and takes the rules from the county's settings (the API refuses them).
 */

/** A date input's day as epoch ms at the given time in Asia/Shanghai (deadlines count whole days there). */
export const shanghaiDay = (value, time = '23:59:59') => (value ? Date.parse(`${value}T${time}+08:00`) : undefined);

/** Checkboxes for people (`[{ userId, displayName }]`) under one field path; `read()` gives the checked ids. */
export function peopleChecks(name, people, path, checked = []) {
  const boxes = people.map((p) => h('input', { type: 'checkbox', name, value: p.userId, id: `${name}-${p.userId}`, checked: checked.includes(p.userId) }));
  const node = h(
    'fieldset',
    { class: 'field', dataset: { path } },
    h('legend', {}, t('rvf.' + name)),
    people.length ? boxes.map((b, i) => h('div', { class: 'check' }, b, h('label', { for: b.id }, people[i].displayName))) : h('p', { class: 'muted' }, '—'),
    h('p', { class: 'field-error', role: 'status' }),
  );
  return { node, read: () => boxes.filter((b) => b.checked).map((b) => b.value) };
}

/** Client-side problems shown like the API's, under the same field paths. */
export const fail = (form, problems) => showErrors(form, { message: t('rvf.fix'), details: problems });

export default async function reviewNewPage({ query }) {
  const [eligibilities, options] = await Promise.all([
    api('/api/review-eligibilities', { query: { open: 'true' } }).then(
      (r) => r.items,
      () => [],
    ),
    api('/api/reviews/opening-options', { query: { projectId: query.project } }),
  ]);
  const me = session.me?.userId;
  const mayOpen = hasRole('DISCIPLINE_INSPECTION');
  const opening = select(
    'opening',
    [['APPLY', t('rvf.apply')], ...(mayOpen ? [['OPEN_BY_BODY', t('rvf.openByBody')]] : [])],
    query.eligibility || !mayOpen ? 'APPLY' : 'OPEN_BY_BODY',
  );
  const eligibility = select(
    'eligibilityId',
    [
      ['', t('rvf.noEligibility')],
      ...eligibilities.map((e) => [
        e.id,
        `${e.projectId} · ${t('review.trigger.' + e.trigger)} · ${t('rvf.until')} ${new Date(e.closesAt).toLocaleDateString('zh-CN')}`,
      ]),
    ],
    query.eligibility,
  );
  const projectIds = h('input', { name: 'projectIds', value: options.project?.id ?? query.project ?? '', autocomplete: 'off' });
  const trigger = select(
    'triggerType',
    TRIGGER_TYPES.map((k) => [k, t('review.trigger.' + k)]),
    'POOR_GRADE',
  );
  const notifiedAt = h('input', { name: 'notifiedAt', type: 'date' });
  const matter = h('textarea', { name: 'matter', rows: 3, maxlength: 5000 });
  const loss = h('input', { name: 'lossFen', inputmode: 'decimal', autocomplete: 'off' });
  const officials = peopleChecks('officials', options.officials, 'body.concernedOfficials', []);

  const withoutEligibility = h(
    'fieldset',
    { id: 'review-new-facts' },
    h('legend', {}, t('rvf.facts')),
    field(t('rvf.projectIds'), projectIds, { path: 'body.projectIds', hint: t('rvf.projectIdsHint') }),
    officials.node,
    field(t('rv.trigger'), trigger, { path: 'body.triggerType' }),
    field(t('rvf.notifiedAt'), notifiedAt, { path: 'body.notifiedAt' }),
  );
  const sync = () => {
    eligibility.closest('.field').hidden = opening.value !== 'APPLY';
    withoutEligibility.hidden = opening.value === 'APPLY' && Boolean(eligibility.value);
  };

  const form = h(
    'form',
    { id: 'review-new', novalidate: true },
    field(t('rv.opening'), opening, { path: 'body.opening' }),
    field(t('rvf.eligibility'), eligibility, { path: 'body.eligibilityId' }),
    withoutEligibility,
    field(t('rv.matter'), matter, { path: 'body.matter' }),
    field(t('rvf.lossYuan'), loss, { path: 'body.lossFen' }),
    h('p', { class: 'muted', id: 'review-new-body' }, t('rvf.bodyBySystem')),
    formError(),
    h('button', { type: 'submit' }, t('rvf.submitOpen')),
  );
  opening.addEventListener('change', sync);
  eligibility.addEventListener('change', sync);

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearErrors(form);
    const problems = [];
    const lossFen = parseYuan(loss.value.trim() || '0');
    if (!lossFen.ok || lossFen.fen < 0) problems.push({ path: 'body.lossFen', message: t('cmd.badYuan') });
    if (!matter.value.trim()) problems.push({ path: 'body.matter', message: t('cmd.required') });
    const useEligibility = opening.value === 'APPLY' && eligibility.value;
    const body = {
      requestId: newRequestId(),
      opening: opening.value,
      matter: matter.value.trim(),
      lossFen: lossFen.ok ? lossFen.fen : 0,
    };
    if (useEligibility) body.eligibilityId = eligibility.value;
    else {
      const ids = projectIds.value.split(/[,，\s]+/).filter(Boolean);
      const chosen = officials.read();
      Object.assign(body, {
        countyOrgUnitId: options.county?.id,
        projectIds: ids,
        // An official applying names themself; the body names whom the case is about.
        concernedOfficials: (opening.value === 'APPLY' && !chosen.length ? [me] : chosen).map((userId) => ({ userId })),
        triggerType: trigger.value,
        notifiedAt: shanghaiDay(notifiedAt.value, '00:00:00'),
      });
      if (!ids.length) problems.push({ path: 'body.projectIds', message: t('cmd.required') });
      if (!notifiedAt.value) problems.push({ path: 'body.notifiedAt', message: t('cmd.required') });
    }
    if (problems.length) return fail(form, problems);
    try {
      const res = await api('/api/reviews', { method: 'POST', body });
      go('/reviews/' + encodeURIComponent(res.caseId));
    } catch (err) {
      showErrors(form, err);
    }
  });
  sync();
  return h('div', {}, h('h1', {}, t('rvf.newTitle')), card(null, form));
}
