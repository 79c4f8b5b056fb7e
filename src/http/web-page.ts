/**
 * The first cut of the web app (issue 6 grows it): sign in, see my pending tasks, approve,
 * return with a reason or resubmit, and follow a project's history. Plain HTML and fetch against
 * the JSON API, Chinese by default, usable on a phone.
 */
export const INDEX_HTML = /* html */ `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>帮扶产业项目管理</title>
<style>
  body { font-family: system-ui, "PingFang SC", "Microsoft YaHei", sans-serif; margin: 0; background: #f5f6f8; color: #1f2329; }
  header { background: #b71c1c; color: #fff; padding: 12px 16px; display: flex; justify-content: space-between; align-items: center; }
  main { max-width: 960px; margin: 0 auto; padding: 16px; }
  .card { background: #fff; border-radius: 8px; padding: 16px; margin-bottom: 12px; box-shadow: 0 1px 2px rgba(0,0,0,.08); }
  label { display: block; margin: 8px 0 4px; }
  input, textarea, button { font: inherit; padding: 8px; border-radius: 6px; border: 1px solid #c9cdd4; }
  button { background: #b71c1c; color: #fff; border: none; cursor: pointer; margin-right: 8px; }
  button.secondary { background: #4e5969; }
  .error { color: #b71c1c; }
  .muted { color: #86909c; font-size: 90%; }
  ul { padding-left: 18px; }
</style>
</head>
<body>
<header><strong>帮扶产业项目 · 审批工作台</strong><span id="who"></span></header>
<main>
  <section id="login" class="card">
    <h2>登录</h2>
    <form id="login-form">
      <label for="username">用户名</label><input id="username" name="username" autocomplete="username" required>
      <label for="password">密码</label><input id="password" name="password" type="password" autocomplete="current-password" required>
      <p><button type="submit">登录</button></p>
      <p id="login-error" class="error" role="alert"></p>
    </form>
  </section>
  <section id="inbox" hidden>
    <h2>我的待办 <span id="count" class="muted"></span></h2>
    <div id="tasks"></div>
    <p><a href="/api/docs">API 文档</a> · <button class="secondary" id="logout">退出</button></p>
  </section>
</main>
<script>
const $ = (s) => document.querySelector(s);
let token = sessionStorage.getItem('bangfu-token');
const api = async (path, opts = {}) => {
  const res = await fetch(path, { ...opts, headers: { 'content-type': 'application/json', ...(token ? { authorization: 'Bearer ' + token } : {}) } });
  const body = await res.json().catch(() => ({}));
  if (!res.ok) throw Object.assign(new Error(body.error?.message || res.statusText), { body });
  return body;
};
const esc = (s) => String(s ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
const ACTIONS = { TOWNSHIP_REVIEW: [['approve', '通过'], ['return', '退回']], REVISE_AND_RESUBMIT: [['resubmit', '重新提交']] };
async function showInbox() {
  const me = await api('/api/me');
  $('#who').textContent = me.displayName || me.userId;
  $('#login').hidden = true; $('#inbox').hidden = false;
  const { items, total } = await api('/api/tasks');
  $('#count').textContent = '(' + total + ')';
  $('#tasks').innerHTML = items.length ? '' : '<p class="card muted">暂无待办</p>';
  for (const t of items) {
    const el = document.createElement('div');
    el.className = 'card task';
    el.dataset.taskId = t.id;
    el.innerHTML = '<h3>' + esc(t.title) + ' · ' + esc(t.project.name) + '</h3>' +
      '<p class="muted">阶段 ' + esc(t.project.stage) + ' · 预算 ¥' + (t.project.budgetFen / 100).toFixed(2) + '</p>' +
      '<label>意见<textarea rows="2" class="comment"></textarea></label><p class="actions"></p><p class="error" role="alert"></p>';
    for (const [action, label] of ACTIONS[t.kind] || []) {
      const b = document.createElement('button');
      b.textContent = label; b.dataset.action = action;
      b.onclick = async () => {
        try {
          await api('/api/tasks/' + encodeURIComponent(t.id) + '/decision', { method: 'POST', body: JSON.stringify({ action, comment: el.querySelector('.comment').value || undefined, requestId: crypto.randomUUID() }) });
          await showInbox();
        } catch (e) { el.querySelector('.error').textContent = e.message + (e.body?.error?.details?.length ? '：' + e.body.error.details.map((d) => d.path + ' ' + d.message).join('；') : ''); }
      };
      el.querySelector('.actions').appendChild(b);
    }
    $('#tasks').appendChild(el);
  }
}
$('#login-form').onsubmit = async (ev) => {
  ev.preventDefault();
  try {
    const res = await api('/api/auth/login', { method: 'POST', body: JSON.stringify({ username: $('#username').value, password: $('#password').value }) });
    token = res.token; sessionStorage.setItem('bangfu-token', token);
    await showInbox();
  } catch (e) { $('#login-error').textContent = '登录失败：' + e.message; }
};
$('#logout').onclick = () => { sessionStorage.removeItem('bangfu-token'); token = null; location.reload(); };
if (token) showInbox().catch(() => { sessionStorage.removeItem('bangfu-token'); token = null; });
</script>
</body>
</html>`;
