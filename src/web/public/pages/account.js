import { api } from '../api.js';
import { t } from '../i18n.js';
import { card, clearErrors, dataTable, field, fmtTime, formError, h, showErrors } from '../ui.js';

/** Password change, and personal API tokens for the CLI (`bangfu login --token`) and integrations. */
export default async function accountPage() {
  const current = h('input', { type: 'password', name: 'currentPassword', autocomplete: 'current-password' });
  const next = h('input', { type: 'password', name: 'newPassword', autocomplete: 'new-password', minlength: 10 });
  const done = h('p', { role: 'status', class: 'flash', hidden: true }, t('account.done'));
  const form = h(
    'form',
    { novalidate: true },
    field(t('account.current'), current, { path: 'body.currentPassword' }),
    field(t('account.next'), next, { path: 'body.newPassword' }),
    formError(),
    done,
    h('button', { type: 'submit' }, t('account.submit')),
  );
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearErrors(form);
    done.hidden = true;
    try {
      await api('/api/auth/password', { method: 'POST', body: { currentPassword: current.value, newPassword: next.value } });
      current.value = next.value = '';
      done.hidden = false;
    } catch (err) {
      showErrors(form, err);
    }
  });
  return h('div', {}, h('h1', {}, t('nav.account')), card(t('account.title'), form), await tokensCard());
}

async function tokensCard() {
  const list = h('div', {});
  const render = async () => {
    const { items } = await api('/api/tokens', { query: { pageSize: 200 } });
    list.replaceChildren(
      dataTable({
        id: 'token-list',
        empty: t('tokens.none'),
        rows: items,
        columns: [
          [t('tokens.name'), (tk) => tk.name],
          [t('tokens.created'), (tk) => fmtTime(tk.createdAt)],
          [t('tokens.expires'), (tk) => (tk.expiresAt ? fmtTime(tk.expiresAt) : t('tokens.never'))],
          [t('tokens.lastUsed'), (tk) => (tk.lastUsedAt ? fmtTime(tk.lastUsedAt) : '—')],
          [
            '',
            (tk) => {
              const revoke = h('button', { type: 'button', class: 'secondary', 'aria-label': `${t('tokens.revoke')} ${tk.name}` }, t('tokens.revoke'));
              revoke.addEventListener('click', async () => {
                if (!confirm(t('tokens.confirmRevoke'))) return;
                await api('/api/tokens/' + encodeURIComponent(tk.id), { method: 'DELETE' });
                await render();
              });
              return revoke;
            },
          ],
        ],
      }),
    );
  };
  const name = h('input', { name: 'name', maxlength: 100, required: true });
  const days = h('input', { name: 'expiresInDays', type: 'number', min: 1, max: 3650, inputmode: 'numeric', value: '90' });
  // The secret is shown this once (only its hash is stored); it is gone when the page is left.
  const secret = h('div', { id: 'new-token', role: 'status', hidden: true });
  const form = h(
    'form',
    { novalidate: true },
    field(t('tokens.name'), name, { path: 'body.name' }),
    field(t('tokens.days'), days, { path: 'body.expiresInDays', hint: t('tokens.daysHint') }),
    formError(),
    h('button', { type: 'submit' }, t('tokens.create')),
  );
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearErrors(form);
    secret.hidden = true;
    try {
      const body = { name: name.value.trim(), ...(days.value ? { expiresInDays: Number(days.value) } : {}) };
      const created = await api('/api/tokens', { method: 'POST', body });
      secret.replaceChildren(
        h('p', {}, t('tokens.shownOnce')),
        h('code', { class: 'secret' }, created.token),
        h('p', { class: 'muted' }, `npx bangfu login --url ${location.origin} --token <…>`),
      );
      secret.hidden = false;
      name.value = '';
      await render();
    } catch (err) {
      showErrors(form, err);
    }
  });
  await render();
  return card(t('tokens.title'), form, secret, list);
}
