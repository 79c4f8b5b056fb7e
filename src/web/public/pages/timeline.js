import { TOWNSHIP_CHECKS } from '../domain.js';
import { has, t } from '../i18n.js';
import { fmtLastDay, fmtTime, h } from '../ui.js';

/**
 * Every recorded step of a project, oldest first: the audit events (proposal, every decision,
 * comment, reminder) with the stage change each decision made and the attachments it carried.
 */
export function timeline(project, unitNames = new Map()) {
  const byRequest = new Map(project.decisions.map((d) => [d.requestId, d]));
  const items = project.history.map((ev) => {
    const d = ev.requestId ? byRequest.get(ev.requestId) : undefined;
    const who = [ev.role ? t('role.' + ev.role) : '', ev.orgUnitId ? (unitNames.get(ev.orgUnitId) ?? ev.orgUnitId) : ''].filter(Boolean).join(' · ');
    const attachments = Array.isArray(d?.attachments) ? d.attachments : [];
    return h(
      'li',
      { class: 'tl-item', dataset: { action: ev.action } },
      h('time', { datetime: ev.at }, fmtTime(ev.at)),
      h(
        'div',
        {},
        h('strong', {}, t('audit.' + ev.action)),
        who ? h('span', { class: 'muted' }, ' — ', who) : '',
        // Payment and acceptance steps record their own phases (pending → approved), not stages.
        d && d.stageBefore !== d.stageAfter && has('stage.' + d.stageBefore) && has('stage.' + d.stageAfter)
          ? h('span', { class: 'muted' }, ` (${t('stage.' + d.stageBefore)} → ${t('stage.' + d.stageAfter)})`)
          : '',
        ev.comment ? h('blockquote', {}, ev.comment) : '',
        ev.action === 'PUBLICITY_STARTED' && ev.details?.endsAt
          ? h('p', { class: 'publicity-end', dataset: { endsAt: ev.details.endsAt } }, t('project.publicityUntil', { date: fmtLastDay(ev.details.endsAt) }))
          : '',
        ev.details?.checks ? checksList(ev.details.checks) : '',
        attachments.length
          ? h(
              'ul',
              {},
              attachments.map((a) => h('li', {}, a.name ?? a.fileName ?? JSON.stringify(a))),
            )
          : '',
      ),
    );
  });
  return h('ol', { class: 'timeline', id: 'timeline' }, items.length ? items : h('li', { class: 'muted' }, t('project.none')));
}

/** The township review's five checks as recorded with its decision: result and note per check. */
function checksList(checks) {
  return h(
    'ul',
    { class: 'checks-recorded', 'aria-label': t('checks.recorded') },
    TOWNSHIP_CHECKS.filter((c) => checks[c]).map((c) =>
      h(
        'li',
        { dataset: { check: c, result: checks[c].result } },
        `${t('check.' + c)}：${t('checks.' + checks[c].result)}`,
        checks[c].note ? `（${checks[c].note}）` : '',
      ),
    ),
  );
}

/** The stages the project has passed through, from the workflow's own history when it answers. */
export function stageTrail(project) {
  const seen = [];
  const push = (s) => s && seen[seen.length - 1] !== s && seen.push(s);
  const live = project.live?.history;
  if (Array.isArray(live) && live.length) live.forEach((e) => push(e.stage));
  else {
    push('PROPOSED');
    project.decisions.forEach((d) => {
      push(d.stageBefore);
      push(d.stageAfter);
    });
  }
  push(project.stage);
  return h(
    'ol',
    { class: 'stages', 'aria-label': t('project.stages') },
    seen.map((s, i) => h('li', { class: i === seen.length - 1 ? 'current' : 'past', 'aria-current': i === seen.length - 1 ? 'step' : null }, t('stage.' + s))),
  );
}

export async function unitNameMap(api) {
  const units = await api('/api/dashboard/org-units').then(
    (r) => r.items,
    () => [],
  );
  return new Map(units.map((u) => [u.id, u.name]));
}

/** Display names for the user ids a page shows; an id the server does not name stays as it is. */
export async function personNameMap(api, ids) {
  const wanted = [...new Set(ids.filter((id) => typeof id === 'string' && id && id !== 'system'))];
  const found = wanted.length
    ? await api('/api/web/people', { query: { ids: wanted.join(',') } }).then(
        (r) => r.items,
        () => [],
      )
    : [];
  const names = new Map(found.map((u) => [u.id, u.displayName]));
  return (id) => (id ? (names.get(id) ?? id) : '—');
}
