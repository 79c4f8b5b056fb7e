import { api } from '../api.js';
import { t } from '../i18n.js';
import { card, h, stageBadge } from '../ui.js';
import { moneyTable, projectSummary } from './project-summary.js';
import { stageTrail, timeline, unitNameMap } from './timeline.js';

export default async function projectPage({ params: [id] }) {
  const [project, units] = await Promise.all([api(`/api/projects/${encodeURIComponent(id)}`), unitNameMap(api)]);
  const flash = sessionStorage.getItem('bangfu-flash');
  sessionStorage.removeItem('bangfu-flash');
  const open = project.tasks.filter((x) => x.status === 'PENDING');
  return h('div', { class: 'project-page', dataset: { stage: project.stage } },
    flash ? h('p', { class: 'flash', role: 'status' }, flash) : '',
    h('h1', {}, project.name, ' ', stageBadge(project.stage)),
    card(t('project.stages'), stageTrail(project)),
    h('div', { class: 'two-col' },
      card(t('task.summary'), projectSummary(project, units)),
      card(t('project.money'), moneyTable(project))),
    card(t('project.openTasks'), open.length
      ? h('ul', {}, open.map((x) => h('li', {}, h('a', { href: '#/tasks/' + encodeURIComponent(x.id) }, `${t('kind.' + x.kind)} — ${x.title}`), x.candidateRole ? ` (${t('role.' + x.candidateRole)})` : '')))
      : h('p', { class: 'muted' }, t('project.none'))),
    card(t('project.timeline'), timeline(project, units)),
    h('p', {}, h('a', { href: project.temporalUiUrl, target: '_blank', rel: 'noopener', id: 'temporal-link' }, t('project.temporal'), ' ↗')));
}
