import { api, newRequestId } from '../api.js';
import { render } from '../app.js';
import { inPageLanguage, t } from '../i18n.js';
import { badge, card, dataTable, fmtFen, fmtTime, h } from '../ui.js';
import { sumFen } from '../money.js';

const ASSET_CLASSES = ['OPERATING', 'PUBLIC_WELFARE', 'HOUSEHOLD'];
const GOOD = new Set(['PAID', 'PASSED', 'APPROVED', 'DONE', 'DISMISSED']);
const BAD = new Set(['REJECTED', 'FAILED', 'FLAGGED', 'CONFIRMED', 'OPEN', 'WITHDRAWN']);

/** A status badge coloured by how it ended: done well (green), stopped or flagged (red), under way. */
const statusBadge = (label, status) => badge(label, GOOD.has(status) ? 'ok' : BAD.has(status) ? 'danger' : 'warn');

const evidenceList = (items) =>
  Array.isArray(items) && items.length
    ? h(
        'ul',
        { class: 'compact' },
        items.map((e) => h('li', {}, String(e))),
      )
    : '—';

/** 核实: one button per report the signed-in verifier may verify now; errors appear beside it. */
function verifyButton(project, report) {
  const what = report.kind === 'CAPITAL' ? fmtFen(report.amountFen) : `${report.percent}%`;
  const error = h('span', { class: 'form-error', role: 'alert' });
  const button = h(
    'button',
    {
      type: 'button',
      class: 'small',
      'aria-label': `${t('ops.verify')}：${t('reportKind.' + report.kind)} ${what}`,
      async onclick() {
        button.disabled = true;
        error.textContent = '';
        try {
          await api(`/api/projects/${encodeURIComponent(project.id)}/actions`, {
            method: 'POST',
            body: { requestId: newRequestId(), command: { type: 'VERIFY_REPORT', reportId: report.id } },
          });
          sessionStorage.setItem('bangfu-flash', t('cmd.done', { what: `${t('cmd.VERIFY_REPORT')}（${t('reportKind.' + report.kind)} ${what}）` }));
          render();
        } catch (err) {
          error.textContent = inPageLanguage(err.code, err.message);
          button.disabled = false;
        }
      },
    },
    t('ops.verify'),
  );
  return h('span', {}, button, ' ', error);
}

function reportsCard({ project, records, canVerify, person }) {
  return card(
    t('ops.reports'),
    dataTable({
      id: 'reports',
      rows: records.reports,
      columns: [
        [t('ops.kind'), (r) => t('reportKind.' + r.kind)],
        [t('ops.value'), (r) => (r.kind === 'CAPITAL' ? fmtFen(r.amountFen) : `${r.percent}%`), { num: true }],
        [t('ops.evidence'), (r) => evidenceList(r.evidence)],
        [t('ops.reportedBy'), (r) => `${person(r.reportedBy)} · ${fmtTime(r.reportedAt)}`],
        [
          t('ops.status'),
          (r) =>
            r.verifiedBy
              ? h('span', {}, badge(t('ops.verified'), 'ok'), ' ', h('span', { class: 'muted' }, `${person(r.verifiedBy)} · ${fmtTime(r.verifiedAt)}`))
              : canVerify(r)
                ? verifyButton(project, r)
                : badge(t('ops.unverified'), 'warn'),
        ],
      ],
    }),
  );
}

function paymentsCard({ records, person }) {
  return card(
    t('ops.payments'),
    dataTable({
      id: 'payments',
      rows: records.payments,
      columns: [
        [t('ops.seq'), (p) => p.seq],
        [t('ops.tranche'), (p) => t('tranche.' + p.tranche)],
        [t('ops.amount'), (p) => fmtFen(p.amountFen), { num: true }],
        [t('ops.payee'), (p) => [p.payeeId, p.payeeAccount ? h('span', { class: 'muted' }, ' · ', p.payeeAccount) : '']],
        [t('ops.status'), (p) => h('span', { class: 'payment-status', dataset: { status: p.status } }, statusBadge(t('pay.' + p.status), p.status))],
        [t('ops.requestedAt'), (p) => `${person(p.requestedBy)} · ${fmtTime(p.requestedAt)}`],
        [t('ops.paidAt'), (p) => (p.paidAt ? [fmtTime(p.paidAt), h('br'), h('span', { class: 'muted' }, `${t('ops.voucher')} ${p.voucherNo}`)] : '—')],
        [
          t('ops.invoices'),
          (p) =>
            p.invoices.length
              ? h(
                  'ul',
                  { class: 'compact invoices' },
                  p.invoices.map((i) => h('li', { title: i.sha256 }, i.number)),
                )
              : '—',
        ],
        [
          t('ops.riskFlags'),
          (p) =>
            p.riskFlags.length
              ? h(
                  'ul',
                  { class: 'compact risk-flags' },
                  p.riskFlags.map((f) =>
                    h(
                      'li',
                      { dataset: { code: f.code } },
                      statusBadge(t('flagStatus.' + f.status), f.status),
                      ' ',
                      h('strong', {}, t('risk.' + f.code)),
                      h('br'),
                      h('span', { class: 'muted' }, f.message),
                    ),
                  ),
                )
              : '—',
        ],
      ],
    }),
  );
}

function acceptancesCard({ records, person }) {
  const vote = (v) =>
    v
      ? `${t('ops.votesFor')} ${v.votesFor} · ${t('ops.votesAgainst')} ${v.votesAgainst} · ${t('ops.abstentions')} ${v.abstentions ?? 0} · ${t('ops.satisfaction')} ${v.satisfactionPercent}%`
      : '—';
  return card(
    t('ops.acceptances'),
    dataTable({
      id: 'acceptances',
      rows: records.acceptances,
      columns: [
        [t('ops.round'), (a) => a.round],
        [t('ops.result'), (a) => statusBadge(t('acceptance.' + a.result), a.result)],
        [t('ops.vote'), (a) => vote(a.vote)],
        [t('ops.decidedAt'), (a) => (a.decidedAt ? `${person(a.decidedBy)} · ${fmtTime(a.decidedAt)}` : '—')],
      ],
    }),
  );
}

function assetsCard({ records }) {
  const classes = ASSET_CLASSES.filter((c) => records.assets.some((a) => a.assetClass === c));
  const body = classes.length
    ? classes.map((c) => {
        const rows = records.assets.filter((a) => a.assetClass === c);
        const subtotal = sumFen(rows, 'valueFen');
        return dataTable({
          caption: `${t('assetClass.' + c)} · ${t('ops.subtotal')} ${fmtFen(subtotal)}`,
          rows,
          columns: [
            [t('ops.assetName'), (a) => a.name],
            [t('ops.assetValue'), (a) => fmtFen(a.valueFen), { num: true }],
            [t('ops.owner'), (a) => a.owner],
            [t('ops.custodian'), (a) => a.custodian],
            [t('ops.certificate'), (a) => a.certificateNo ?? '—'],
            [
              t('ops.status'),
              (a) => (a.handedOverAt ? statusBadge(`${t('ops.handedOver')} ${fmtTime(a.handedOverAt)}`, 'DONE') : badge(t('ops.notHandedOver'), 'warn')),
            ],
          ],
        });
      })
    : h('p', { class: 'muted' }, t('ops.none'));
  return card(t('ops.assets'), h('div', { id: 'assets' }, body));
}

function incomeCard({ records }) {
  return card(
    t('ops.income'),
    dataTable({
      id: 'income',
      rows: records.income,
      columns: [
        [t('ops.period'), (i) => i.period],
        [t('ops.incomeFen'), (i) => fmtFen(i.incomeFen), { num: true }],
        [t('ops.distributed'), (i) => fmtFen(i.distributedFen), { num: true }],
        [t('ops.retained'), (i) => fmtFen(i.retainedFen), { num: true }],
        [t('ops.dividendRate'), (i) => `${(i.dividendRateBp / 100).toFixed(2)}%`, { num: true }],
        [t('ops.meetsMinimum'), (i) => statusBadge(t(i.meetsMinimum ? 'ops.yes' : 'ops.no'), i.meetsMinimum ? 'DONE' : 'FAILED')],
        [t('ops.households'), (i) => (Array.isArray(i.distribution) ? i.distribution.length : '—'), { num: true }],
      ],
    }),
  );
}

function evaluationsCard({ records }) {
  return card(
    t('ops.evaluations'),
    dataTable({
      id: 'evaluations',
      rows: records.evaluations,
      columns: [
        [t('ops.seq'), (e) => e.seq],
        [t('ops.score'), (e) => (e.scoreTenths / 10).toFixed(1), { num: true }],
        [t('ops.grade'), (e) => statusBadge(t('grade.' + e.grade), e.grade === 'POOR' ? 'FAILED' : 'DONE')],
        [t('ops.outcomeClass'), (e) => t('outcomeClass.' + e.outcomeClass)],
        [t('ops.status'), (e) => statusBadge(t('evalStatus.' + e.status), e.status)],
        [t('ops.submittedAt'), (e) => fmtTime(e.submittedAt)],
      ],
    }),
  );
}

function rectificationsCard({ records }) {
  return card(
    t('ops.rectifications'),
    dataTable({
      id: 'rectifications',
      rows: records.rectifications,
      columns: [
        [t('ops.kind'), (r) => t('rectKind.' + r.kind)],
        [t('ops.plan'), (r) => r.plan ?? '—'],
        [t('ops.dueAt'), (r) => fmtTime(r.dueAt)],
        [t('ops.status'), (r) => statusBadge(t('rectStatus.' + r.status), r.status)],
        [t('ops.openedAt'), (r) => fmtTime(r.openedAt)],
      ],
    }),
  );
}

function linksCard({ records }) {
  const link = (id) => h('a', { href: '#/projects/' + encodeURIComponent(id) }, id);
  return card(
    t('ops.links'),
    h(
      'ul',
      { class: 'plain', id: 'replacement-links' },
      records.replacedByProjectId ? h('li', { dataset: { link: 'replaced-by' } }, t('ops.replacedBy'), ' ', link(records.replacedByProjectId)) : '',
      records.replacesProjectId ? h('li', { dataset: { link: 'replaces' } }, t('ops.replaces'), ' ', link(records.replacesProjectId)) : '',
    ),
  );
}

/**
 * What a funded project has on record (GET /records): reports with their verify buttons, payments
 * with invoices and risk flags, acceptance rounds, assets by class, income, evaluations,
 * rectifications and replacement links. Sections with nothing yet after implementation are left out.
 */
export function recordSections({ project, records, allowed, stage, person }) {
  const verifyStages = allowed?.commands.find((c) => c.type === 'VERIFY_REPORT')?.stages ?? [];
  const canVerify = (r) => !r.verifiedBy && verifyStages.includes(stage) && (allowed?.verifies ?? []).includes(r.kind);
  const ctx = { project, records, canVerify, person };
  return [
    reportsCard(ctx),
    paymentsCard(ctx),
    records.acceptances.length || records.assets.length ? h('div', { class: 'grid' }, acceptancesCard(ctx), assetsCard(ctx)) : '',
    records.income.length || records.evaluations.length ? h('div', { class: 'grid' }, incomeCard(ctx), evaluationsCard(ctx)) : '',
    records.rectifications.length ? rectificationsCard(ctx) : '',
    records.replacedByProjectId || records.replacesProjectId ? linksCard(ctx) : '',
  ];
}
