import { api } from '../api.js';
import { t } from '../i18n.js';
import { card, clearErrors, field, fmtTime, formError, h, showErrors } from '../ui.js';

/** The one text-valued setting; every other leaf of the settings is an integer. */
const CHOICES = { 'disbursement.ownCapitalMatching': ['PROPORTIONAL', 'NONE'], 'faultTolerance.appealLevel': ['CITY', 'PROVINCE', 'COUNTY'] };

/** A fieldset per settings group (and per nested group), with a slot for errors about the group as a whole. */
function group(path, legend, children) {
  return h(
    'fieldset',
    { dataset: { path: 'body.settings.' + path } },
    h('legend', {}, legend),
    h('div', { class: 'settings-grid' }, children),
    h('p', { class: 'field-error', role: 'status', 'aria-live': 'polite' }),
  );
}

/** A year of the working-day calendar ('2025') is a key of its own, labelled by itself. */
const YEAR = /^\d{4}$/;

/** One labelled control per leaf, built from the settings object itself, so a new setting shows up by adding its label. */
function controls(value, path) {
  return Object.entries(value).map(([key, v]) => {
    const p = path ? `${path}.${key}` : key;
    // Labels are keyed by the path with '_' for '.', since a group's own label sits beside its fields'.
    const label = YEAR.test(key)
      ? t('cs.year', { year: key })
      : t(
          'cs.label.' +
            p
              .split('.')
              .filter((k) => !YEAR.test(k))
              .join('_'),
        );
    // A list of dates (the calendar's holidays, adjusted workdays): one text area, a date per line.
    if (Array.isArray(v))
      return field(label, h('textarea', { name: p, rows: 4, dataset: { setting: p, kind: 'dates' } }, v.join('\n')), { path: 'body.settings.' + p });
    if (v && typeof v === 'object') return group(p, label, controls(v, p));
    const control = CHOICES[p]
      ? h(
          'select',
          { name: p, dataset: { setting: p } },
          CHOICES[p].map((c) => h('option', { value: c, selected: c === v }, t('cs.choice.' + c))),
        )
      : h('input', { name: p, type: 'number', inputmode: 'numeric', step: 1, value: v, dataset: { setting: p, kind: 'int' } });
    return field(label, control, { path: 'body.settings.' + p });
  });
}

/** The settings as the form holds them; a blank number goes as null, which the API reports under its path. */
function read(form) {
  const out = {};
  for (const el of form.querySelectorAll('[data-setting]')) {
    const keys = el.dataset.setting.split('.');
    const last = keys.pop();
    const into = keys.reduce((o, k) => (o[k] ??= {}), out);
    const kind = el.dataset.kind;
    into[last] =
      kind === 'int' ? (el.value.trim() === '' ? null : Number(el.value)) : kind === 'dates' ? el.value.split(/[\s,，、]+/).filter(Boolean) : el.value;
  }
  return out;
}

function describe(s) {
  // The unit's own row (version > 0), an ancestor's (a city's or province's), or the defaults.
  const own = s.version > 0;
  const parts = [own ? t('cs.sourceCounty', { v: s.version }) : s.sourceUnit ? t('cs.sourceInherited', { unit: s.sourceUnit.name }) : t('cs.sourceDefault')];
  if (s.updatedBy) parts.push(t('cs.lastChange', { who: s.updatedBy.displayName, when: fmtTime(s.updatedAt) }));
  else if (s.sourceUnit) parts.push(t('cs.seeded', { when: fmtTime(s.updatedAt) }));
  return parts.join(' · ');
}

/** One county's settings: the form, who saved it last, and the version the next save must name. */
function countyForm(countyId) {
  const root = h('div', { class: 'county-settings', dataset: { county: countyId } });
  const render = async (flash) => {
    const s = await api(`/api/admin/counties/${encodeURIComponent(countyId)}/settings`);
    const save = h('button', { type: 'submit' }, t('cs.save'));
    const form = h('form', { class: 'settings-form', novalidate: true }, controls(s.settings, ''), formError(), save);
    const status = h('p', { class: 'flash', role: 'status', hidden: !flash }, flash ?? '');
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      clearErrors(form);
      save.disabled = true;
      try {
        const saved = await api(`/api/admin/counties/${encodeURIComponent(countyId)}/settings`, {
          method: 'PUT',
          body: { expectedVersion: s.version, settings: read(form) },
        });
        await render(t('cs.saved', { v: saved.version }));
        root.querySelector('h3')?.focus();
      } catch (err) {
        save.disabled = false;
        if (err.code !== 'VERSION_CONFLICT') return showErrors(form, err);
        // Someone saved since this form was loaded: their values are not shown here, so saving over them is refused.
        const slot = form.querySelector('.form-error');
        slot.replaceChildren(t('cs.conflict'), ' ', h('button', { type: 'button', class: 'secondary', onclick: () => render() }, t('cs.reload')));
        slot.querySelector('button').focus();
      }
    });
    root.replaceChildren(
      h('h3', { tabindex: -1 }, s.countyName),
      h('p', { class: 'muted settings-meta' }, describe(s)),
      s.publicityOverride ? h('p', { class: 'muted' }, t('cs.override', { days: Object.values(s.publicityOverride).join('/') })) : '',
      status,
      form,
    );
  };
  return { root, ready: render() };
}

/** Administration: the settings of each county under my grants (none for a township administrator). */
export async function countySettingsSection(units) {
  const counties = units.filter((u) => u.level === 'COUNTY');
  if (!counties.length) return '';
  const forms = counties.map((c) => countyForm(c.id));
  await Promise.all(forms.map((f) => f.ready));
  return card(
    t('cs.title'),
    h('p', { class: 'muted' }, t('cs.hint')),
    forms.map((f) => f.root),
  );
}
