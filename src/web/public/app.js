// The shell: session, navigation and a tiny hash router (#/inbox, #/tasks/<id>, …).
import { api, setUnauthenticatedHandler } from './api.js';
import { lang, setLang, t } from './i18n.js';
import { errorBox, h, loading } from './ui.js';

const ROUTES = [
  [/^\/login$/, () => import('./pages/login.js'), { public: true }],
  [/^\/inbox$/, () => import('./pages/inbox.js')],
  [/^\/tasks\/(.+)$/, () => import('./pages/task.js')],
  [/^\/projects\/new$/, () => import('./pages/new-project.js')],
  [/^\/projects\/(.+)$/, () => import('./pages/project.js')],
  [/^\/projects$/, () => import('./pages/projects.js')],
  [/^\/dashboard$/, () => import('./pages/dashboard.js')],
  [/^\/reviews\/new$/, () => import('./pages/review-new.js')],
  [/^\/reviews\/(.+)$/, () => import('./pages/review.js')],
  [/^\/reviews$/, () => import('./pages/reviews.js')],
  [/^\/officials\/(.+)$/, () => import('./pages/review-official.js')],
  [/^\/admin$/, () => import('./pages/admin.js')],
  [/^\/account$/, () => import('./pages/account.js')],
];

export const session = { me: null };
export const hasRole = (...roles) => !!session.me?.roles.some((g) => roles.includes(g.role));

export function go(path) {
  if (location.hash === '#' + path) render();
  else location.hash = path;
}

/** The current route's path and query (from the hash). */
export function currentRoute() {
  const raw = location.hash.slice(1) || '/inbox';
  const [path, qs = ''] = raw.split('?');
  return { path, query: Object.fromEntries(new URLSearchParams(qs)) };
}

setUnauthenticatedHandler(() => {
  session.me = null;
  if (currentRoute().path !== '/login') go('/login');
});

function renderNav() {
  const nav = document.getElementById('nav');
  const who = document.getElementById('who');
  const path = currentRoute().path;
  const link = (href, label) => h('a', { href: '#' + href, 'aria-current': path.startsWith(href) ? 'page' : null }, label);
  nav.replaceChildren();
  who.replaceChildren();
  if (session.me) {
    nav.append(
      link('/inbox', t('nav.inbox')),
      link('/projects', t('nav.projects')),
      hasRole('VILLAGE_COMMITTEE', 'ADMIN') ? link('/projects/new', t('nav.newProject')) : '',
      link('/dashboard', t('nav.dashboard')),
      link('/reviews', t('nav.reviews')),
      hasRole('ADMIN') ? link('/admin', t('nav.admin')) : '',
    );
    who.append(
      h('a', { href: '#/account', class: 'who-name' }, session.me.displayName || session.me.userId),
      h('button', { type: 'button', class: 'link', id: 'logout', onclick: logout }, t('nav.logout')),
    );
  }
  who.append(h('button', { type: 'button', class: 'link', lang: t('langCode') === 'en' ? 'en' : 'zh-CN', onclick: () => setLang(t('langCode')) }, t('lang')));
}

async function logout() {
  await api('/api/auth/logout', { method: 'POST' }).catch(() => {});
  session.me = null;
  go('/login');
}

export async function loadSession() {
  session.me = await api('/api/me').catch(() => null);
  return session.me;
}

let renderSeq = 0;
export async function render() {
  const seq = ++renderSeq;
  const main = document.getElementById('main');
  const { path, query } = currentRoute();
  const route = ROUTES.find(([re]) => re.test(path));
  if (!route) return go('/inbox');
  const [re, load, opts = {}] = route;
  if (!opts.public && !session.me && !(await loadSession())) return go('/login');
  renderNav();
  main.replaceChildren(loading());
  try {
    const page = await load();
    const params = path.match(re).slice(1).map(decodeURIComponent);
    const view = await page.default({ params, query });
    if (seq !== renderSeq) return;
    main.replaceChildren(view);
    const heading = main.querySelector('h1');
    document.title = (heading ? heading.textContent + ' · ' : '') + t('appTitle');
    heading?.setAttribute('tabindex', '-1');
    // Focus starts at the page's heading, so a screen reader reads the new page from its top,
    // unless the page asks for a field (the login's username) or arrives with one marked invalid.
    const start = main.querySelector('[autofocus], .invalid input, .invalid select, .invalid textarea') ?? heading;
    start?.focus({ preventScroll: start === heading });
  } catch (err) {
    if (seq === renderSeq && err.status !== 401) main.replaceChildren(errorBox(err));
  }
}

document.getElementById('app-title').textContent = t('appTitle');
document.getElementById('skip').textContent = t('skip');
document.body.dataset.lang = lang;
// The skip link must not touch the hash: the router owns it.
document.getElementById('skip').addEventListener('click', (e) => {
  e.preventDefault();
  document.getElementById('main').focus();
});
window.addEventListener('hashchange', render);
render();
