import { api } from '../api.js';
import { CRITERIA } from '../domain.js';
import { t } from '../i18n.js';
import { badge, card, dataTable, fmtFen, fmtTime, h } from '../ui.js';
import { reviewActionsCard } from './review-actions.js';
import { personNameMap } from './timeline.js';

const OUTCOME_CLASS = { EXEMPT: 'ok', LENIENT: 'warn', NOT_EXEMPT: 'danger' };
const FINDING_CLASS = { MET: 'ok', UNCLEAR: 'warn', NOT_MET: 'danger' };

export const reviewStageBadge = (stage) =>
  badge(t('review.state.' + stage), ['refused', 'lapsed'].includes(stage) ? 'danger' : stage === 'resultApplied' ? 'ok' : '');
export const reviewOutcomeBadge = (outcome) =>
  outcome ? badge(t('review.outcome.' + outcome), OUTCOME_CLASS[outcome]) : h('span', { class: 'muted' }, t('rv.pending'));

const row = (label, value) => [h('dt', {}, label), h('dd', {}, value ?? '—')];
const list = (items) =>
  items?.length
    ? h(
        'ul',
        { class: 'compact' },
        items.map((x) => h('li', {}, x)),
      )
    : '—';

/** Everyone the case names: officials, members, investigators, voters, actors, the appellant. */
function peopleIn(c, actions) {
  const ctx = c.context;
  return [
    ...c.concernedUserIds,
    ...ctx.rounds.flatMap((r) => [...r.body.memberIds, ...r.investigatorIds, ...r.ballots.map((b) => b.memberId), r.decision?.decidedBy]),
    ctx.appeal?.appellantId,
    ctx.acceptance?.actorId,
    ctx.termination?.actorId,
    ctx.opening?.actorId,
    ...actions.map((a) => a.actorId),
  ];
}

function roundCard(round, index, person) {
  const findings = CRITERIA.filter((k) => round.findings[k]).map((k) => round.findings[k]);
  const currentBallots = round.ballots.filter((b) => b.ballotRound === round.ballotRound);
  const d = round.decision;
  return card(
    `${t(index === 0 ? 'rv.round1' : 'rv.round2')} · ${round.body.name}`,
    h(
      'dl',
      { class: 'summary' },
      row(t('rv.body'), `${round.body.name}（${t('rv.level.' + round.body.level)}）`),
      row(t('rv.members'), round.body.memberIds.map(person).join('、')),
    ),
    h('h3', {}, t('rv.findings')),
    dataTable({
      id: `findings-${index + 1}`,
      empty: t('rv.noFindings'),
      rows: findings,
      columns: [
        [t('rv.criterion'), (f) => t('review.criterion.' + f.criterion)],
        [t('rv.finding'), (f) => badge(t('review.finding.' + f.value), FINDING_CLASS[f.value])],
        [t('rv.evidence'), (f) => list(f.evidence)],
        [t('rv.investigator'), (f) => `${person(f.investigatorId)} · ${fmtTime(f.at)}`],
        [t('rv.note'), (f) => f.note ?? '—'],
      ],
    }),
    h('h3', {}, t('rv.votes')),
    dataTable({
      id: `votes-${index + 1}`,
      empty: t('rv.noVotes'),
      rows: round.ballots,
      columns: [
        [t('rv.member'), (b) => person(b.memberId)],
        [t('rv.choice'), (b) => reviewOutcomeBadge(b.choice)],
        [t('rv.ballotRound'), (b) => (b.ballotRound === round.ballotRound ? String(b.ballotRound) : h('s', {}, String(b.ballotRound)))],
        [t('common.time'), (b) => fmtTime(b.at)],
      ],
    }),
    d
      ? h(
          'div',
          { class: 'decision' },
          h('h3', {}, t('rv.decision'), ' ', reviewOutcomeBadge(d.outcome)),
          h(
            'dl',
            { class: 'summary' },
            row(t('rv.tally'), ['EXEMPT', 'LENIENT', 'NOT_EXEMPT'].map((o) => `${t('review.outcome.' + o)} ${d.tally[o]}`).join(' · ')),
            row(t('rv.quorum'), `${currentBallots.length} / ${d.membersCount} · ${t('rv.quorumNeeded', { n: d.quorumRequired })}`),
            row(t('rv.decided'), `${person(d.decidedBy)} · ${fmtTime(d.at)}`),
            d.impactPeriodEndsAt ? row(t('rv.impactUntil'), fmtTime(d.impactPeriodEndsAt)) : [],
            row(t('rv.measures'), list(d.correctiveMeasures.map((m) => `${m.description}（${t('ops.dueAt')} ${fmtTime(m.dueAt)}）`))),
            row(t('rv.noticeServed'), fmtTime(round.noticeServedAt)),
            row(t('rv.filed'), fmtTime(round.filedAt)),
          ),
        )
      : '',
  );
}

/** One case: who and what, each round's findings and votes, the outcome, the appeal, the notice. */
export default async function reviewPage({ params: [id] }) {
  const { case: c, actions, live, measures = [], mayAct = [] } = await api(`/api/reviews/${encodeURIComponent(id)}`);
  const ctx = c.context;
  const person = await personNameMap(api, peopleIn(c, actions));
  const decided = ctx.rounds.some((r) => r.decision);
  const appealClosesAt = live?.appealClosesAt ?? ctx.appealClosesAt;
  const forms = await reviewActionsCard({ c, mayAct, measures });
  return h(
    'div',
    { class: 'review-page', dataset: { stage: c.stage } },
    h('h1', {}, c.matter, ' ', reviewStageBadge(c.stage)),
    card(
      null,
      h(
        'dl',
        { class: 'summary', id: 'review-summary' },
        row(t('rv.outcome'), h('span', { id: 'review-outcome' }, reviewOutcomeBadge(c.outcome))),
        row(t('rv.trigger'), t('review.trigger.' + c.triggerType)),
        row(t('rv.county'), c.county),
        row(
          t('rv.officials'),
          h(
            'span',
            {},
            ctx.case.concernedOfficials.map((o, i) => [
              i ? '、' : '',
              h('a', { href: '#/officials/' + encodeURIComponent(o.userId), class: 'official-link' }, o.name),
              o.post ? `（${o.post}）` : '',
            ]),
          ),
        ),
        row(
          t('rv.projects'),
          h(
            'span',
            {},
            c.projectIds.map((p, i) => [i ? '、' : '', h('a', { href: '#/projects/' + encodeURIComponent(p) }, p)]),
          ),
        ),
        row(t('rv.loss'), fmtFen(ctx.case.lossFen)),
        row(t('rv.opening'), ctx.opening ? `${t('rv.' + ctx.opening.kind)} · ${person(ctx.opening.actorId)} · ${fmtTime(ctx.opening.at)}` : '—'),
        row(t('rv.opened'), fmtTime(c.openedAt)),
        c.closedAt ? row(t('rv.closed'), fmtTime(c.closedAt)) : [],
        ctx.termination ? row(t('rv.termination'), list(ctx.termination.reasons)) : [],
        ctx.exclusions.length ? row(t('rv.exclusions'), list(ctx.exclusions.map((e) => `${t('review.exclusion.' + e.kind)}：${e.description}`))) : [],
      ),
      decided
        ? h(
            'p',
            {},
            h('a', { href: `/api/reviews/${encodeURIComponent(c.id)}/notice`, target: '_blank', rel: 'noopener', id: 'notice-link' }, t('rv.notice'), ' ↗'),
          )
        : '',
    ),
    forms,
    ctx.rounds.map((r, i) => roundCard(r, i, person)),
    ctx.appeal || appealClosesAt
      ? card(
          t('rv.appeal'),
          h(
            'dl',
            { class: 'summary', id: 'review-appeal' },
            appealClosesAt ? row(t('rv.appealCloses'), fmtTime(appealClosesAt)) : [],
            ctx.appeal
              ? [row(t('rv.appellant'), `${person(ctx.appeal.appellantId)} · ${fmtTime(ctx.appeal.at)}`), row(t('rv.grounds'), ctx.appeal.grounds)]
              : [],
          ),
        )
      : '',
    measures.length
      ? card(
          t('rv.measures'),
          dataTable({
            id: 'review-measures',
            rows: measures,
            columns: [
              [t('rvf.measure'), (m) => m.title],
              [t('ops.dueAt'), (m) => fmtTime(m.dueAt)],
              [t('rv.stage'), (m) => badge(t('status.' + m.status), m.status === 'DONE' ? 'ok' : m.overdue ? 'danger' : '')],
              [t('rv.by'), (m) => (m.completedBy ? `${person(m.completedBy)} · ${fmtTime(m.completedAt)}` : '—')],
            ],
          }),
        )
      : '',
    card(
      t('rv.actions'),
      dataTable({
        id: 'review-actions',
        rows: actions,
        columns: [
          [t('ops.seq'), (a) => a.seq],
          [t('rv.step'), (a) => t('rv.action.' + a.type)],
          [t('rv.by'), (a) => person(a.actorId)],
          [
            t('rv.stage'),
            (a) =>
              a.stageBefore === a.stageAfter
                ? t('review.state.' + a.stageAfter)
                : `${t('review.state.' + a.stageBefore)} → ${t('review.state.' + a.stageAfter)}`,
          ],
          [t('common.time'), (a) => fmtTime(a.at)],
        ],
      }),
    ),
  );
}
