import { api } from '../api.js';
import { t } from '../i18n.js';
import { card, h, stageBadge } from '../ui.js';
import { commandPanel } from './project-commands.js';
import { recordSections } from './project-records.js';
import { moneyTable, projectSummary } from './project-summary.js';
import { personNameMap, stageTrail, timeline, unitNameMap } from './timeline.js';

/** Every user id the records name, so the page can show people by name. */
const peopleIn = (records) =>
  records
    ? [
        ...records.reports.flatMap((r) => [r.reportedBy, r.verifiedBy]),
        ...records.payments.map((p) => p.requestedBy),
        ...records.acceptances.map((a) => a.decidedBy),
      ]
    : [];

export default async function projectPage({ params: [id], query }) {
  const base = `/api/projects/${encodeURIComponent(id)}`;
  const [project, units, records, allowed] = await Promise.all([
    api(base),
    unitNameMap(api),
    api(`${base}/records`).catch(() => null),
    api(`/api/web/projects/${encodeURIComponent(id)}/commands`).catch(() => null),
  ]);
  // The workflow's own stage when it answers (the projection may lag a moment behind it).
  const stage = project.live?.stage ?? project.stage;
  const person = await personNameMap(api, peopleIn(records));
  const flash = sessionStorage.getItem('bangfu-flash');
  sessionStorage.removeItem('bangfu-flash');
  const open = project.tasks.filter((x) => x.status === 'PENDING');
  const funded = Boolean(records && records.money.allocatedFen > 0);
  return h(
    'div',
    { class: 'project-page', dataset: { stage: project.stage } },
    flash ? h('p', { class: 'flash', role: 'status' }, flash) : '',
    h('h1', {}, project.name, ' ', stageBadge(project.stage)),
    card(t('project.stages'), stageTrail(project)),
    await commandPanel({ project, allowed, stage, preselect: query.command }),
    h('div', { class: 'two-col' }, card(t('task.summary'), projectSummary(project, units)), card(t('project.money'), moneyTable(project, records))),
    card(
      t('project.openTasks'),
      open.length
        ? h(
            'ul',
            {},
            open.map((x) =>
              h(
                'li',
                {},
                h('a', { href: '#/tasks/' + encodeURIComponent(x.id) }, `${t('kind.' + x.kind)} — ${x.title}`),
                x.candidateRole ? ` (${t('role.' + x.candidateRole)})` : '',
              ),
            ),
          )
        : h('p', { class: 'muted' }, t('project.none')),
    ),
    funded ? recordSections({ project, records, allowed, stage, person }) : '',
    card(t('project.timeline'), timeline(project, units)),
    // The server gives the link to monitors and administrators only (null for everyone else).
    project.temporalUiUrl
      ? h('p', {}, h('a', { href: project.temporalUiUrl, target: '_blank', rel: 'noopener', id: 'temporal-link' }, t('project.temporal'), ' ↗'))
      : '',
  );
}
