import { api } from '../api.js';
import { ROLES } from '../domain.js';
import { inPageLanguage, t } from '../i18n.js';
import { card, clearErrors, field, formError, h, select, showErrors } from '../ui.js';

const unitOptions = (units) => units.map((u) => [u.id, '\u3000'.repeat(u.depth) + u.name]);
const roleOptions = () => ROLES.map((r) => [r, t('role.' + r)]);

/** A small form that posts and then refreshes the list, errors shown by field. */
function actionForm(cls, fields, label, send, done) {
  const form = h('form', { class: 'inline-form ' + cls, novalidate: true }, fields, formError(), h('button', { type: 'submit', class: 'secondary' }, label));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearErrors(form);
    try {
      await send();
      await done();
    } catch (err) {
      showErrors(form, err);
    }
  });
  return form;
}

function userRow(u, units, refresh) {
  const role = select('role', roleOptions());
  const unit = select('orgUnitId', unitOptions(units), u.homeOrgUnit?.id);
  const newPassword = h('input', { name: 'newPassword', type: 'password', autocomplete: 'new-password', minlength: 10 });
  const deactivate = h('button', { type: 'button', class: 'danger', disabled: !u.active }, t('admin.deactivate'));
  deactivate.addEventListener('click', async () => {
    if (!confirm(t('admin.confirmDeactivate'))) return;
    await api(`/api/admin/users/${u.id}/deactivate`, { method: 'POST' }).then(refresh, (err) => alert(inPageLanguage(err.code, err.message)));
  });
  return h(
    'li',
    { class: 'card user', dataset: { username: u.username } },
    h(
      'h3',
      {},
      u.displayName,
      ' ',
      h('span', { class: 'muted' }, '@' + u.username),
      ' ',
      h('span', { class: u.active ? 'badge' : 'badge danger' }, u.active ? t('admin.active') : t('admin.deactivated')),
    ),
    h('p', { class: 'muted' }, `${t('admin.home')}: ${u.homeOrgUnit?.name ?? '—'}`),
    h(
      'ul',
      { class: 'roles' },
      u.roles.map((r) => h('li', {}, `${t('role.' + r.role)} @ ${r.orgUnitName}`)),
    ),
    h(
      'details',
      {},
      h('summary', {}, t('admin.assign')),
      actionForm(
        'assign-role',
        [field(t('admin.role'), role, { path: 'body.role' }), field(t('admin.orgUnit'), unit, { path: 'body.orgUnitId' })],
        t('admin.assign'),
        () => api(`/api/admin/users/${u.id}/roles`, { method: 'POST', body: { role: role.value, orgUnitId: unit.value } }),
        refresh,
      ),
    ),
    h(
      'details',
      {},
      h('summary', {}, t('admin.reset')),
      actionForm(
        'reset-password',
        [field(t('admin.newPassword'), newPassword, { path: 'body.newPassword' })],
        t('admin.reset'),
        () => api(`/api/admin/users/${u.id}/reset-password`, { method: 'POST', body: { newPassword: newPassword.value } }),
        async () => {
          newPassword.value = '';
          await refresh();
        },
      ),
    ),
    h('p', {}, deactivate),
  );
}

function createUserForm(units, refresh) {
  const f = {
    username: h('input', { name: 'username', autocomplete: 'off', autocapitalize: 'off', required: true }),
    displayName: h('input', { name: 'displayName', required: true }),
    password: h('input', { name: 'password', type: 'password', autocomplete: 'new-password', required: true }),
    home: select('homeOrgUnitId', unitOptions(units)),
    role: select('role', [['', t('admin.noRole')], ...roleOptions()]),
  };
  return actionForm(
    'create-user',
    [
      field(t('admin.username'), f.username, { path: 'body.username' }),
      field(t('admin.displayName'), f.displayName, { path: 'body.displayName' }),
      field(t('admin.password'), f.password, { path: 'body.password' }),
      field(t('admin.home'), f.home, { path: 'body.homeOrgUnitId' }),
      field(t('admin.role'), f.role, { path: 'body.roles' }),
    ],
    t('admin.create'),
    () =>
      api('/api/admin/users', {
        method: 'POST',
        body: {
          username: f.username.value.trim(),
          displayName: f.displayName.value.trim(),
          password: f.password.value,
          homeOrgUnitId: f.home.value,
          roles: f.role.value ? [{ role: f.role.value, orgUnitId: f.home.value }] : [],
        },
      }),
    async () => {
      f.username.value = f.displayName.value = f.password.value = '';
      await refresh();
    },
  );
}

export async function usersSection(units) {
  const list = h('ul', { class: 'plain', id: 'users' });
  const q = h('input', { name: 'q', type: 'search' });
  const refresh = async () => {
    const users = (await api('/api/admin/users', { query: { q: q.value.trim(), pageSize: 100 } })).items;
    list.replaceChildren(...users.map((u) => userRow(u, units, refresh)));
  };
  const search = h(
    'form',
    { class: 'filters', role: 'search' },
    field(t('admin.search'), q),
    h('button', { type: 'submit', class: 'secondary' }, t('inbox.filter')),
  );
  search.addEventListener('submit', (e) => {
    e.preventDefault();
    refresh();
  });
  await refresh();
  return h('div', {}, card(t('admin.createUser'), createUserForm(units, refresh)), card(t('admin.users'), search, list));
}
