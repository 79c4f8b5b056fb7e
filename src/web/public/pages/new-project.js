import { api, newRequestId } from '../api.js';
import { go, hasRole } from '../app.js';
import { FUNDING_SOURCES } from '../domain.js';
import { parseProposals, startAll } from '../bulk-start.js';
import { inPageLanguage, t } from '../i18n.js';
import { card, clearErrors, dataTable, field, formError, h, select, showErrors, yuanToFen } from '../ui.js';

/** A list of rows (funding sources, targets) whose inputs report under body.<list>.<i>.<field>. */
function rowList(listPath, makeRow, addLabel) {
  const body = h('div', { class: 'rows' });
  const renumber = () =>
    [...body.children].forEach((row, i) => row.querySelectorAll('[data-sub]').forEach((f) => (f.dataset.path = `${listPath}.${i}.${f.dataset.sub}`)));
  const add = () => {
    const remove = h('button', { type: 'button', class: 'link' }, t('np.remove'));
    const row = h('div', { class: 'row' }, makeRow(), remove);
    remove.addEventListener('click', () => {
      if (body.children.length > 1) {
        row.remove();
        renumber();
      }
    });
    body.append(row);
    renumber();
    return row;
  };
  add();
  const wrap = h(
    'fieldset',
    { 'data-path': listPath },
    h('legend', {}, ''),
    body,
    h('button', { type: 'button', class: 'secondary', onclick: () => add().querySelector('input,select')?.focus() }, addLabel),
    h('p', { class: 'field-error', role: 'status' }),
  );
  return { wrap, rows: () => [...body.children] };
}

function subField(label, control, name) {
  const f = field(label, control);
  f.dataset.sub = name;
  return f;
}

export default async function newProjectPage() {
  const units = await api('/api/dashboard/org-units').then((r) => r.items);
  const villages = units.filter((u) => u.level === 'VILLAGE');
  const inputs = {
    name: h('input', { name: 'name', required: true, maxlength: 100 }),
    industry: h('input', { name: 'industry', required: true, maxlength: 50 }),
    orgUnitId: select(
      'orgUnitId',
      villages.map((v) => [v.id, v.name]),
    ),
    budget: h('input', { name: 'budget', inputmode: 'decimal', required: true }),
    implementer: h('input', { name: 'implementer', required: true, maxlength: 100 }),
    creditCode: h('input', { name: 'creditCode', maxlength: 30 }),
    households: h('input', { name: 'households', type: 'number', min: 0, step: 1, required: true }),
    mechanism: h('textarea', { name: 'mechanism', rows: 2, required: true, maxlength: 500 }),
    meeting: h('textarea', { name: 'meeting', rows: 3, required: true, maxlength: 2000 }),
    year: h('input', { name: 'fiscalYear', type: 'number', min: 2000, max: 2100 }),
  };
  const sources = rowList(
    'body.fundingSources',
    () => [
      subField(
        t('np.source'),
        select(
          'source',
          FUNDING_SOURCES.map((s) => [s, t('source.' + s)]),
        ),
        'source',
      ),
      subField(t('np.amount'), h('input', { name: 'amount', inputmode: 'decimal' }), 'amountFen'),
    ],
    t('np.addSource'),
  );
  sources.wrap.querySelector('legend').textContent = t('np.sources');
  const targets = rowList(
    'body.performanceTargets',
    () => [
      subField(t('np.indicator'), h('input', { name: 'indicator', maxlength: 200 }), 'indicator'),
      subField(t('np.target'), h('input', { name: 'target', maxlength: 200 }), 'target'),
    ],
    t('np.addTarget'),
  );
  targets.wrap.querySelector('legend').textContent = t('np.targets');

  const submit = h('button', { type: 'submit' }, t('np.submit'));
  const form = h(
    'form',
    { id: 'new-project', novalidate: true },
    field(t('np.name'), inputs.name, { path: 'body.name' }),
    field(t('np.industry'), inputs.industry, { path: 'body.industry' }),
    field(t('np.village'), inputs.orgUnitId, { path: 'body.orgUnitId' }),
    field(t('np.budget'), inputs.budget, { path: 'body.budgetFen' }),
    sources.wrap,
    field(t('np.implementer'), inputs.implementer, { path: 'body.implementer.name' }),
    field(t('np.creditCode'), inputs.creditCode, { path: 'body.implementer.creditCode' }),
    field(t('np.households'), inputs.households, { path: 'body.householdLinkage.households' }),
    field(t('np.mechanism'), inputs.mechanism, { path: 'body.householdLinkage.mechanism' }),
    targets.wrap,
    field(t('np.meeting'), inputs.meeting, { path: 'body.meetingRecord' }),
    field(t('np.year'), inputs.year, { path: 'body.fiscalYear' }),
    formError(),
    h('p', {}, submit),
  );

  // One request id per form: a double click or a retry after a network error proposes once.
  let requestId = newRequestId();
  form.addEventListener('input', () => (requestId = newRequestId()));

  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearErrors(form);
    const num = (el) => (el.value.trim() === '' ? NaN : Number(el.value));
    const body = {
      requestId,
      name: inputs.name.value.trim(),
      industry: inputs.industry.value.trim(),
      orgUnitId: inputs.orgUnitId.value,
      budgetFen: yuanToFen(inputs.budget.value),
      fundingSources: sources
        .rows()
        .map((r) => ({ source: r.querySelector('[name=source]').value, amountFen: yuanToFen(r.querySelector('[name=amount]').value) })),
      implementer: { name: inputs.implementer.value.trim(), ...(inputs.creditCode.value.trim() ? { creditCode: inputs.creditCode.value.trim() } : {}) },
      householdLinkage: { households: num(inputs.households), mechanism: inputs.mechanism.value.trim() },
      performanceTargets: targets
        .rows()
        .map((r) => ({ indicator: r.querySelector('[name=indicator]').value.trim(), target: r.querySelector('[name=target]').value.trim() }))
        .filter((x) => x.indicator || x.target),
      meetingRecord: inputs.meeting.value.trim(),
      ...(inputs.year.value ? { fiscalYear: num(inputs.year) } : {}),
    };
    // Checks the browser can make at once; the server's Zod schema has the last word.
    const details = [];
    const need = (ok, path) => ok || details.push({ path, message: t('np.required') });
    need(body.name.length >= 2, 'body.name');
    need(body.industry, 'body.industry');
    need(body.orgUnitId, 'body.orgUnitId');
    need(body.budgetFen > 0, 'body.budgetFen');
    body.fundingSources.forEach((s, i) => need(Number.isFinite(s.amountFen), `body.fundingSources.${i}.amountFen`));
    need(body.implementer.name, 'body.implementer.name');
    need(Number.isInteger(body.householdLinkage.households) && body.householdLinkage.households >= 0, 'body.householdLinkage.households');
    need(body.householdLinkage.mechanism, 'body.householdLinkage.mechanism');
    need(body.performanceTargets.length > 0, 'body.performanceTargets');
    need(body.meetingRecord, 'body.meetingRecord');
    const sum = body.fundingSources.reduce((s, f) => s + (Number.isFinite(f.amountFen) ? f.amountFen : 0), 0);
    if (body.budgetFen > 0 && sum !== body.budgetFen) details.push({ path: 'body.fundingSources', message: t('np.sumMismatch') });
    if (details.length) return showErrors(form, { message: t('common.error'), details });

    submit.disabled = true;
    try {
      const res = await api('/api/projects', { method: 'POST', body });
      sessionStorage.setItem('bangfu-flash', t('np.created'));
      go('/projects/' + encodeURIComponent(res.projectId));
    } catch (err) {
      showErrors(form, err);
    } finally {
      submit.disabled = false;
    }
  });

  return h('div', {}, h('h1', {}, t('np.title')), card(null, form), hasRole('ADMIN') ? bulkStartCard() : '');
}

/** Administrators: start every proposal in a JSON or CSV file, row by row, with a result per row. */
function bulkStartCard() {
  const file = h('input', { type: 'file', name: 'bulkFile', accept: '.json,.csv,application/json,text/csv' });
  const start = h('button', { type: 'button' }, t('bulk.start'));
  const progress = h('p', { id: 'bulk-progress', role: 'status' });
  const out = h('div', { id: 'bulk-results' });
  const statusText = (r) => (r.status === 'refused' ? `${t('bulk.refused')}: ${r.code}` : t('bulk.' + r.status));
  const table = (results) =>
    dataTable({
      id: 'bulk-table',
      columns: [
        [t('bulk.row'), (r) => String(r.index + 1), { num: true }],
        [t('bulk.status'), statusText],
        [t('bulk.project'), (r) => (r.projectId ? h('a', { href: '#/projects/' + encodeURIComponent(r.projectId) }, r.projectId) : '')],
        [t('bulk.detail'), (r) => (r.status === 'refused' ? [r.field, r.message].filter(Boolean).join(' — ') : t('stage.' + r.stage))],
      ],
      rows: results.map((r) => ({ ...r, id: String(r.index + 1) })),
    });

  start.addEventListener('click', async () => {
    const chosen = file.files?.[0];
    out.replaceChildren();
    if (!chosen) return (progress.textContent = t('bulk.noFile'));
    let entries;
    try {
      entries = parseProposals(chosen.name, await chosen.text());
    } catch (err) {
      return (progress.textContent = t('bulk.badFile', { message: err.message }));
    }
    start.disabled = true;
    const counts = { started: 0, existing: 0, refused: 0 };
    const results = [];
    try {
      await startAll(chosen.name, entries, (r, done, total) => {
        counts[r.status]++;
        results.push(r);
        progress.textContent = t('bulk.progress', { done, total, ...counts });
        out.replaceChildren(table(results));
      });
      if (!entries.length) progress.textContent = t('bulk.progress', { done: 0, total: 0, ...counts });
    } catch (err) {
      progress.textContent = `${t('common.error')}: ${inPageLanguage(err.code, err.message)}`;
    } finally {
      start.disabled = false;
    }
  });

  return card(t('bulk.title'), h('p', { class: 'muted' }, t('bulk.hint')), field(t('bulk.file'), file), h('p', {}, start), progress, out);
}
