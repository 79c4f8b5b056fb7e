import { inPageLanguage, t } from './i18n.js';
import { formatFen, parseYuan } from './money.js';

/** h('p', { class: 'x', onclick }, 'text', child): DOM without innerHTML, so no markup injection. */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else if (v === true) el.setAttribute(k, '');
    else el.setAttribute(k, String(v));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children.flat(Infinity)) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

let seq = 0;
export const uid = (p = 'f') => `${p}-${++seq}`;

/** A labelled control with a slot for its error; `path` is the API field path it reports under. */
export function field(label, control, { path, hint } = {}) {
  const id = control.id || (control.id = uid());
  const err = h('p', { class: 'field-error', id: id + '-err', role: 'status', 'aria-live': 'polite' });
  control.setAttribute('aria-describedby', err.id);
  const wrap = h(
    'div',
    { class: 'field', dataset: path ? { path } : {} },
    h('label', { for: id }, label),
    control,
    hint ? h('p', { class: 'muted' }, hint) : null,
    err,
  );
  return wrap;
}

export function select(name, options, value) {
  return h(
    'select',
    { name, id: uid(name) },
    options.map(([v, label]) => h('option', { value: v, selected: String(v) === String(value ?? '') }, label)),
  );
}

/** Put each API error detail next to the field whose data-path is its path (or the nearest parent). */
export function showErrors(form, err) {
  clearErrors(form);
  const general = form.querySelector('.form-error');
  const leftover = [];
  for (const d of err.details || []) {
    let p = d.path;
    let target = null;
    while (p && !(target = form.querySelector(`[data-path="${CSS.escape(p)}"]`))) p = p.includes('.') ? p.slice(0, p.lastIndexOf('.')) : '';
    const slot = target?.querySelector(':scope > .field-error');
    if (slot) {
      // A field's own rule (VALIDATION_FAILED) speaks for itself; another code's detail gets the code's words.
      const message = err.code === 'VALIDATION_FAILED' ? d.message : inPageLanguage(err.code, d.message);
      slot.textContent = (slot.textContent ? slot.textContent + '；' : '') + message;
      target.classList.add('invalid');
      target.querySelector('input,select,textarea')?.setAttribute('aria-invalid', 'true');
    } else leftover.push(d.path ? `${d.path}: ${d.message}` : d.message);
  }
  // The message alone when no field took a detail; otherwise the fields speak for themselves.
  const placed = (err.details || []).length - leftover.length;
  if (general) general.textContent = (placed > 0 ? leftover : [inPageLanguage(err.code, err.message), ...leftover]).join(' — ');
  form.querySelector('.invalid input, .invalid select, .invalid textarea')?.focus();
}

export function clearErrors(form) {
  form.querySelectorAll('.field-error').forEach((e) => (e.textContent = ''));
  form.querySelectorAll('.invalid').forEach((e) => e.classList.remove('invalid'));
  form.querySelectorAll('[aria-invalid]').forEach((e) => e.removeAttribute('aria-invalid'));
  const general = form.querySelector('.form-error');
  if (general) general.textContent = '';
}

export const formError = () => h('p', { class: 'form-error', role: 'alert' });

export const fmtFen = formatFen;

export function fmtTime(v) {
  if (!v) return '—';
  const d = new Date(v);
  return d.toLocaleString(document.documentElement.lang, { year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' });
}

/**
 * The last day of a period that closes at `closesAt` (the first instant it is over, midnight in
 * Shanghai after its last working day), as a date in Asia/Shanghai whatever the browser's zone.
 */
export function fmtLastDay(closesAt) {
  const d = new Date(new Date(closesAt).getTime() - 1);
  return d.toLocaleDateString(document.documentElement.lang, { timeZone: 'Asia/Shanghai', year: 'numeric', month: 'long', day: 'numeric' });
}

/** A badge for a due time: overdue, due within a day, or the date. */
export function dueBadge(dueAt, overdue) {
  if (!dueAt) return null;
  const ms = new Date(dueAt).getTime() - Date.now();
  if (overdue || ms < 0) return h('span', { class: 'badge danger' }, t('inbox.overdue'));
  if (ms < 24 * 3600e3) return h('span', { class: 'badge warn' }, t('inbox.dueSoon'));
  return h('span', { class: 'badge' }, t('inbox.dueAt') + ' ' + fmtTime(dueAt));
}

export const stageBadge = (stage) => h('span', { class: `badge stage stage-${String(stage).toLowerCase()}` }, t('stage.' + stage));

export function card(title, ...children) {
  return h('section', { class: 'card' }, title ? h('h2', {}, title) : null, ...children);
}

export function loading() {
  return h('p', { class: 'muted', role: 'status' }, t('common.loading'));
}

export function errorBox(err) {
  return h('p', { class: 'form-error', role: 'alert' }, `${t('common.error')}: ${inPageLanguage(err.code, err.message)}`);
}

/** yuan (as typed) → integer fen, or NaN (which the API reports under the field's path). */
export function yuanToFen(text) {
  const parsed = parseYuan(text);
  return parsed.ok ? parsed.fen : NaN;
}

/** Previous / page n of m / next links for a paged list; `href(page)` is the link to a page. Nothing for one page. */
export function pager({ page, total, pageSize, href }) {
  const pages = Math.max(1, Math.ceil(total / pageSize));
  if (pages <= 1) return '';
  return h(
    'nav',
    { class: 'pager', 'aria-label': 'pages' },
    page > 1 ? h('a', { href: href(page - 1) }, t('common.prev')) : '',
    h('span', {}, t('common.page', { p: `${page}/${pages}` })),
    page < pages ? h('a', { href: href(page + 1) }, t('common.next')) : '',
  );
}

export const badge = (text, cls = '') => h('span', { class: `badge ${cls}`.trim() }, text);

/**
 * A table that folds into labelled rows at phone width: columns are [label, row → cell, { num }].
 * Shows `empty` instead when there are no rows.
 */
export function dataTable({ id, caption, columns, rows, empty }) {
  if (!rows.length) return h('p', { class: 'muted', id }, empty ?? t('ops.none'));
  return h(
    'table',
    { class: 'data responsive', id },
    caption ? h('caption', {}, caption) : null,
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        columns.map(([label]) => h('th', { scope: 'col' }, label)),
      ),
    ),
    h(
      'tbody',
      {},
      rows.map((row) =>
        h(
          'tr',
          { dataset: row.id ? { id: row.id } : {} },
          columns.map(([label, cell, opts = {}]) => h('td', { 'data-label': label, class: opts.num ? 'num' : null }, cell(row))),
        ),
      ),
    ),
  );
}
