import { api } from '../api.js';
import { t } from '../i18n.js';
import { card, clearErrors, field, formError, h, select, showErrors } from '../ui.js';
import { countySettingsSection } from './admin-settings.js';
import { usersSection } from './admin-users.js';

const flatten = (nodes, depth = 0) => nodes.flatMap((n) => [{ ...n, depth }, ...flatten(n.children, depth + 1)]);

function tree(nodes) {
  return h(
    'ul',
    { class: 'tree' },
    nodes.map((n) =>
      h('li', {}, h('span', {}, n.name, ' ', h('span', { class: 'muted' }, `${t('level.' + n.level)} · ${n.id}`)), n.children.length ? tree(n.children) : ''),
    ),
  );
}

function addUnitForm(units, reload) {
  const parent = select(
    'parentId',
    units.filter((u) => u.level !== 'VILLAGE').map((u) => [u.id, '\u3000'.repeat(u.depth) + u.name]),
  );
  const name = h('input', { name: 'name', maxlength: 100, required: true });
  const form = h(
    'form',
    { class: 'inline-form', novalidate: true },
    field(t('admin.parent'), parent, { path: 'body.parentId' }),
    field(t('admin.unitName'), name, { path: 'body.name' }),
    formError(),
    h('button', { type: 'submit' }, t('admin.addUnit')),
  );
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearErrors(form);
    try {
      await api('/api/admin/org-units', { method: 'POST', body: { parentId: parent.value, name: name.value.trim() } });
      await reload();
    } catch (err) {
      showErrors(form, err);
    }
  });
  return form;
}

/** Administration: the org tree under my grants, and the accounts I manage. */
export default async function adminPage() {
  const root = h('div', { id: 'admin' });
  const reload = async () => {
    const nodes = (await api('/api/admin/org-units')).items;
    const units = flatten(nodes);
    root.replaceChildren(
      h('h1', {}, t('admin.title')),
      h(
        'div',
        { class: 'two-col' },
        card(t('admin.tree'), tree(nodes), h('h3', {}, t('admin.addUnit')), addUnitForm(units, reload)),
        await usersSection(units),
      ),
      await countySettingsSection(units),
    );
  };
  await reload();
  return root;
}
