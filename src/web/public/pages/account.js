import { api } from '../api.js';
import { t } from '../i18n.js';
import { card, clearErrors, field, formError, h, showErrors } from '../ui.js';

export default function accountPage() {
  const current = h('input', { type: 'password', name: 'currentPassword', autocomplete: 'current-password' });
  const next = h('input', { type: 'password', name: 'newPassword', autocomplete: 'new-password', minlength: 10 });
  const done = h('p', { role: 'status', class: 'flash', hidden: true }, t('account.done'));
  const form = h('form', { novalidate: true },
    field(t('account.current'), current, { path: 'body.currentPassword' }),
    field(t('account.next'), next, { path: 'body.newPassword' }),
    formError(), done, h('button', { type: 'submit' }, t('account.submit')));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearErrors(form);
    done.hidden = true;
    try {
      await api('/api/auth/password', { method: 'POST', body: { currentPassword: current.value, newPassword: next.value } });
      current.value = next.value = '';
      done.hidden = false;
    } catch (err) { showErrors(form, err); }
  });
  return h('div', {}, h('h1', {}, t('account.title')), card(null, form));
}
