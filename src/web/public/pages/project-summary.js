import { APPROVED_STAGES, TRANCHES } from '../domain.js';
import { t } from '../i18n.js';
import { fmtFen, fmtTime, h, stageBadge } from '../ui.js';

const row = (label, value) => [h('dt', {}, label), h('dd', {}, value ?? '—')];

/** The proposal at a glance: what, where, how much, who benefits. */
export function projectSummary(project, unitNames = new Map()) {
  const p = project.proposal || {};
  return h(
    'dl',
    { class: 'summary' },
    row(t('project.stage'), stageBadge(project.stage)),
    row(t('project.industry'), project.industry),
    row(t('project.village'), unitNames.get(project.villageId) ?? project.villageId),
    row(t('project.budget'), fmtFen(project.budgetFen)),
    row(t('project.implementer'), p.implementer?.name),
    row(t('project.households'), p.householdLinkage?.households),
    row(t('project.mechanism'), p.householdLinkage?.mechanism),
    row(t('project.targets'), (p.performanceTargets || []).map((x) => `${x.indicator}: ${x.target}`).join('；')),
    row(t('project.meeting'), p.meetingRecord),
    row(t('project.created'), fmtTime(project.createdAt)),
  );
}

/**
 * Money: budget by source; approved (the budget, from the leading group's 审定 on); once funded,
 * allocated, disbursed and paid per tranche (from /records).
 */
export function moneyTable(project, records = null) {
  const sources = project.proposal?.fundingSources || [];
  const money = records?.money;
  const funded = Boolean(money && money.allocatedFen > 0);
  const approved = APPROVED_STAGES.includes(project.stage) || (project.stage === 'RETURNED' && funded) ? project.budgetFen : 0;
  return h(
    'div',
    {},
    h(
      'table',
      { class: 'data' },
      h('caption', {}, t('project.funding')),
      h(
        'tbody',
        {},
        sources.map((s) => h('tr', {}, h('th', { scope: 'row' }, t('source.' + s.source)), h('td', { class: 'num' }, fmtFen(s.amountFen)))),
        h('tr', { class: 'total' }, h('th', { scope: 'row' }, t('project.budget')), h('td', { class: 'num' }, fmtFen(project.budgetFen))),
      ),
    ),
    h(
      'dl',
      { class: 'summary' },
      row(t('project.approved'), h('span', { id: 'approved-fen' }, fmtFen(approved))),
      funded ? row(t('ops.allocated'), h('span', { id: 'allocated-fen' }, fmtFen(money.allocatedFen))) : [],
      row(t('project.disbursed'), funded ? h('strong', { id: 'disbursed-fen' }, fmtFen(money.disbursedFen)) : t('project.notYet')),
      funded && project.live?.financial
        ? [
            row(t('ops.releasable'), fmtFen(project.live.financial.releasableFen)),
            row(t('ops.verifiedProgress'), `${project.live.financial.verifiedProgressPercent}%`),
            row(t('ops.ownCapital'), fmtFen(project.live.financial.ownCapitalInvestedFen)),
          ]
        : [],
    ),
    funded
      ? h(
          'table',
          { class: 'data', id: 'tranches' },
          h('caption', {}, t('ops.tranche')),
          h(
            'tbody',
            {},
            TRANCHES.map((tr) =>
              h(
                'tr',
                { dataset: { tranche: tr } },
                h('th', { scope: 'row' }, t('tranche.' + tr)),
                h('td', { class: 'num' }, fmtFen(money.paidByTranche?.[tr] ?? 0)),
              ),
            ),
          ),
        )
      : '',
    // Paid per fiscal source: central 衔接资金 on its own (payments from before the rule have none).
    funded && money.paidBySource
      ? h(
          'table',
          { class: 'data', id: 'paid-by-source' },
          h('caption', {}, t('ops.paidBySource')),
          h(
            'tbody',
            {},
            Object.entries(money.paidBySource).map(([src, fen]) =>
              h('tr', { dataset: { source: src } }, h('th', { scope: 'row' }, t('source.' + src)), h('td', { class: 'num' }, fmtFen(fen))),
            ),
          ),
        )
      : '',
  );
}
