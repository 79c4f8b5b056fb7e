import { api, newRequestId } from '../api.js';
import { go, render } from '../app.js';
import { OWN_TASK_COMMANDS, TOWNSHIP_CHECKS } from '../domain.js';
import { has, t } from '../i18n.js';
import { card, clearErrors, dueBadge, field, formError, h, select, showErrors, uid } from '../ui.js';
import { projectSummary } from './project-summary.js';
import { timeline, unitNameMap } from './timeline.js';

/** Which extra inputs each action asks for (the API's body fields). */
const NEEDS = {
  approve: ['comment'],
  reject: ['comment'],
  return: ['comment', 'returnTo'],
  resubmit: ['comment'],
  transfer: ['comment', 'toUserId'],
  add_signer: ['comment', 'position', 'signerUserId'],
  claim: [],
  unclaim: [],
  comment: ['comment'],
  withdraw: ['comment'],
  cc: ['comment', 'recipientIds'],
  urge: ['comment'],
};
const REASON_REQUIRED = new Set(['reject', 'return']);
/** The township review records its five checks with an approval (or a return or rejection). */
const CHECK_ACTIONS = new Set(['approve', 'return', 'reject']);

/**
 * The five on-site checks of a township review (ZTownshipChecks): a result and a note each. Left
 * blank, nothing is sent; once any is filled the API wants all five, and its refusal (a missing
 * check, or a failed one on an approval) lands next to the check its path names.
 */
function checksFieldset() {
  const rows = TOWNSHIP_CHECKS.map((c) => {
    const result = select(
      'result',
      [
        ['', t('checks.unset')],
        ['PASS', t('checks.PASS')],
        ['FAIL', t('checks.FAIL')],
      ],
      '',
    );
    result.dataset.check = c;
    const note = h('input', { name: 'note', maxlength: 500, autocomplete: 'off' });
    note.dataset.check = c;
    return h(
      'div',
      { class: 'check-row' },
      field(t('check.' + c), result, { path: `body.checks.${c}` }),
      field(t('checks.note', { name: t('check.' + c) }), note, { path: `body.checks.${c}.note` }),
    );
  });
  const set = h(
    'fieldset',
    { class: 'checks', id: 'township-checks', 'data-path': 'body.checks' },
    h('legend', {}, t('checks.title')),
    rows,
    h('p', { class: 'field-error', role: 'status' }),
  );
  /** The `checks` body field, or undefined when the reviewer recorded none. */
  set.readChecks = () => {
    const entries = TOWNSHIP_CHECKS.map((c) => {
      const result = set.querySelector(`select[data-check="${c}"]`).value;
      const note = set.querySelector(`input[data-check="${c}"]`).value.trim();
      return [c, result ? { result, ...(note ? { note } : {}) } : undefined];
    });
    if (entries.every(([, v]) => !v)) return undefined;
    return Object.fromEntries(entries.filter(([, v]) => v));
  };
  return set;
}

/** Actions after which the person stays on the task (it is still theirs to decide). */
const STAY = new Set(['claim', 'unclaim', 'comment', 'cc', 'urge', 'transfer', 'add_signer']);

function bodyFor(action, v) {
  const b = { action, requestId: newRequestId() };
  if (NEEDS[action].includes('comment') && (v.comment || action === 'comment')) b.comment = v.comment;
  if (action === 'return') b.returnTo = v.returnTo === 'STEP' ? { to: 'STEP', stepId: v.stepId } : { to: 'APPLICANT' };
  if (action === 'transfer') b.toUserId = v.toUserId;
  if (action === 'add_signer') Object.assign(b, { position: v.position, signer: { userId: v.signerUserId } });
  if (CHECK_ACTIONS.has(action) && v.checks) b.checks = v.checks;
  if (action === 'cc') b.recipientIds = v.recipientIds.split(/[,，\s]+/).filter(Boolean);
  return b;
}

/** The decision form: exactly the actions the server says are open now, errors shown by field. */
function decisionForm(task) {
  const command = OWN_TASK_COMMANDS[task.kind];
  // The lifecycle's own tasks (evaluation form, handover, plans…) are done by a command on the project page.
  if (command && task.status === 'PENDING') {
    return h(
      'p',
      { id: 'own-task' },
      t('task.ownTask', { what: t('cmd.' + command) }),
      ' ',
      h('a', { href: `#/projects/${encodeURIComponent(task.projectId)}?command=${command}` }, t('task.goProject')),
    );
  }
  if (!task.actions.length) return h('p', { class: 'muted', id: 'no-actions' }, t('task.noActions'));
  const name = uid('action');
  const radios = h(
    'fieldset',
    { class: 'actions', 'data-path': 'body.action' },
    h('legend', {}, t('task.action')),
    task.actions.map((a, i) => {
      const id = uid('act');
      return h('span', { class: 'radio' }, h('input', { type: 'radio', name, id, value: a, checked: i === 0 }), h('label', { for: id }, t('action.' + a)));
    }),
    h('p', { class: 'field-error', role: 'status' }),
  );
  const comment = h('textarea', { name: 'comment', rows: 3, maxlength: 2000 });
  const returnTo = select('returnTo', [
    ['APPLICANT', t('task.toApplicant')],
    ['STEP', t('task.toStep')],
  ]);
  // The step's own return targets when it has any (the county reviews: the earlier review steps).
  const stepId = task.returnTargets?.length
    ? select(
        'stepId',
        task.returnTargets.map((r) => [r.stepId, r.label ?? r.stepId]),
      )
    : h('input', { name: 'stepId' });
  // The people the step would accept a transfer to (the API checks each); a typed id only when none is offered.
  const toUserId = task.transferTargets?.length
    ? select(
        'toUserId',
        task.transferTargets.map((p) => [p.userId, `${p.displayName}（${p.userId}）`]),
      )
    : h('input', { name: 'toUserId', autocomplete: 'off' });
  const position = select('position', [
    ['AFTER', t('task.after')],
    ['BEFORE', t('task.before')],
  ]);
  // Likewise whom the step would accept as an added signer (加签) and whom the caller may copy (抄送).
  const signerUserId = task.signerTargets?.length
    ? select(
        'signerUserId',
        task.signerTargets.map((p) => [p.userId, `${p.displayName}（${p.userId}）`]),
      )
    : h('input', { name: 'signerUserId', autocomplete: 'off' });
  const recipientIds = task.ccTargets?.length
    ? h(
        'select',
        { name: 'recipientIds', id: uid('recipientIds'), multiple: true, size: Math.min(6, task.ccTargets.length) },
        task.ccTargets.map((p) => h('option', { value: p.userId }, `${p.displayName}（${p.userId}）`)),
      )
    : h('input', { name: 'recipientIds', autocomplete: 'off' });
  const chosenRecipients = () => (recipientIds.tagName === 'SELECT' ? [...recipientIds.selectedOptions].map((o) => o.value).join(',') : recipientIds.value);
  const groups = {
    comment: field(t('task.comment'), comment, { path: 'body.comment' }),
    returnTo: h('div', {}, field(t('task.returnTo'), returnTo, { path: 'body.returnTo' }), field(t('task.stepId'), stepId, { path: 'body.returnTo.stepId' })),
    toUserId: field(t('task.toUserId'), toUserId, { path: 'body.toUserId' }),
    position: field(t('task.position'), position, { path: 'body.position' }),
    signerUserId: field(t('task.signerUserId'), signerUserId, { path: 'body.signer' }),
    recipientIds: field(t('task.recipientIds'), recipientIds, { path: 'body.recipientIds' }),
  };
  const checks = task.kind === 'TOWNSHIP_REVIEW' ? checksFieldset() : null;
  const submit = h('button', { type: 'submit' }, t('task.submit'));
  const form = h('form', { id: 'decision-form', novalidate: true }, radios, Object.values(groups), checks, formError(), h('p', {}, submit));
  const chosen = () => form.querySelector(`input[name="${name}"]:checked`)?.value;
  const sync = () => {
    const a = chosen();
    for (const [k, el] of Object.entries(groups)) el.hidden = !NEEDS[a]?.includes(k);
    stepId.closest('.field').hidden = !(a === 'return' && returnTo.value === 'STEP');
    comment.required = REASON_REQUIRED.has(a);
    if (checks) checks.hidden = !CHECK_ACTIONS.has(a);
  };
  radios.addEventListener('change', sync);
  returnTo.addEventListener('change', sync);
  sync();
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearErrors(form);
    const action = chosen();
    const values = {
      comment: comment.value.trim(),
      returnTo: returnTo.value,
      stepId: stepId.value.trim(),
      toUserId: toUserId.value.trim(),
      position: position.value,
      signerUserId: signerUserId.value.trim(),
      recipientIds: chosenRecipients(),
      checks: checks?.readChecks(),
    };
    if (REASON_REQUIRED.has(action) && !values.comment) {
      return showErrors(form, { message: t('task.commentRequired'), details: [{ path: 'body.comment', message: t('task.commentRequired') }] });
    }
    // The API's rule, said in the reviewer's words before anything is sent: approving needs every check passed.
    const failed = action === 'approve' && values.checks ? TOWNSHIP_CHECKS.filter((c) => values.checks[c]?.result === 'FAIL') : [];
    if (failed.length) {
      return showErrors(form, {
        message: t('checks.failedApprove'),
        details: failed.map((c) => ({ path: `body.checks.${c}.result`, message: t('checks.failedApprove') })),
      });
    }
    submit.disabled = true;
    try {
      const res = await api(`/api/tasks/${encodeURIComponent(task.id)}/decision`, { method: 'POST', body: bodyFor(action, values) });
      // A payment or acceptance step answers with its own phases, not project stages; an action
      // that leaves the stage as it was (transfer, claim, comment…) is told by its name instead.
      const stages = res.stageBefore !== res.stageAfter && has('stage.' + res.stageBefore) && has('stage.' + res.stageAfter);
      sessionStorage.setItem(
        'bangfu-flash',
        stages
          ? t('task.done', { before: t('stage.' + res.stageBefore), after: t('stage.' + res.stageAfter) })
          : `${t('task.doneSimple')}：${t('action.' + action)}`,
      );
      if (STAY.has(action)) render();
      else go(`/projects/${encodeURIComponent(task.projectId)}`);
    } catch (err) {
      showErrors(form, err);
    } finally {
      submit.disabled = false;
    }
  });
  return form;
}

export default async function taskPage({ params: [taskId] }) {
  const task = await api(`/api/web/tasks/${encodeURIComponent(taskId)}`);
  const [project, units] = await Promise.all([api(`/api/projects/${encodeURIComponent(task.projectId)}`), unitNameMap(api)]);
  const flash = sessionStorage.getItem('bangfu-flash');
  sessionStorage.removeItem('bangfu-flash');
  return h(
    'div',
    { class: 'task-page' },
    flash ? h('p', { class: 'flash', role: 'status' }, flash) : '',
    h('h1', {}, `${t('kind.' + task.kind)} · ${project.name}`),
    h(
      'p',
      {},
      h('span', { class: 'badge', id: 'task-status' }, t('status.' + task.status)),
      ' ',
      dueBadge(task.dueAt, task.overdue),
      ' ',
      h('a', { href: '#/projects/' + encodeURIComponent(project.id) }, project.name),
    ),
    h('div', { class: 'two-col' }, card(t('task.decide'), decisionForm(task)), card(t('task.summary'), projectSummary(project, units))),
    card(t('project.timeline'), timeline(project, units)),
  );
}
