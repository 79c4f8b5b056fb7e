import { lazy, Suspense, useCallback, useEffect, useMemo, useState } from 'react';
import { App as AntApp, ConfigProvider, Result, Spin } from 'antd';
// The ES module build: the CommonJS one (antd/locale/…) reaches the bundle wrapped, and antd then misses its texts.
import zhCN from 'antd/es/locale/zh_CN';
import enUS from 'antd/es/locale/en_US';
import { api, setApiLanguage, setUnauthenticatedHandler, type TMe } from './api';
import { I18nContext, i18nFor, storedLang, storeLang, type TLang } from './i18n';
import { navigate, usePath } from './router';
import { Shell } from './Shell';
import { CSP_NONCE } from './csp';
import { LoginPage } from './pages/LoginPage';
import { InboxPage } from './pages/InboxPage';
import { TaskPage } from './pages/TaskPage';
import { NotificationsPage } from './pages/NotificationsPage';
import { ProjectsPage } from './pages/ProjectsPage';
import { MyProposalsPage } from './pages/MyProposalsPage';
import { PublicBoardPage } from './pages/PublicBoardPage';

/** /public/<countyCode>: the 公示 board, the one page anyone may open without signing in. */
const publicBoardCounty = (path: string) => /^\/public\/([^/]+)\/?$/.exec(path)?.[1];
import { ArchivePage } from './pages/ArchivePage';
import { AssetPage, AssetsPage } from './pages/AssetsPage';

// The pages with charts load ECharts with them, in chunks of their own: the inbox does not wait for it.
const RollupPage = lazy(() => import('./pages/RollupPage').then((m) => ({ default: m.RollupPage })));
const DashboardPage = lazy(() => import('./pages/DashboardPage').then((m) => ({ default: m.DashboardPage })));

/** /rollup or /rollup/<unitId>: the roll-up of a province, city, county or township. */
const rollupUnit = (path: string) => /^\/rollup(?:\/([^/]+))?$/.exec(path);

/** Whoever asked their system for less motion gets antd's dialogs and menus without animation. */
const REDUCED_MOTION = window.matchMedia('(prefers-reduced-motion: reduce)').matches;

/** The signed-in pages: the inbox, a task, the project ledger and the notifications. */
function Page({ path }: { path: string }) {
  if (path === '/notifications') return <NotificationsPage />;
  if (path === '/projects') return <ProjectsPage />;
  if (path === '/mine') return <MyProposalsPage />;
  if (path === '/assets') return <AssetsPage />;
  if (path === '/dashboard') return <DashboardPage />;
  const assetPage = /^\/assets\/([^/]+)$/.exec(path);
  if (assetPage) return <AssetPage key={path} assetId={decodeURIComponent(assetPage[1])} />;
  const rollup = rollupUnit(path);
  if (rollup) return <RollupPage key={path} unitId={rollup[1] ? decodeURIComponent(rollup[1]) : undefined} />;
  const task = /^\/tasks\/([^/]+)$/.exec(path);
  if (task) return <TaskPage taskId={decodeURIComponent(task[1])} />;
  const archive = /^\/projects\/([^/]+)\/archive$/.exec(path);
  if (archive) return <ArchivePage projectId={decodeURIComponent(archive[1])} />;
  return <InboxPage />;
}

export function App() {
  const [lang, setLangState] = useState<TLang>(storedLang);
  const [me, setMe] = useState<TMe | null | undefined>(undefined);
  const path = usePath();

  const setLang = useCallback((next: TLang) => {
    storeLang(next);
    setLangState(next);
  }, []);
  const i18n = useMemo(() => i18nFor(lang, setLang), [lang, setLang]);
  useEffect(() => {
    setApiLanguage(lang);
    document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en';
    document.title = i18n.t.appTitle;
  }, [lang, i18n]);

  const boardCounty = publicBoardCounty(path);
  const onBoard = boardCounty !== undefined;
  useEffect(() => {
    if (onBoard || me !== undefined) return;
    setUnauthenticatedHandler(() => setMe(null));
    api<TMe>('/api/me').then(setMe, () => setMe(null));
  }, [onBoard, me]);
  // Signed out (or the session ended): the sign-in page in place, so that signing in shows the
  // page the address names. /app/login itself leads to the inbox afterwards.
  let body;
  if (boardCounty !== undefined) body = <PublicBoardPage countyCode={decodeURIComponent(boardCounty)} />;
  else if (me === undefined) body = <Spin fullscreen />;
  else if (me === null || path === '/login')
    body = (
      <LoginPage
        onSignedIn={(user) => {
          setMe(user);
          // What the server offers this user (the Temporal UI link) comes with GET /api/me, not the sign-in answer.
          api<TMe>('/api/me').then(setMe, () => undefined);
          if (path === '/login') navigate('/', { replace: true });
        }}
      />
    );
  else
    body = (
      <Shell me={me} onSignedOut={() => setMe(null)}>
        {path === '/' ||
        path.startsWith('/tasks/') ||
        path === '/notifications' ||
        path === '/projects' ||
        path === '/mine' ||
        path === '/assets' ||
        path === '/dashboard' ||
        /^\/assets\/[^/]+$/.test(path) ||
        /^\/projects\/[^/]+\/archive$/.test(path) ||
        rollupUnit(path) ? (
          <Suspense fallback={<Spin />}>
            <Page path={path} />
          </Suspense>
        ) : (
          <Result status="404" title="404" />
        )}
      </Shell>
    );

  return (
    // autoInsertSpace off: antd would write 同意 as "同 意", which is neither the word officials read nor the button's accessible name.
    <ConfigProvider
      locale={lang === 'zh' ? zhCN : enUS}
      csp={{ nonce: CSP_NONCE }}
      button={{ autoInsertSpace: false }}
      theme={{ token: { colorPrimary: '#1677ff', borderRadius: 6, motion: !REDUCED_MOTION } }}
    >
      <AntApp>
        <I18nContext.Provider value={i18n}>{body}</I18nContext.Provider>
      </AntApp>
    </ConfigProvider>
  );
}
