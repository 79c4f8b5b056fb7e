import { api } from '../api.js';
import { go, loadSession } from '../app.js';
import { inPageLanguage, t } from '../i18n.js';
import { clearErrors, field, formError, h, showErrors } from '../ui.js';

export default function loginPage() {
  const username = h('input', { name: 'username', autocomplete: 'username', required: true, autocapitalize: 'off', autofocus: true });
  const password = h('input', { name: 'password', type: 'password', autocomplete: 'current-password', required: true });
  const submit = h('button', { type: 'submit' }, t('login.submit'));
  const form = h(
    'form',
    { class: 'card narrow', novalidate: true },
    h('h1', {}, t('login.title')),
    field(t('login.username'), username, { path: 'body.username' }),
    field(t('login.password'), password, { path: 'body.password' }),
    formError(),
    h('p', {}, submit),
  );
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearErrors(form);
    submit.disabled = true;
    try {
      // The answer also carries a bearer token for scripts; the browser relies on the cookie only.
      await api('/api/auth/login', { method: 'POST', body: { username: username.value, password: password.value } });
      await loadSession();
      go('/inbox');
    } catch (err) {
      err.message = `${t('login.failed')}: ${inPageLanguage(err.code, err.message)}`;
      showErrors(form, err);
    } finally {
      submit.disabled = false;
    }
  });
  return form;
}
