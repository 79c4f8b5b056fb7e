import { api, newRequestId } from '../api.js';
import { render } from '../app.js';
import { FISCAL_SOURCES, OUTCOME_CLASSES, TRANCHES } from '../domain.js';
import { t } from '../i18n.js';
import { formatFen, parseYuan } from '../money.js';
import { card, clearErrors, field, formError, h, select, showErrors, uid } from '../ui.js';

/*
 * The command panel of a project page: exactly the commands the signed-in user's roles allow in
 * the project's current stage (the server's PROJECT_COMMAND_RULES, via /api/web/projects/:id/commands),
 * each with its form. The browser checks what it can (required, numbers, yuan) and puts every
 * problem, its own or the API's, next to the field whose path it names.
 */

// ---- parsers: raw text → { value } or { error } ----------------------------------------------

const yuan = (raw) => {
  const p = parseYuan(raw);
  return p.ok && p.fen >= 0 ? { value: p.fen } : { error: t('cmd.badYuan') };
};
const int = (min, max) => (raw) =>
  /^\d+$/.test(raw) && Number(raw) >= min && Number(raw) <= max ? { value: Number(raw) } : { error: `${t('cmd.badInt')} (${min}–${max})` };
const score = (raw) => (/^\d{1,3}(\.\d)?$/.test(raw) && Number(raw) <= 100 ? { value: Number(raw) } : { error: t('cmd.badScore') });
/** A percent with up to two decimals as basis points: the same exact hundredths as yuan → fen. */
const percentBp = (raw) => {
  const p = parseYuan(raw);
  return p.ok && p.fen >= 0 && p.fen <= 10_000 ? { value: p.fen } : { error: t('cmd.badScore') };
};
const lines = (raw) => ({
  value: raw
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean),
});
const households = (raw) => {
  const out = [];
  for (const [i, line] of raw.split('\n').entries()) {
    if (!line.trim()) continue;
    const m = /^([^,，\s]+)\s*(?:[,，\s]\s*(\d+))?$/.exec(line.trim());
    if (!m || (m[2] !== undefined && Number(m[2]) < 1)) return { error: t('cmd.badLine', { n: i + 1 }) };
    out.push({ householdId: m[1], shares: m[2] === undefined ? 1 : Number(m[2]) });
  }
  return { value: out };
};
const asText = (raw) => ({ value: raw });

// ---- controls: each knows its path in the body and how to read itself ------------------------

/** One input (or select, textarea) at `path` inside the body; `prefix` is where the body puts it. */
function control(prefix, path, label, { parse = asText, required = true, type = 'text', options, multiline, value, hint, inputmode } = {}) {
  const el = options
    ? select(path, required ? options : [['', '—'], ...options], value)
    : multiline
      ? h('textarea', { name: path, rows: 3, maxlength: 2000 }, value ?? '')
      : h('input', { name: path, type, value: value ?? null, inputmode, autocomplete: 'off' });
  return {
    node: field(label, el, { path: `${prefix}.${path}`, hint }),
    async read(problems) {
      const raw = el.value.trim();
      if (!raw) {
        if (required) problems.push({ path: `${prefix}.${path}`, message: t('cmd.required') });
        return [];
      }
      const parsed = parse(raw);
      if (parsed.error) {
        problems.push({ path: `${prefix}.${path}`, message: parsed.error });
        return [];
      }
      return [[path, parsed.value]];
    },
  };
}

const hex = (buf) => [...new Uint8Array(buf)].map((b) => b.toString(16).padStart(2, '0')).join('');

/** Invoices: rows of number + file; the file's SHA-256 is computed here, the file never leaves. */
function invoicesControl(prefix) {
  const list = h('div', { class: 'rows' });
  const rows = [];
  const addRow = () => {
    const i = rows.length;
    const number = h('input', { name: `invoices.${i}.number`, autocomplete: 'off' });
    const file = h('input', { name: `invoices.${i}.file`, type: 'file' });
    const row = h(
      'div',
      { class: 'row' },
      field(t('cmd.invoiceNumber'), number, { path: `${prefix}.invoices.${i}.number` }),
      field(t('cmd.invoiceFile'), file, { path: `${prefix}.invoices.${i}.sha256` }),
    );
    rows.push({ number, file });
    list.append(row);
  };
  return {
    node: h(
      'fieldset',
      { 'data-path': `${prefix}.invoices` },
      h('legend', {}, t('cmd.invoices')),
      list,
      h('button', { type: 'button', class: 'secondary', onclick: addRow }, t('cmd.addInvoice')),
      h('p', { class: 'field-error', role: 'status' }),
    ),
    async read(problems) {
      const invoices = [];
      for (const [i, r] of rows.entries()) {
        const number = r.number.value.trim();
        const f = r.file.files?.[0];
        if (!number && !f) continue;
        if (!number) problems.push({ path: `${prefix}.invoices.${i}.number`, message: t('cmd.required') });
        if (!f) problems.push({ path: `${prefix}.invoices.${i}.sha256`, message: t('cmd.badFile') });
        if (number && f) invoices.push({ number, sha256: hex(await crypto.subtle.digest('SHA-256', await f.arrayBuffer())) });
      }
      return invoices.length ? [['invoices', invoices]] : [];
    },
  };
}

const group = (legend, controls) => ({
  node: h(
    'fieldset',
    {},
    h('legend', {}, legend),
    controls.map((c) => c.node),
  ),
  async read(problems) {
    return (await Promise.all(controls.map((c) => c.read(problems)))).flat();
  },
});

// ---- the forms ---------------------------------------------------------------------------------

const C = 'body.command';
/** The fiscal sources a payment may name (src/domain/lifecycle/fiscal-funding.ts); own capital and loans are not paid out. */
const opts = (codes, prefix) => codes.map((c) => [c, t(`${prefix}.${c}`)]);
const score4 = (base, keys) => keys.map((k) => control(C, `indicators.${base}.${k}`, t('cmd.' + k), { parse: score, inputmode: 'decimal' }));

/** Each command's controls; `ctx` carries the project (payee default) and the pool (replacements). */
const FORMS = {
  REPORT_PROGRESS: () => [
    control(C, 'percent', t('cmd.percent'), { parse: int(0, 100), inputmode: 'numeric' }),
    control(C, 'evidence', t('cmd.evidence'), { parse: lines, multiline: true }),
  ],
  REPORT_CAPITAL: () => [
    control(C, 'amountFen', t('cmd.amountYuan'), { parse: yuan, inputmode: 'decimal' }),
    control(C, 'evidence', t('cmd.evidence'), { parse: lines, multiline: true }),
  ],
  REQUEST_PAYMENT: ({ project }) => {
    const implementer = project.proposal?.implementer ?? {};
    return [
      control(C, 'tranche', t('cmd.tranche'), { options: opts(TRANCHES, 'tranche') }),
      control(C, 'amountFen', t('cmd.amountYuan'), { parse: yuan, inputmode: 'decimal' }),
      control(C, 'payeeId', t('cmd.payeeId'), {
        value: implementer.creditCode ?? implementer.name,
        hint: implementer.creditCode ? implementer.name : undefined,
      }),
      control(C, 'payeeAccount', t('cmd.payeeAccount'), { required: false }),
      invoicesControl(C),
      control(C, 'reportedTotalSpendFen', t('cmd.totalSpend'), { parse: yuan, required: false, inputmode: 'decimal' }),
      // Left empty, the workflow picks the source (central 衔接资金 first) and records it.
      control(C, 'fiscalSource', t('cmd.fiscalSource'), { options: opts(FISCAL_SOURCES, 'source'), required: false }),
    ];
  },
  REQUEST_ACCEPTANCE: () => [],
  RECORD_ACCEPTANCE_VOTE: () => [
    control(C, 'representatives', t('cmd.representatives'), { parse: int(1, 100_000), inputmode: 'numeric' }),
    control(C, 'votesFor', t('cmd.votesFor'), { parse: int(0, 100_000), inputmode: 'numeric' }),
    control(C, 'votesAgainst', t('cmd.votesAgainst'), { parse: int(0, 100_000), inputmode: 'numeric' }),
    control(C, 'abstentions', t('cmd.abstentions'), { parse: int(0, 100_000), required: false, value: '0', inputmode: 'numeric' }),
    control(C, 'satisfactionPercent', t('cmd.satisfaction'), { parse: int(0, 100), inputmode: 'numeric' }),
  ],
  RECTIFIED: () => [control(C, 'text', t('cmd.text'), { multiline: true })],
  REGISTER_ASSET: () => [
    control(C, 'name', t('cmd.assetName')),
    control(C, 'assetClass', t('cmd.assetClass'), { options: opts(['OPERATING', 'PUBLIC_WELFARE', 'HOUSEHOLD'], 'assetClass') }),
    control(C, 'valueFen', t('cmd.valueYuan'), { parse: yuan, inputmode: 'decimal' }),
    control(C, 'owner', t('cmd.owner')),
    control(C, 'custodian', t('cmd.custodian')),
    control(C, 'certificateNo', t('cmd.certificateNo'), { required: false }),
  ],
  CONFIRM_HANDOVER: () => [],
  RECORD_INCOME: () => [
    control(C, 'period.from', t('cmd.periodFrom'), { type: 'date' }),
    control(C, 'period.until', t('cmd.periodUntil'), { type: 'date' }),
    control(C, 'incomeFen', t('cmd.incomeYuan'), { parse: yuan, inputmode: 'decimal' }),
    control(C, 'households', t('cmd.households'), { parse: households, multiline: true }),
    control(C, 'plan.retainedBp', t('cmd.retainedPercent'), { parse: percentBp, required: false, inputmode: 'decimal' }),
    control(C, 'plan.regularWeight', t('cmd.regularWeight'), { parse: int(0, 100), required: false, inputmode: 'numeric' }),
    control(C, 'plan.monitoredWeight', t('cmd.monitoredWeight'), { parse: int(0, 100), required: false, inputmode: 'numeric' }),
  ],
  REPORT_DEFECT: () => [control(C, 'text', t('cmd.text'), { multiline: true })],
  REPORT_DEFECT_REPAIRED: () => [
    control(C, 'defectId', t('cmd.defectId')),
    control(C, 'evidence', t('cmd.evidence'), { parse: lines, multiline: true }),
    control(C, 'text', t('cmd.text'), { multiline: true, required: false }),
  ],
  VERIFY_DEFECT_REPAIR: () => [
    control(C, 'defectId', t('cmd.defectId')),
    control(C, 'result', t('cmd.repairResult'), {
      options: [
        ['ACCEPTED', t('cmd.repairAccepted')],
        ['REJECTED', t('cmd.repairRejected')],
      ],
    }),
    control(C, 'comment', t('cmd.comment'), { multiline: true, required: false }),
  ],
  SUBMIT_EVALUATION: () => [
    group(t('cmd.output'), score4('output', ['quantity', 'quality', 'timeliness', 'cost'])),
    group(t('cmd.benefit'), score4('benefit', ['economic', 'social', 'ecological', 'sustainability'])),
    control(C, 'indicators.satisfactionPercent', t('cmd.satisfactionPercent'), { parse: score, inputmode: 'decimal' }),
    control(C, 'indicators.budgetExecutionPercent', t('cmd.budgetExecution'), { parse: score, inputmode: 'decimal' }),
    control(C, 'outcomeClass', t('cmd.outcomeClass'), { options: opts(OUTCOME_CLASSES, 'outcomeClass'), required: false }),
    control(C, 'outcomeReason', t('cmd.outcomeReason'), { multiline: true, required: false }),
    control(C, 'comment', t('cmd.comment'), { multiline: true, required: false }),
  ],
  SUBMIT_RECTIFICATION_PLAN: () => [
    control(C, 'plan', t('cmd.plan'), { multiline: true }),
    control(C, 'dueInDays', t('cmd.dueInDays'), { parse: int(1, 730), inputmode: 'numeric' }),
  ],
  PROPOSE_REPLACEMENT: ({ pool }) => [
    control(C, 'replacementProjectId', t('cmd.replacement'), { options: pool.map((p) => [p.id, p.name]) }),
    control(C, 'reason', t('cmd.reason'), { multiline: true }),
  ],
  // 资金下达 is its own route (POST /funding), so its fields sit at the top of the body.
  FUND: ({ project }) => [
    control('body', 'fiscalYear', t('cmd.fiscalYear'), { parse: int(2000, 2100), value: String(new Date().getFullYear()), inputmode: 'numeric' }),
    control('body', 'amountFen', t('cmd.amountYuan'), { parse: yuan, value: formatFen(project.budgetFen), inputmode: 'decimal' }),
    // Registered here, screened on every payment: a payment to any other account is flagged.
    control('body', 'payeeAccounts', t('cmd.payeeAccounts'), { parse: lines, multiline: true, required: false }),
  ],
};

function setPath(obj, path, value) {
  const keys = path.split('.');
  let o = obj;
  for (const k of keys.slice(0, -1)) o = o[k] ??= {};
  o[keys[keys.length - 1]] = value;
  return obj;
}

function send(project, type, values) {
  const base = `/api/projects/${encodeURIComponent(project.id)}`;
  if (type === 'FUND') return api(`${base}/funding`, { method: 'POST', body: { requestId: newRequestId(), ...values } });
  return api(`${base}/actions`, { method: 'POST', body: { requestId: newRequestId(), command: { type, ...values } } });
}

/** The commands open to the signed-in user now, in the order of PROJECT_COMMAND_RULES. */
export function openCommands(allowed, stage) {
  if (!allowed) return [];
  const types = allowed.commands.filter((c) => c.type !== 'VERIFY_REPORT' && c.stages.includes(stage)).map((c) => c.type);
  if (allowed.allocatesFunds && stage === 'IN_POOL') types.unshift('FUND');
  return types;
}

/** The panel, or nothing for someone who never sends commands on this project (e.g. a monitor). */
export async function commandPanel({ project, allowed, stage, preselect }) {
  if (!allowed || (!allowed.commands.some((c) => c.type !== 'VERIFY_REPORT') && !allowed.allocatesFunds)) return '';
  const types = openCommands(allowed, stage);
  if (!types.length) return card(t('cmd.title'), h('p', { class: 'muted', id: 'no-commands' }, t('cmd.noneNow')));
  const pool = types.includes('PROPOSE_REPLACEMENT')
    ? await api('/api/projects', { query: { stage: 'IN_POOL', pageSize: 200 } }).then(
        (r) => r.items.filter((p) => p.id !== project.id),
        () => [],
      )
    : [];
  const choice = select(
    'command',
    types.map((c) => [c, t('cmd.' + c)]),
    types.includes(preselect) ? preselect : types[0],
  );
  choice.id = uid('command');
  const fields = h('div', { class: 'command-fields' });
  const submit = h('button', { type: 'submit' }, t('cmd.submit'));
  const form = h('form', { id: 'command-form', novalidate: true }, field(t('cmd.choose'), choice), fields, formError(), h('p', {}, submit));
  let controls = [];
  const build = () => {
    controls = FORMS[choice.value]({ project, pool });
    fields.replaceChildren(...(controls.length ? controls.map((c) => c.node) : [h('p', { class: 'muted' }, t('cmd.noFields'))]));
    form.dataset.command = choice.value;
    clearErrors(form);
  };
  choice.addEventListener('change', build);
  build();
  // An edited field drops its old message; the rest stay until the next submit.
  const clearField = (ev) => {
    const wrap = ev.target.closest?.('.field');
    if (!wrap || ev.target === choice) return;
    wrap.classList.remove('invalid');
    ev.target.removeAttribute('aria-invalid');
    const slot = wrap.querySelector(':scope > .field-error');
    if (slot) slot.textContent = '';
  };
  form.addEventListener('input', clearField);
  form.addEventListener('change', clearField);
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearErrors(form);
    const type = choice.value;
    const problems = [];
    const entries = (await Promise.all(controls.map((c) => c.read(problems)))).flat();
    if (problems.length) return showErrors(form, { message: t('common.error'), details: problems });
    submit.disabled = true;
    try {
      await send(
        project,
        type,
        entries.reduce((o, [path, value]) => setPath(o, path, value), {}),
      );
      sessionStorage.setItem('bangfu-flash', t('cmd.done', { what: t('cmd.' + type) }));
      render();
    } catch (err) {
      showErrors(form, err);
      submit.disabled = false;
    }
  });
  return card(t('cmd.title'), form);
}
