import { api, newRequestId } from '../api.js';
import { render } from '../app.js';
import { CRITERIA, EXCLUSION_KINDS, REVIEW_OUTCOMES } from '../domain.js';
import { t } from '../i18n.js';
import { card, clearErrors, field, formError, h, select, showErrors } from '../ui.js';
import { fail, shanghaiDay } from './review-new.js';

/*
 * The forms of a case page: exactly the actions the server says the signed-in user may take now
 * (GET /api/reviews/:id → mayAct, measures[].mayComplete), each posting to the API and showing its
 * refusal next to the field it names. Refusals from the case's workflow name event fields
 * ("memberId", "correctiveMeasures.0.dueAt"), the API's own checks "body.event.…": both land on
 * the same controls.
 */

const FINDINGS = ['MET', 'NOT_MET', 'UNCLEAR'];

const lines = (el) =>
  el.value
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
const eventPaths = (err) => ({
  ...err,
  message: err.message,
  details: (err.details || []).map((d) => ({ ...d, path: String(d.path || '').replace(/^body\.event\./, '') })),
});

/** One action's form: `controls` are field nodes, `read(problems)` builds the event (without who and when). */
function actionForm(caseId, type, { controls = [], read = () => ({}), submit }) {
  const form = h(
    'form',
    { class: 'review-action', dataset: { action: type }, novalidate: true },
    h('h3', {}, t('rv.action.' + type)),
    controls,
    formError(),
    h('button', { type: 'submit' }, submit ?? t('rv.action.' + type)),
  );
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearErrors(form);
    const problems = [];
    const event = { type, ...read(problems) };
    if (problems.length) return fail(form, problems);
    const button = form.querySelector('button[type=submit]');
    button.disabled = true;
    try {
      await api(`/api/reviews/${encodeURIComponent(caseId)}/actions`, { method: 'POST', body: { requestId: newRequestId(), event } });
      render();
    } catch (err) {
      button.disabled = false;
      showErrors(form, eventPaths(err));
    }
  });
  return form;
}

const textarea = (name) => h('textarea', { name, rows: 3, maxlength: 5000 });
const required = (problems, path, value) => {
  if (!value || (Array.isArray(value) && !value.length)) problems.push({ path, message: t('cmd.required') });
  return value;
};

/** Corrective measures: rows of description and due date. */
function measuresControl() {
  const rows = [];
  const list = h('div', { class: 'rows' });
  const add = () => {
    const i = rows.length;
    const description = h('input', { name: `correctiveMeasures.${i}.description`, autocomplete: 'off' });
    const dueAt = h('input', { name: `correctiveMeasures.${i}.dueAt`, type: 'date' });
    rows.push({ description, dueAt });
    list.append(
      h(
        'div',
        { class: 'row', dataset: { path: `correctiveMeasures.${i}` } },
        field(t('rvf.measure'), description, { path: `correctiveMeasures.${i}.description` }),
        field(t('ops.dueAt'), dueAt, { path: `correctiveMeasures.${i}.dueAt` }),
      ),
    );
  };
  return {
    node: h(
      'fieldset',
      { dataset: { path: 'correctiveMeasures' } },
      h('legend', {}, t('rv.measures')),
      list,
      h('button', { type: 'button', class: 'secondary', onclick: add }, t('rvf.addMeasure')),
      h('p', { class: 'field-error', role: 'status' }),
    ),
    read(problems) {
      return rows.flatMap((r, i) => {
        const description = r.description.value.trim();
        if (!description && !r.dueAt.value) return [];
        required(problems, `correctiveMeasures.${i}.description`, description);
        required(problems, `correctiveMeasures.${i}.dueAt`, r.dueAt.value);
        return [{ id: `m${i + 1}`, description, dueAt: shanghaiDay(r.dueAt.value) }];
      });
    },
  };
}

const FORMS = {
  ACCEPT: () => ({ submit: t('rvf.accept') }),
  REFUSE: () => {
    const reasons = textarea('reasons');
    return {
      controls: [field(t('rvf.reasons'), reasons, { path: 'reasons', hint: t('rvf.onePerLine') })],
      read: (p) => ({ reasons: required(p, 'reasons', lines(reasons)) }),
    };
  },
  RECORD_FINDING: () => {
    const criterion = select(
      'criterion',
      CRITERIA.map((c) => [c, t('review.criterion.' + c)]),
    );
    const value = select(
      'value',
      FINDINGS.map((v) => [v, t('review.finding.' + v)]),
    );
    const evidence = textarea('evidence');
    const note = textarea('note');
    return {
      controls: [
        field(t('rv.criterion'), criterion, { path: 'criterion' }),
        field(t('rv.finding'), value, { path: 'value' }),
        field(t('rvf.evidenceLinks'), evidence, { path: 'evidence', hint: t('rvf.onePerLine') }),
        field(t('rv.note'), note, { path: 'note' }),
      ],
      read: () => ({ criterion: criterion.value, value: value.value, evidence: lines(evidence), ...(note.value.trim() ? { note: note.value.trim() } : {}) }),
    };
  },
  RECORD_EXCLUSION: () => {
    const kind = select(
      'kind',
      EXCLUSION_KINDS.map((k) => [k, t('review.exclusion.' + k)]),
    );
    const description = textarea('description');
    const evidence = textarea('evidence');
    return {
      controls: [
        field(t('rvf.exclusionKind'), kind, { path: 'exclusion.kind' }),
        field(t('rvf.description'), description, { path: 'exclusion.description' }),
        field(t('rvf.evidenceLinks'), evidence, { path: 'exclusion.evidence', hint: t('rvf.onePerLine') }),
      ],
      read: (p) => ({
        exclusion: { kind: kind.value, description: required(p, 'exclusion.description', description.value.trim()), evidence: lines(evidence) },
      }),
    };
  },
  COMPLETE_INVESTIGATION: () => ({}),
  CAST_VOTE: () => {
    const choice = select(
      'choice',
      REVIEW_OUTCOMES.map((o) => [o, t('review.outcome.' + o)]),
    );
    return { controls: [field(t('rv.choice'), choice, { path: 'choice' })], read: () => ({ choice: choice.value }) };
  },
  CALL_REVOTE: () => ({}),
  DECIDE: () => {
    const impact = h('input', { name: 'impactPeriodEndsAt', type: 'date' });
    const measures = measuresControl();
    return {
      controls: [field(t('rvf.impactUntil'), impact, { path: 'impactPeriodEndsAt', hint: t('rvf.impactHint') }), measures.node],
      read: (p) => ({ ...(impact.value ? { impactPeriodEndsAt: shanghaiDay(impact.value) } : {}), correctiveMeasures: measures.read(p) }),
    };
  },
  SERVE_NOTICE: () => ({}),
  PUBLICISE_AND_FILE: () => ({}),
  APPEAL: () => {
    const grounds = textarea('grounds');
    return { controls: [field(t('rv.grounds'), grounds, { path: 'grounds' })], read: (p) => ({ grounds: required(p, 'grounds', grounds.value.trim()) }) };
  },
  // The appeal body is drawn by the server from the county's holders new to the case: nothing to choose.
  OPEN_APPEAL_REVIEW: () => ({ controls: [h('p', { class: 'muted' }, t('rvf.appealBodyBySystem'))] }),
};

/** Complete a corrective measure (纠错整改) from the responsible unit's inbox. */
function measureForm(caseId, m) {
  const note = textarea('note');
  const evidence = textarea('evidence');
  const form = h(
    'form',
    { class: 'review-measure', dataset: { measure: m.measureId }, novalidate: true },
    h('h3', {}, t('rvf.completeMeasure'), '：', m.title),
    field(t('rvf.measureNote'), note, { path: 'body.note' }),
    field(t('rvf.evidenceLinks'), evidence, { path: 'body.evidence', hint: t('rvf.onePerLine') }),
    formError(),
    h('button', { type: 'submit' }, t('rvf.completeMeasure')),
  );
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearErrors(form);
    if (!note.value.trim()) return fail(form, [{ path: 'body.note', message: t('cmd.required') }]);
    try {
      await api(`/api/reviews/${encodeURIComponent(caseId)}/measures/${encodeURIComponent(m.measureId)}/complete`, {
        method: 'POST',
        body: { requestId: newRequestId(), note: note.value.trim(), evidence: lines(evidence) },
      });
      render();
    } catch (err) {
      showErrors(form, err);
    }
  });
  return form;
}

/** The panel of forms, or nothing when the user may do nothing on the case now. */
export async function reviewActionsCard({ c, mayAct, measures }) {
  const forms = mayAct.filter((type) => FORMS[type]).map((type) => actionForm(c.id, type, FORMS[type]()));
  const measureForms = (measures || []).filter((m) => m.mayComplete).map((m) => measureForm(c.id, m));
  if (!forms.length && !measureForms.length) return '';
  return card(t('rvf.todo'), h('div', { id: 'review-forms' }, forms, measureForms));
}
