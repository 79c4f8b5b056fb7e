import type { ReactNode } from 'react';
import { Badge, Button, Flex, Layout, Menu, Typography } from 'antd';
import {
  ApartmentOutlined,
  BarChartOutlined,
  BellOutlined,
  DashboardOutlined,
  InboxOutlined,
  LogoutOutlined,
  RollbackOutlined,
  SendOutlined,
  TableOutlined,
  DatabaseOutlined,
  TranslationOutlined,
} from '@ant-design/icons';
import { api, type TMe } from './api';
import { fill, useI18n } from './i18n';
import { useUnreadCount } from './notifications';
import { linkTo, navigate, usePath } from './router';
import { useApiGet } from './use-api-get';

/** The menu item a path belongs to: exactly one is highlighted (a task is opened from the inbox). */
const sectionOf = (path: string) =>
  path === '/' || path.startsWith('/tasks/')
    ? 'inbox'
    : path === '/projects'
      ? 'projects'
      : path === '/assets' || path.startsWith('/assets/')
        ? 'assets'
        : path === '/mine'
          ? 'mine'
          : path.startsWith('/rollup')
            ? 'rollup'
            : path === '/dashboard'
              ? 'dashboard'
              : path === '/notifications'
                ? 'notifications'
                : '';

/** The page frame: the brand, the main menu, the language switch and who is signed in. */
export function Shell({ me, onSignedOut, children }: { me: TMe; onSignedOut: () => void; children: ReactNode }) {
  const i18n = useI18n();
  const { t, lang, setLang } = i18n;
  const path = usePath();
  const unread = useUnreadCount();
  // The roll-up is offered to officials above the county and to monitors and administrators.
  const rollupUnits = useApiGet<{ aboveCounty: boolean }>('/api/rollups/units', {}, i18n);
  const signOut = async () => {
    await api('/api/auth/logout', { method: 'POST', body: {} }).catch(() => undefined);
    onSignedOut();
    // The next person to sign in on this browser starts at the inbox, not on the last task.
    navigate('/', { replace: true });
  };
  return (
    <Layout className="shell">
      <Layout.Header className="shell-header">
        <a className="brand" {...linkTo('/')}>
          <img src="/app/favicon.svg" alt="" width={28} height={28} />
          <span className="brand-title">{t.appTitle}</span>
          <span className="brand-short">{t.appShort}</span>
        </a>
        <nav aria-label={t.nav.menu} className="shell-nav">
          <Menu
            mode="horizontal"
            theme="dark"
            selectedKeys={[sectionOf(path)]}
            items={[
              { key: 'inbox', icon: <InboxOutlined />, label: <a {...linkTo('/')}>{t.nav.inbox}</a> },
              {
                key: 'mine',
                icon: <SendOutlined />,
                label: (
                  <a {...linkTo('/mine')} id="nav-mine">
                    {t.mine.nav}
                  </a>
                ),
              },
              { key: 'projects', icon: <TableOutlined />, label: <a {...linkTo('/projects')}>{t.nav.projects}</a> },
              {
                key: 'assets',
                icon: <DatabaseOutlined />,
                label: (
                  <a {...linkTo('/assets')} id="nav-assets">
                    {t.nav.assets}
                  </a>
                ),
              },
              ...(rollupUnits.data?.aboveCounty ? [{ key: 'rollup', icon: <BarChartOutlined />, label: <a {...linkTo('/rollup')}>{t.nav.rollup}</a> }] : []),
              // After the roll-up, which officials above the county look at first (its county rows link to their dashboards).
              {
                key: 'dashboard',
                icon: <DashboardOutlined />,
                label: (
                  <a {...linkTo('/dashboard')} id="nav-dashboard">
                    {t.nav.dashboard}
                  </a>
                ),
              },
              // The server names the Temporal UI for monitors and administrators only (GET /api/me).
              ...(me.temporalUiUrl
                ? [
                    {
                      key: 'temporal',
                      icon: <ApartmentOutlined />,
                      label: (
                        <a href={me.temporalUiUrl} target="_blank" rel="noopener noreferrer" id="temporal-ui-link">
                          {t.nav.temporal}
                        </a>
                      ),
                    },
                  ]
                : []),
              { key: 'old', icon: <RollbackOutlined />, label: <a href="/">{t.nav.oldApp}</a> },
            ]}
          />
        </nav>
        <Flex gap={8} align="center" className="shell-who">
          <Button
            type="text"
            className="on-dark"
            icon={<TranslationOutlined />}
            lang={lang === 'zh' ? 'en' : 'zh-CN'}
            onClick={() => setLang(lang === 'zh' ? 'en' : 'zh')}
          >
            {t.switchTo}
          </Button>
          <Badge count={unread} size="small" overflowCount={99} offset={[-6, 6]}>
            <Button
              type="text"
              className="on-dark notification-bell"
              icon={<BellOutlined />}
              aria-label={fill(t.notifications.bell, { n: unread })}
              {...linkTo('/notifications')}
            />
          </Badge>
          <Typography.Text className="on-dark who-name">{me.displayName}</Typography.Text>
          <Button type="text" className="on-dark" icon={<LogoutOutlined />} onClick={() => void signOut()}>
            {t.who.signOut}
          </Button>
        </Flex>
      </Layout.Header>
      <Layout.Content className="shell-content" id="main">
        {children}
      </Layout.Content>
    </Layout>
  );
}
